/**
 * Labelled scenarios end to end: generated wide events -> exact per-(service, 5-minute window)
 * p99 latency, error rate and request rate -> weir's baselines (observability/baseline) -> the
 * alert engine -> alerts scored against the generator's ground truth.
 */
import { TrafficGenerator } from '../../../generator';
import type { Alert } from '../../../schemas/alert';
import { BaselineManager } from '../../../observability/baseline/baseline-manager';
import { KnownEventsView } from '../../../observability/baseline/known-events-view';
import type { Deployment } from '../../../schemas/deployment';
import type { KnownEvent } from '../../../schemas/known-event';
import { AlertEngine } from '../../../observability/alerts/alert-engine';
import type { AlertConfigInput } from '../../../observability/alerts/alert-config';
import type { CorrelatedDecision } from '../../../observability/alerts/correlator';
import { EVAL_DAYS, evalScenarios } from './eval-plan';
import { scoreAlerts, type AlertScore } from '../../../generator/score-alerts';
import { WindowMetrics } from './window-metrics';

export interface ScenarioRunOptions {
  readonly seed?: number;
  readonly events?: number;
  readonly services?: number;
  readonly windowMs?: number;
  readonly alerts?: AlertConfigInput;
  /** Sees every window's correlated decisions (for inspection). */
  readonly onDecisions?: (decisions: readonly CorrelatedDecision[]) => void;
}

export interface ScenarioRun {
  readonly seed: number;
  readonly events: number;
  readonly services: number;
  readonly windows: number;
  readonly windowMs: number;
  readonly alerts: Alert[];
  readonly score: AlertScore;
}

/**
 * Deployments and known events for the baselines' learning gates, from the generated timeline.
 * Offers both the latest deployment of a service and its history, so it serves the baselines'
 * source contract whichever of the two it reads.
 */
class TimelineKnownEvents {
  readonly knownEvents = new Map<string, KnownEvent>();
  private readonly byService = new Map<string, Deployment[]>();

  addDeployment(d: Deployment): void {
    const list = this.byService.get(d.service) ?? [];
    list.push(d);
    this.byService.set(d.service, list.slice(-8));
  }

  deployment(service: string): Deployment | undefined {
    const list = this.byService.get(service);
    return list?.[list.length - 1];
  }

  deployments(service: string): Iterable<Deployment> {
    return this.byService.get(service) ?? [];
  }

  events(): Iterable<KnownEvent> {
    return this.knownEvents.values();
  }
}

const METRICS = ['p99_latency', 'p95_latency', 'p50_latency', 'p50_self_time', 'error_rate', 'request_rate'] as const;
const START = Date.UTC(2026, 0, 5);
const DAY = 86_400_000;

export function runScenarioSeed(options: ScenarioRunOptions = {}): ScenarioRun {
  const seed = options.seed ?? 1;
  const services = options.services ?? 12;
  const events = options.events ?? 3_000_000;
  const windowMs = options.windowMs ?? 300_000;
  const shape = { seed, services, layers: 4, start: START, durationMs: EVAL_DAYS * DAY };
  const graph = new TrafficGenerator({ ...shape, events: 0 }).graph;
  const generator = new TrafficGenerator({ ...shape, events, scenarios: evalScenarios(graph, START, seed) });

  const source = new TimelineKnownEvents();
  const view = new KnownEventsView(source, 10 * 60_000);
  const engine = new AlertEngine({ windowMs, config: options.alerts });
  const managers = new Map<string, BaselineManager>();
  const metrics = new WindowMetrics();
  const alerts: Alert[] = [];
  let windowStart = START;
  let windows = 0;

  const close = (): void => {
    const end = windowStart + windowMs;
    for (const m of metrics.drain()) {
      for (const metric of METRICS) {
        const key = `${m.service}/${metric}`;
        let manager = managers.get(key);
        if (!manager) managers.set(key, (manager = BaselineManager.create(m.service, metric, windowStart)[0]));
        const evaluated = manager.observe(m[metric], windowStart, end, view).evaluated;
        engine.observeWindow(metric === 'error_rate' ? { ...evaluated, count: m.request_rate, events: m.errors } : evaluated);
      }
    }
    const closed = engine.closeWindow(windowStart);
    options.onDecisions?.(closed.decisions);
    alerts.push(...closed.alerts);
    for (const k of closed.incidents) source.knownEvents.set(k.id, k);
    windowStart = end;
    windows++;
  };

  for (const record of generator.timeline()) {
    if (record.type === 'known-event') {
      source.knownEvents.set(record.value.id, record.value);
      engine.observeKnownEvent(record.value);
      continue;
    }
    if (record.type === 'deployment') {
      source.addDeployment(record.value);
      engine.observeDeployment(record.value);
      continue;
    }
    while (record.timestamp >= windowStart + windowMs) close();
    metrics.add(record.value);
    engine.observeEvent(record.value);
  }
  close();
  return { seed, events, services, windows, windowMs, alerts, score: scoreAlerts(alerts, generator.groundTruth, windowMs) };
}

/** The evaluation's alert settings: median latency and self time are steadier than p99 on 5-minute windows of ~200 spans. */
export const EVAL_ALERT_CONFIG: AlertConfigInput = { latencyMetric: 'p50_latency', selfTimeMetric: 'p50_self_time' };

export interface ScenarioSummary {
  readonly runs: ScenarioRun[];
  readonly raised: number;
  readonly falsePositives: number;
  readonly falsePositiveRate: number;
  readonly recall: number;
  readonly medianDelayWindows: number | null;
}

/** Runs the scenario plan over several seeds and pools the results. */
export function runScenarios(seeds: readonly number[] = [1, 2, 3, 4, 5], events = 3_000_000): ScenarioSummary {
  const runs = seeds.map((seed) => runScenarioSeed({ seed, events, alerts: EVAL_ALERT_CONFIG }));
  const raised = runs.reduce((n, r) => n + r.score.raised, 0);
  const fps = runs.reduce((n, r) => n + r.score.falsePositives, 0);
  const incidents = runs.flatMap((r) => r.score.incidents);
  const delays = incidents.filter((i) => i.detected).map((i) => i.delayWindows!).sort((a, b) => a - b);
  const mid = delays.length >> 1;
  return {
    runs,
    raised,
    falsePositives: fps,
    falsePositiveRate: raised ? fps / raised : 0,
    recall: incidents.length ? incidents.filter((i) => i.detected).length / incidents.length : 1,
    medianDelayWindows: delays.length ? (delays.length % 2 ? delays[mid]! : (delays[mid - 1]! + delays[mid]!) / 2) : null,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function formatScenarioReport(summary: ScenarioSummary): string {
  const lines: string[] = [];
  const r0 = summary.runs[0]!;
  lines.push(`${summary.runs.length} seeds x ${r0.events} events, ${r0.services} services, ${EVAL_DAYS} days, ${r0.windowMs / 60_000}-minute windows.`, '');
  lines.push(`Pooled: ${summary.raised} alerts raised, ${summary.falsePositives} false (false-positive rate ${pct(summary.falsePositiveRate)}), recall ${pct(summary.recall)}, median detection delay ${summary.medianDelayWindows?.toFixed(1) ?? 'n/a'} windows.`, '');
  lines.push('| seed | raised | TP | FP | FP rate | precision | recall | median delay (windows) |', '|---|---|---|---|---|---|---|---|');
  for (const r of summary.runs) {
    const s = r.score;
    lines.push(`| ${r.seed} | ${s.raised} | ${s.truePositives} | ${s.falsePositives} | ${pct(s.falsePositiveRate)} | ${pct(s.precision)} | ${pct(s.recall)} | ${s.medianDelayWindows?.toFixed(1) ?? 'n/a'} |`);
  }
  lines.push('', 'Per scenario (all seeds):', '', '| scenario | seed | service | detected | delay (windows) | alerts on root | alerts on victims | victims suppressed naming the root |', '|---|---|---|---|---|---|---|---|');
  for (const r of summary.runs) {
    for (const i of r.score.incidents) {
      lines.push(`| ${i.incident.kind} | ${r.seed} | ${i.incident.service} | ${i.detected ? 'yes' : 'no'} | ${i.delayWindows?.toFixed(1) ?? '-'} | ${i.rootAlerts} | ${i.victimAlerts} | ${i.victimsSuppressedNamingRoot.join(', ') || '-'} |`);
    }
  }
  lines.push('', '| quiet period | seed | services | alerts raised |', '|---|---|---|---|');
  for (const r of summary.runs) for (const q of r.score.quiet) lines.push(`| ${q.period.kind} | ${r.seed} | ${q.period.services.join(', ') || 'all'} | ${q.alerts} |`);
  const falseAlerts = summary.runs.flatMap((r) => r.score.falseAlerts.map((a) => ({ seed: r.seed, a })));
  if (falseAlerts.length) {
    lines.push('', 'False positives:', '');
    for (const { seed, a } of falseAlerts) lines.push(`- seed ${seed}: ${a.service} at ${new Date(a.window_start).toISOString()} (${a.decision}, confidence ${a.confidence.toFixed(2)}${a.note ? `, ${a.note}` : ''})`);
  }
  return lines.join('\n');
}
