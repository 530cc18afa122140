import type { ProfileLevel } from './seasonal-baseline';

/**
 * A baseline's forecast for one window of one (service, metric), on the `baseline-predictions`
 * topic: emitted for the next window (actual null) and again when the window closes with its
 * actual value, which is what anomaly detection compares with the band.
 */
export interface BaselinePrediction {
  model_id: string;
  service: string;
  /** `p99_latency`, `p50_latency`, `error_rate` (Laplace-smoothed: (errors + 1) / (requests + 2)) or `request_rate`. */
  metric: string;
  model_version: string;
  window_start: number;
  window_end: number;
  actual: number | null;
  /** Null during maintenance (no alerting) and before the model has seen any window. */
  expected: number | null;
  lower: number | null;
  upper: number | null;
  /** Season profile used: `hour_of_week`, `hour_of_day`, or `global` while slots are unlearned. */
  profile: ProfileLevel | null;
  /**
   * Band half-width in sigmas, calibrated on this model's errors at the lead time alerting reads
   * its forecasts at (`band-calibration.ts`); null with no forecast.
   */
  band_sigmas: number | null;
  /**
   * Share of this model's recently learned windows (half-life a week) that fell inside the band
   * issued for them: its coverage, to compare with the nominal 99.73 %; null before any.
   */
  band_coverage: number | null;
  /** Known-event multiplier applied (1 when none). */
  multiplier: number;
  /** True during maintenance. */
  suppressed: boolean;
  /** `maintenance`, `incident` or `stabilization` when the window is not learned from. */
  learning_blocked_by: string | null;
  /** Error-rate forecasts with their actual only: the window's requests and errors behind the rate (the alert engine's Poisson check). */
  count?: number;
  events?: number;
}
