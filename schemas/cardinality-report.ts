/** Distinct count of one dimension over one day, estimated by HyperLogLog (`schemas/cardinality-report.avsc`). */
export interface CardinalityReport {
  /** Epoch ms, start inclusive, end exclusive. */
  window_start: number;
  window_end: number;
  /** `user_id`, `trace_id` or `service_method_status`. */
  dimension: string;
  distinct_estimate: number;
  /** 1.04 / sqrt(registers) of the sketch. */
  relative_standard_error: number;
  event_count: number;
}
