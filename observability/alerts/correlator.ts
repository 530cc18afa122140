/**
 * Correlates a window's anomaly signals into one decision per service: the strongest of the
 * latency and error-rate signals, plus boosts when the error rate moves with latency over the last
 * k windows, when the service looks like a source (its dependents are unhealthy, its dependencies
 * healthy) and when premium users are over-represented among the affected. Dependency health also
 * names the root services a victim's trouble comes from.
 */
import type { Anomaly } from '../../schemas/anomaly';
import type { AlertSeverity, AlertSignal } from '../../schemas/alert';
import type { AlertConfig } from './alert-config';
import type { CallGraph } from './call-graph';
import type { ImpactSummary } from './user-impact';


/** What the engine knows about one service in one closed window. */
export interface ServiceWindow {
  readonly service: string;
  readonly window_start: number;
  readonly window_end: number;
  readonly signals: ReadonlyMap<string, Anomaly>;
  readonly impact: ImpactSummary;
}

export interface CorrelatedDecision {
  readonly service: string;
  readonly window_start: number;
  readonly window_end: number;
  readonly signals: AlertSignal[];
  readonly confidence: number;
  /** Null below the threshold. */
  readonly severity: AlertSeverity | null;
  /** The metric of the strongest signal (what "a similar alert" compares). */
  readonly primary: string;
  /** Dependencies unhealthy in this window. */
  readonly unhealthyDependencies: string[];
  /** Unhealthy transitive dependencies with no unhealthy dependency of their own: where a victim's trouble starts. */
  readonly roots: string[];
  readonly impact: ImpactSummary;
}

export function severityOf(confidence: number, threshold: number): AlertSeverity | null {
  if (confidence < threshold) return null;
  return confidence >= 0.97 ? 'critical' : confidence >= 0.9 ? 'high' : 'medium';
}

/** Pearson correlation; 0 when fewer than 3 points or a constant series. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return 0;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += xs[i]!; my += ys[i]!; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx, dy = ys[i]! - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

export class AlertCorrelator {
  /** Per service, the last k windows of (latency actual / expected, error rate). */
  private readonly history = new Map<string, { latency: number[]; errors: number[] }>();

  constructor(private readonly config: AlertConfig, private readonly graph: CallGraph) {}

  /**
   * One decision per service of the window, in service order. `alsoUnhealthy` names services
   * known to be in trouble beyond this window's signals (an open alert or incident).
   */
  correlate(windows: ReadonlyMap<string, ServiceWindow>, alsoUnhealthy: ReadonlySet<string> = new Set()): CorrelatedDecision[] {
    const strength = new Map<string, number>();
    for (const [service, w] of windows) {
      let max = 0;
      for (const s of w.signals.values()) if (this.isAlertMetric(s.metric)) max = Math.max(max, s.confidence);
      strength.set(service, max);
    }
    const unhealthy = (s: string): boolean => (strength.get(s) ?? 0) >= this.config.unhealthyConfidence || alsoUnhealthy.has(s);
    const out: CorrelatedDecision[] = [];
    for (const service of [...windows.keys()].sort()) out.push(this.decide(windows.get(service)!, unhealthy));
    return out;
  }

  private isAlertMetric(metric: string): boolean {
    const c = this.config;
    return metric === c.latencyMetric || metric === c.errorMetric || (c.selfTimeMetric !== null && metric === c.selfTimeMetric);
  }

  private decide(w: ServiceWindow, unhealthy: (s: string) => boolean): CorrelatedDecision {
    const { config } = this;
    const latency = w.signals.get(config.latencyMetric);
    const errors = w.signals.get(config.errorMetric);
    const h = this.remember(w.service, latency, errors);
    const selfTime = config.selfTimeMetric === null ? undefined : w.signals.get(config.selfTimeMetric);
    const lc = Math.max(latency?.confidence ?? 0, selfTime?.confidence ?? 0);
    const ec = errors?.confidence ?? 0;
    const base = Math.max(lc, ec);
    const primary = ec > lc ? config.errorMetric : config.latencyMetric;

    const correlation = pearson(h.latency, h.errors);
    const correlationBoost = lc > 0 && ec > 0 ? config.boosts.correlation * Math.max(0, correlation) * Math.min(lc, ec) : 0;
    const unhealthyDependencies = this.graph.dependencies(w.service).filter(unhealthy);
    const unhealthyDependents = this.graph.dependents(w.service).filter(unhealthy);
    const isSource = base > 0 && unhealthyDependencies.length === 0 && unhealthyDependents.length > 0;
    const sourceBoost = isSource ? config.boosts.source : 0;
    const premiumBoost = base > 0 && w.impact.premiumOverRepresentation >= 1.5 ? config.boosts.premium : 0;
    const confidence = Math.min(1, base + correlationBoost + sourceBoost + premiumBoost);

    const signals: AlertSignal[] = [];
    const signal = (name: string, a: Anomaly | undefined, contribution: number): void => {
      if (a) signals.push({ name, value: a.actual, expected: a.expected, deviation: a.deviation, confidence: a.confidence, contribution });
    };
    const selfLeads = (selfTime?.confidence ?? 0) > (latency?.confidence ?? 0);
    signal('latency', latency, primary === config.latencyMetric && !selfLeads ? base : 0);
    signal('self_time', selfTime, primary === config.latencyMetric && selfLeads ? base : 0);
    signal('error_rate', errors, primary === config.errorMetric ? base : 0);
    if (latency && errors) signals.push({ name: 'error_latency_correlation', value: correlation, expected: 0, deviation: 0, confidence: Math.max(0, correlation), contribution: correlationBoost });
    signals.push({ name: 'dependency_health', value: unhealthyDependencies.length, expected: 0, deviation: unhealthyDependents.length, confidence: isSource ? 1 : 0, contribution: sourceBoost });
    signals.push({ name: 'user_impact', value: w.impact.affectedUsers, expected: w.impact.impactPerHour, deviation: w.impact.premiumOverRepresentation, confidence: premiumBoost > 0 ? 1 : 0, contribution: premiumBoost });

    return {
      service: w.service,
      window_start: w.window_start,
      window_end: w.window_end,
      signals,
      confidence,
      severity: severityOf(confidence, config.threshold),
      primary,
      unhealthyDependencies,
      roots: this.roots(w.service, unhealthy),
      impact: w.impact,
    };
  }

  private hasUnhealthyBelow(service: string, unhealthy: (s: string) => boolean): boolean {
    const seen = new Set<string>([service]);
    const queue = this.graph.dependencies(service);
    while (queue.length) {
      const s = queue.shift()!;
      if (seen.has(s)) continue;
      seen.add(s);
      if (unhealthy(s)) return true;
      queue.push(...this.graph.dependencies(s));
    }
    return false;
  }

  private remember(service: string, latency: Anomaly | undefined, errors: Anomaly | undefined): { latency: number[]; errors: number[] } {
    let h = this.history.get(service);
    if (!h) this.history.set(service, (h = { latency: [], errors: [] }));
    if (latency && errors && latency.expected > 0) {
      h.latency.push(latency.actual / latency.expected);
      h.errors.push(errors.actual);
      if (h.latency.length > this.config.correlationWindows) { h.latency.shift(); h.errors.shift(); }
    }
    return h;
  }

  /**
   * Unhealthy services among the transitive dependencies (through healthy ones too: a slow leaf
   * may show only two hops up) that have no unhealthy dependency of their own: where trouble starts.
   */
  private roots(service: string, unhealthy: (s: string) => boolean): string[] {
    const roots = new Set<string>();
    const seen = new Set<string>([service]);
    const queue = this.graph.dependencies(service);
    while (queue.length) {
      const s = queue.shift()!;
      if (seen.has(s)) continue;
      seen.add(s);
      if (unhealthy(s) && !this.hasUnhealthyBelow(s, unhealthy)) roots.add(s);
      queue.push(...this.graph.dependencies(s).filter((d) => !seen.has(d)));
    }
    return [...roots].sort();
  }
}
