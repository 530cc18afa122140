/** A closed window's summary for one (service, operation); produced by the windowed rollup, sunk to ClickHouse. */
export interface Rollup {
  service: string;
  operation: string;
  /** Inclusive window start and exclusive end, epoch ms. */
  window_start: number;
  window_end: number;
  /** `1m`, `5m` or `1h`. */
  resolution: string;
  count: number;
  error_count: number;
  duration_sum: number;
  duration_min: number;
  duration_max: number;
  duration_mean: number;
  p50: number;
  p95: number;
  p99: number;
  /** Serialized t-digest centroids ([mean, count] pairs flattened), so coarser rollups merge digests instead of raw events. */
  digest: number[];
}
