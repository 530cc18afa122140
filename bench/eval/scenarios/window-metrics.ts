/**
 * Exact per-(service, window) metrics from wide events: p99/p95/p50 latency, median self time
 * (duration minus the durations of the span's direct children, so a slow dependency does not make
 * its callers look slow themselves), 5xx error rate, request count.
 * The error rate is Laplace-smoothed, (errors + 1) / (requests + 2): a window with no error is
 * not a rate of exactly 0, which multiplicative baselines cannot learn from, and a window of few
 * requests cannot swing it to 0 or 1.
 */
import type { WideEvent } from '../../../schemas/wide-event';

export interface ServiceWindowMetrics {
  readonly service: string;
  readonly p99_latency: number;
  readonly p95_latency: number;
  readonly p50_latency: number;
  readonly p50_self_time: number;
  readonly error_rate: number;
  readonly request_rate: number;
  readonly errors: number;
}

/** Nearest-rank quantile of sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))]!;
}

interface OpenSpan {
  readonly service: string;
  readonly duration: number;
  children: number;
}

export class WindowMetrics {
  private readonly durations = new Map<string, number[]>();
  private readonly errors = new Map<string, number>();
  /** Spans of the current window, by span id: children (which arrive after their parent) subtract their time. */
  private spans = new Map<string, OpenSpan>();

  add(event: WideEvent): void {
    let d = this.durations.get(event.service);
    if (!d) this.durations.set(event.service, (d = []));
    d.push(event.duration_ms);
    if (event.parent_span_id !== null) {
      const parent = this.spans.get(event.parent_span_id);
      if (parent) parent.children += event.duration_ms;
    }
    this.spans.set(event.span_id, { service: event.service, duration: event.duration_ms, children: 0 });
    if (event.status_code >= 500) this.errors.set(event.service, (this.errors.get(event.service) ?? 0) + 1);
  }

  /**
   * Metrics of every service seen, then cleared for the next window. Children of the window's last
   * few hundred milliseconds of spans may not have arrived yet; their self time is then overstated,
   * a negligible share of a 5-minute window.
   */
  drain(): ServiceWindowMetrics[] {
    const self = new Map<string, number[]>();
    for (const span of this.spans.values()) {
      let list = self.get(span.service);
      if (!list) self.set(span.service, (list = []));
      list.push(Math.max(0, span.duration - span.children));
    }
    this.spans = new Map();
    const out: ServiceWindowMetrics[] = [];
    for (const [service, d] of [...this.durations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const sorted = Float64Array.from(d).sort();
      out.push({ service, p99_latency: quantile(sorted, 0.99), p95_latency: quantile(sorted, 0.95), p50_latency: quantile(sorted, 0.5), p50_self_time: quantile(Float64Array.from(self.get(service) ?? [0]).sort(), 0.5), error_rate: ((this.errors.get(service) ?? 0) + 1) / (d.length + 2), request_rate: d.length, errors: this.errors.get(service) ?? 0 });
    }
    this.durations.clear();
    this.errors.clear();
    return out;
  }
}
