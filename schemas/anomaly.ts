/** One anomaly signal per (service, metric, window): the actual value against the baseline band (`schemas/anomaly.avsc`). */
export interface Anomaly {
  id: string;
  service: string;
  metric: string;
  /** Epoch ms, start inclusive, end exclusive. */
  window_start: number;
  window_end: number;
  actual: number;
  expected: number;
  lower: number;
  upper: number;
  /** Distance outside the band in units of band half-width (0 inside the band). */
  deviation: number;
  /** In [0, 1]. */
  confidence: number;
  model_version: string | null;
}
