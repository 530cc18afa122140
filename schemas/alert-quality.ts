/** Alert quality over one hour, from feedback (`schemas/alert-quality.avsc`). */
export interface AlertQuality {
  /** Epoch ms, start inclusive, end exclusive. */
  window_start: number;
  window_end: number;
  alerts: number;
  true_positives: number;
  false_positives: number;
  missed_incidents: number;
  /** Null when no alert got feedback. */
  false_positive_rate: number | null;
  /** Share of alerts with feedback; null when there were no alerts. */
  feedback_coverage: number | null;
  mean_time_to_feedback_ms: number | null;
}
