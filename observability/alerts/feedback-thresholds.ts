/**
 * Per-(service, metric) deviation thresholds moved by feedback: a false positive multiplies the
 * threshold by `step` (the metric must deviate further before it counts), a missed incident divides
 * it, both clamped to [min, max]. A feedback without a metric moves every metric of the service.
 */
import type { AlertFeedback } from '../../schemas/alert-feedback';
import type { AlertConfig } from './alert-config';

export interface ThresholdChange {
  readonly service: string;
  readonly metric: string;
  readonly from: number;
  readonly to: number;
}

export class FeedbackThresholds {
  private readonly values = new Map<string, number>();

  constructor(private readonly bounds: AlertConfig['deviationThreshold'], private readonly metrics: readonly string[]) {}

  get(service: string, metric: string): number {
    return this.values.get(`${service}\u0000${metric}`) ?? this.bounds.initial;
  }

  /** Applies one feedback; returns the thresholds it changed (none for `actionable`, or when already at a bound). */
  apply(feedback: AlertFeedback): ThresholdChange[] {
    if (feedback.kind === 'actionable') return [];
    const factor = feedback.kind === 'false_positive' ? this.bounds.step : 1 / this.bounds.step;
    const changes: ThresholdChange[] = [];
    for (const metric of feedback.metric === null ? this.metrics : [feedback.metric]) {
      const from = this.get(feedback.service, metric);
      const to = Math.min(this.bounds.max, Math.max(this.bounds.min, from * factor));
      if (to !== from) {
        this.values.set(`${feedback.service}\u0000${metric}`, to);
        changes.push({ service: feedback.service, metric, from, to });
      }
    }
    return changes;
  }

  /** Restores a threshold read back from a store (clamped to the current bounds). */
  restore(service: string, metric: string, value: number): void {
    this.values.set(`${service}\u0000${metric}`, Math.min(this.bounds.max, Math.max(this.bounds.min, value)));
  }
}
