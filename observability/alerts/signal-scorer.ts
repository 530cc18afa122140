/**
 * Anomaly signals per (service, metric, window) from the actual value against the baseline band:
 * the deviation ratio (half-widths outside the band, in the harmful direction only) and a
 * confidence 1 - e^(-deviation / threshold), 0.63 at the threshold, where the threshold is the
 * per-(service, metric) one that feedback moves.
 */
import type { Anomaly } from '../../schemas/anomaly';
import { deviationRatio, type BaselineBand } from './anomaly-signal';
import type { FeedbackThresholds } from './feedback-thresholds';

/** Which way a metric hurts: latency and errors only upward; request rate both ways. */
export type MetricDirection = 'up' | 'down' | 'both';

export const METRIC_DIRECTIONS: Readonly<Record<string, MetricDirection>> = {
  p99_latency: 'up',
  error_rate: 'up',
  request_rate: 'both',
};

/** A baseline's closed-window forecast with its actual (the fields of `BaselinePrediction` this needs). */
export interface WindowObservation {
  readonly service: string;
  readonly metric: string;
  readonly window_start: number;
  readonly window_end: number;
  readonly actual: number | null;
  readonly expected: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  /** True while a known event (maintenance) suppresses the forecast. */
  readonly suppressed: boolean;
  readonly model_version?: string | null;
}

export function signalConfidence(deviation: number, threshold: number): number {
  return deviation <= 0 ? 0 : 1 - Math.exp(-deviation / threshold);
}

export class SignalScorer {
  constructor(private readonly thresholds: FeedbackThresholds) {}

  /** The anomaly signal of one observation, or null when there is no band to compare with. */
  score(o: WindowObservation): Anomaly | null {
    if (o.suppressed || o.actual === null || o.expected === null || o.lower === null || o.upper === null) return null;
    const band: BaselineBand = { expected: o.expected, lower: o.lower, upper: o.upper };
    const direction = METRIC_DIRECTIONS[o.metric] ?? 'both';
    const harmful = direction === 'both' || (direction === 'up' ? o.actual > o.upper : o.actual < o.lower);
    const deviation = harmful ? deviationRatio(o.actual, band) : 0;
    return {
      id: `${o.service}/${o.metric}/${o.window_start}`,
      service: o.service,
      metric: o.metric,
      window_start: o.window_start,
      window_end: o.window_end,
      actual: o.actual,
      expected: o.expected,
      lower: o.lower,
      upper: o.upper,
      deviation,
      confidence: signalConfidence(deviation, this.thresholds.get(o.service, o.metric)),
      model_version: o.model_version ?? null,
    };
  }
}
