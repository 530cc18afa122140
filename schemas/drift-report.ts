/** Whether a baseline model still fits reality (`schemas/drift-report.avsc`). */
export interface DriftReport {
  model_id: string;
  service: string;
  metric: string;
  model_version: string;
  /** Recent window compared with the reference sample, epoch ms (start inclusive, end exclusive). */
  window_start: number;
  window_end: number;
  reference_size: number;
  recent_size: number;
  /** Two-sample Kolmogorov-Smirnov statistic D and its p-value (feature drift). */
  ks_statistic: number;
  ks_p_value: number;
  /** Prediction error over the window; null when no prediction was made. */
  mape: number | null;
  /** Divergence between the active model and one fitted on recent data only (concept drift). */
  concept_divergence: number;
  needs_retrain: boolean;
  /** Which thresholds were crossed. */
  reasons: string[];
}
