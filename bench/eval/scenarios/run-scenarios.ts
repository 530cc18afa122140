/**
 * Labelled scenarios end to end: generated wide events -> exact per-(service, 5-minute window)
 * p99 latency, error rate and request rate -> weir's baselines (observability/baseline) -> the
 * alert engine -> alerts scored against the generator's ground truth.
 */
import { TrafficGenerator } from '../../../generator';
import type { Alert } from '../../../schemas/alert';
import { BaselineManager } from '../../../observability/baseline/baseline-manager';
import { KnownEventsView, MapKnownEventsSource } from '../../../observability/baseline/known-events-view';
import { AlertEngine } from '../../../observability/alerts/alert-engine';
import type { AlertConfigInput } from '../../../observability/alerts/alert-config';
import type { CorrelatedDecision } from '../../../observability/alerts/correlator';
import { EVAL_DAYS, evalScenarios } from './eval-plan';
import { scoreAlerts, type AlertScore } from './score-alerts';
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

  const source = new MapKnownEventsSource();
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
      source.deployments.set(record.value.service, record.value);
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
