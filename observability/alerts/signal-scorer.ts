/**
 * Anomaly signals per (service, metric, window) from the actual value against the baseline band:
 * the deviation ratio (half-widths outside the band, in the harmful direction only) and a
 * confidence 1 - e^(-deviation / threshold), 0.63 at the threshold, where the threshold is the
 * per-(service, metric) one that feedback moves. When a rate comes with its counts, the confidence
 * is also capped by how surprising the event count is at the expected rate (Poisson tail).
 */
import type { Anomaly } from '../../schemas/anomaly';
import { deviationRatio, type BaselineBand } from './anomaly-signal';
import type { FeedbackThresholds } from './feedback-thresholds';
import { countConfidence } from './count-significance';

/** Which way a metric hurts: latency and errors only upward; request rate both ways. */
export type MetricDirection = 'up' | 'down' | 'both';

export const METRIC_DIRECTIONS: Readonly<Record<string, MetricDirection>> = {
  p99_latency: 'up',
  p95_latency: 'up',
  p50_latency: 'up',
  p50_self_time: 'up',
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
  /** For a rate metric (errors per request): the requests and the events behind the rate, when known. */
  readonly count?: number;
  readonly events?: number;
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
      confidence: this.confidence(o, deviation),
      model_version: o.model_version ?? null,
    };
  }

  private confidence(o: WindowObservation, deviation: number): number {
    const c = signalConfidence(deviation, this.thresholds.get(o.service, o.metric));
    if (c === 0 || o.count === undefined || o.events === undefined) return c;
    return Math.min(c, countConfidence(o.events, o.count * o.expected!));
  }
}
