/**
 * The alerting pipeline as one synchronous class, testable without the stream engine: wide events
 * feed the call graph and user impact, baseline forecasts with their actuals feed the signals, and
 * closing a window correlates, applies the suppression rules and the per-service alert lifecycle
 * (fire, continue, resolve after recovery, dedupe within the cooldown).
 *
 * While a service is above the threshold the engine also opens an `incident` known event for it
 * (closed when it drops back): baselines do not learn during incidents, so a 30-minute outage is
 * not absorbed as the new normal before it is even alerted on.
 *
 * ```ts
 * const engine = new AlertEngine({ windowMs: 300_000 });
 * for (const e of events) engine.observeEvent(e);
 * for (const p of predictions) engine.observeWindow(p);
 * const alerts = engine.closeWindow(windowStart);
 * ```
 */
import type { Alert } from '../../schemas/alert';
import type { AlertFeedback } from '../../schemas/alert-feedback';
import type { Deployment } from '../../schemas/deployment';
import type { KnownEvent } from '../../schemas/known-event';
import type { WideEvent } from '../../schemas/wide-event';
import type { Anomaly } from '../../schemas/anomaly';
import { WeirError } from '../../errors/weir-error';
import { alertConfig, type AlertConfig, type AlertConfigInput } from './alert-config';
import { CallGraph } from './call-graph';
import { AlertCorrelator, type CorrelatedDecision, type ServiceWindow } from './correlator';
import { FeedbackThresholds, type ThresholdChange } from './feedback-thresholds';
import { SignalScorer, type WindowObservation } from './signal-scorer';
import { defaultSuppressionRules, evaluateRules, type SuppressionRule } from './suppression-rules';
import { UserImpact } from './user-impact';

export interface AlertEngineOptions {
  /** Window length of the forecasts, ms. */
  readonly windowMs: number;
  readonly config?: AlertConfigInput;
  /** Replaces the default rules (same order semantics). */
  readonly rules?: readonly SuppressionRule[];
  /** Metrics thresholds exist for (a feedback without a metric moves them all). */
  readonly metrics?: readonly string[];
}

interface ServiceState {
  open?: { id: string; primary: string };
  below: number;
  /** Consecutive windows at or above the threshold. */
  streak: number;
  last?: { id: string; endedAt: number; primary: string };
  /** The open incident known event, while the service is above the threshold. */
  incident?: KnownEvent;
  /** Rule that suppressed the current episode, so it is recorded once, not every window. */
  suppressedBy?: string;
}

export interface WindowResult {
  /** Alerts recorded for the window: fired, suppressed, deduplicated, delayed, resolved. */
  readonly alerts: Alert[];
  readonly decisions: CorrelatedDecision[];
  readonly anomalies: Anomaly[];
  /** `incident` known events opened or closed (for the known-events topic that gates baseline learning). */
  readonly incidents: KnownEvent[];
  /** The suppression rules that applied to each firing alert, in order (the last decided a suppress, dedupe or delay). */
  readonly rules: ReadonlyMap<Alert, readonly string[]>;
}

export class AlertEngine {
  readonly config: AlertConfig;
  readonly graph = new CallGraph();
  readonly thresholds: FeedbackThresholds;
  private readonly windowMs: number;
  private readonly rules: readonly SuppressionRule[];
  private readonly impact: UserImpact;
  private readonly scorer: SignalScorer;
  private readonly correlator: AlertCorrelator;
  private readonly observations = new Map<number, WindowObservation[]>();
  private readonly knownEvents: KnownEvent[] = [];
  private readonly deployments = new Map<string, Deployment[]>();
  private readonly latencyLimit = new Map<string, number>();
  private readonly services = new Map<string, ServiceState>();
  private readonly firstSeen = new Map<string, number>();
  private lastClosed = Number.NEGATIVE_INFINITY;

  constructor(options: AlertEngineOptions) {
    if (!(options.windowMs > 0)) throw new WeirError('INVALID_CONFIG', 'windowMs must be positive', { option: 'windowMs', value: options.windowMs });
    this.windowMs = options.windowMs;
    this.config = alertConfig(options.config);
    this.rules = options.rules ?? defaultSuppressionRules(this.config);
    this.thresholds = new FeedbackThresholds(this.config.deviationThreshold, options.metrics ?? [this.config.latencyMetric, this.config.errorMetric]);
    this.impact = new UserImpact({ premiumTiers: this.config.premiumTiers, tierValuePerHour: this.config.tierValuePerHour });
    this.scorer = new SignalScorer(this.thresholds);
    this.correlator = new AlertCorrelator(this.config, this.graph);
  }

  windowStartOf(timestamp: number): number {
    return Math.floor(timestamp / this.windowMs) * this.windowMs;
  }

  observeEvent(event: WideEvent): void {
    this.graph.observe(event);
    this.impact.observe(event, this.windowStartOf(event.timestamp), this.latencyLimit.get(event.service));
  }

  observeDeployment(deployment: Deployment): void {
    let list = this.deployments.get(deployment.service);
    if (!list) this.deployments.set(deployment.service, (list = []));
    list.push(deployment);
    list.sort((a, b) => a.deployed_at - b.deployed_at);
  }

  observeKnownEvent(event: KnownEvent): void {
    const i = this.knownEvents.findIndex((k) => k.id === event.id);
    if (i >= 0) this.knownEvents[i] = event;
    else this.knownEvents.push(event);
  }

  applyFeedback(feedback: AlertFeedback): ThresholdChange[] {
    return this.thresholds.apply(feedback);
  }

  /** A baseline forecast of a closed window with its actual value. */
  observeWindow(observation: WindowObservation): void {
    let list = this.observations.get(observation.window_start);
    if (!list) this.observations.set(observation.window_start, (list = []));
    list.push(observation);
  }

  /** Correlates the window and returns the alerts it records (fired, suppressed, deduplicated, delayed, resolved). */
  closeWindow(windowStart: number): WindowResult {
    if (windowStart <= this.lastClosed) throw new WeirError('PROCESSING_FAILED', 'windows must be closed in order', { windowStart, lastClosed: this.lastClosed });
    this.lastClosed = windowStart;
    const observations = this.observations.get(windowStart) ?? [];
    this.observations.delete(windowStart);
    const windowEnd = windowStart + this.windowMs;
    const signals = new Map<string, Map<string, Anomaly>>();
    const anomalies: Anomaly[] = [];
    for (const o of observations) {
      const key = `${o.service}\u0000${o.metric}`;
      const first = this.firstSeen.get(key) ?? windowStart;
      this.firstSeen.set(key, first);
      if (windowStart - first < this.config.warmupMs) continue;
      if (o.metric === this.config.latencyMetric && o.upper !== null && !o.suppressed) this.latencyLimit.set(o.service, o.upper);
      const a = this.scorer.score(o);
      if (!a) continue;
      anomalies.push(a);
      let m = signals.get(o.service);
      if (!m) signals.set(o.service, (m = new Map()));
      m.set(o.metric, a);
    }
    const windows = new Map<string, ServiceWindow>();
    for (const [service, m] of signals) {
      windows.set(service, { service, window_start: windowStart, window_end: windowEnd, signals: m, impact: this.impact.take(service, windowStart, this.windowMs) });
    }
    this.impact.evictBefore(windowStart);
    const inTrouble = new Set<string>();
    for (const [service, st] of this.services) if (st.open || st.incident) inTrouble.add(service);
    const decisions = this.correlator.correlate(windows, inTrouble);
    const alerts: Alert[] = [];
    const incidents: KnownEvent[] = [];
    const rules = new Map<Alert, readonly string[]>();
    for (const d of decisions) {
      const st = this.stateOf(d.service);
      const a = this.lifecycle(d, st, rules);
      if (a) alerts.push(a);
      const change = this.incidentChange(d, st);
      if (change) incidents.push(change);
    }
    return { alerts, decisions, anomalies, incidents, rules };
  }

  private stateOf(service: string): ServiceState {
    let st = this.services.get(service);
    if (!st) this.services.set(service, (st = { below: 0, streak: 0 }));
    return st;
  }

  /** Opens an incident known event when a service rises above the threshold, closes it once it has no open alert and is below. */
  private incidentChange(d: CorrelatedDecision, st: ServiceState): KnownEvent | undefined {
    if (d.severity !== null && !st.incident) {
      st.incident = { id: `incident-${d.service}-${d.window_start}`, kind: 'incident', services: [d.service], start: d.window_end, end: null, expected_multiplier: null, description: 'suspected by alerting: baselines hold learning' };
      return st.incident;
    }
    if (d.severity === null && st.incident && !st.open) {
      const closed = { ...st.incident, end: d.window_end };
      st.incident = undefined;
      return closed;
    }
    return undefined;
  }

  private lifecycle(d: CorrelatedDecision, st: ServiceState, rules: Map<Alert, readonly string[]>): Alert | undefined {
    const base = { service: d.service, window_start: d.window_start, window_end: d.window_end, signals: d.signals, confidence: d.confidence };
    if (d.severity === null) {
      st.streak = 0;
      st.suppressedBy = undefined;
      if (!st.open) return undefined;
      if (++st.below < this.config.recoveryWindows) return undefined;
      const { id, primary } = st.open;
      st.open = undefined;
      st.last = { id, endedAt: d.window_end, primary };
      return { id, ...base, severity: 'low', decision: 'fire', note: `recovered for ${this.config.recoveryWindows} windows`, status: 'resolved' };
    }
    st.below = 0;
    st.streak++;
    if (st.open) return undefined;
    if (st.streak < this.config.minWindows && d.confidence < this.config.immediateConfidence) return undefined;
    const outcome = evaluateRules(this.rules, {
      decision: d,
      knownEvents: this.activeKnownEvents(d.service, d.window_start, d.window_end),
      deployment: this.latestDeployment(d.service, d.window_end),
      lastAlert: st.last,
    });
    const id = `${d.service}@${d.window_start}`;
    if (outcome.decision === 'suppress') {
      const rule = outcome.rules[outcome.rules.length - 1];
      if (st.suppressedBy === rule) return undefined;
      st.suppressedBy = rule;
    } else {
      st.suppressedBy = undefined;
    }
    if (outcome.decision === 'fire' || outcome.decision === 'downgrade') st.open = { id, primary: d.primary };
    if (outcome.decision === 'dedupe') st.open = { id: outcome.dedupeOf ?? id, primary: d.primary };
    const alert: Alert = { id, ...base, severity: outcome.severity, decision: outcome.decision, note: outcome.note, status: 'firing' };
    rules.set(alert, outcome.rules);
    return alert;
  }

  private activeKnownEvents(service: string, start: number, end: number): KnownEvent[] {
    return this.knownEvents.filter((k) => (k.services.length === 0 || k.services.includes(service)) && k.start < end && (k.end === null || k.end > start));
  }

  private latestDeployment(service: string, at: number): Deployment | undefined {
    const list = this.deployments.get(service);
    if (!list) return undefined;
    let found: Deployment | undefined;
    for (const d of list) if (d.deployed_at <= at) found = d;
    return found;
  }
}
