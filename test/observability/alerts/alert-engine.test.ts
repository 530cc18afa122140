import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertEngine } from '../../../observability/alerts/alert-engine';
import type { AlertConfigInput } from '../../../observability/alerts/alert-config';
import type { Alert } from '../../../schemas/alert';

const MIN = 60_000;
const W = 5 * MIN;
// Tuesday 2026-01-06 10:00 UTC: inside business hours.
const T0 = Date.UTC(2026, 0, 6, 10);
const QUIET: AlertConfigInput = { warmupMs: 0, minWindows: 1 };

/** Latency forecast 100 with band [90, 110]: an actual of 110 + 10 d has deviation d. */
function latency(engine: AlertEngine, service: string, windowStart: number, deviation: number): void {
  engine.observeWindow({ service, metric: 'p99_latency', window_start: windowStart, window_end: windowStart + W, actual: 100 + (deviation > 0 ? 10 + 10 * deviation : 0), expected: 100, lower: 90, upper: 110, suppressed: false });
}

function raised(alerts: Alert[]): Alert[] {
  return alerts.filter((a) => a.status === 'firing' && (a.decision === 'fire' || a.decision === 'downgrade'));
}

function chain(engine: AlertEngine): void {
  // gateway -> checkout -> db, learned from spans: a child span in another service is a call.
  engine.graph.observe({ service: 'gateway', span_id: 'g1', parent_span_id: null });
  engine.graph.observe({ service: 'checkout', span_id: 'c1', parent_span_id: 'g1' });
  engine.graph.observe({ service: 'db', span_id: 'd1', parent_span_id: 'c1' });
}

test('the call graph is learned from parent and child spans across services', () => {
  const engine = new AlertEngine({ windowMs: W });
  chain(engine);
  engine.graph.observe({ service: 'checkout', span_id: 'c2', parent_span_id: 'c1' });
  assert.deepEqual(engine.graph.dependencies('gateway'), ['checkout']);
  assert.deepEqual(engine.graph.dependencies('checkout'), ['db']);
  assert.deepEqual(engine.graph.dependents('db'), ['checkout']);
});

test('a cascading failure gives one alert on the root; its victims are suppressed naming it', () => {
  const engine = new AlertEngine({ windowMs: W, config: QUIET });
  chain(engine);
  for (const s of ['gateway', 'checkout', 'db']) latency(engine, s, T0, 6);
  const { alerts } = engine.closeWindow(T0);
  assert.deepEqual(raised(alerts).map((a) => a.service), ['db']);
  const victims = alerts.filter((a) => a.decision === 'suppress');
  assert.deepEqual(victims.map((a) => [a.service, a.note]), [['checkout', 'victim of upstream db'], ['gateway', 'victim of upstream db']]);
  // db is a source: its dependents are unhealthy and it has no unhealthy dependency: +0.05 on 1 - e^(-6/1.5) = 0.98168.
  const db = raised(alerts)[0]!;
  assert.ok(Math.abs(db.confidence - 1) < 1e-12);
  assert.equal(db.signals.find((s) => s.name === 'dependency_health')!.contribution, 0.05);
});

test('maintenance suppresses; the decision and the window are recorded', () => {
  const engine = new AlertEngine({ windowMs: W, config: QUIET });
  engine.observeKnownEvent({ id: 'm1', kind: 'maintenance', services: ['db'], start: T0, end: T0 + 60 * MIN, expected_multiplier: null, description: 'disk swap' });
  latency(engine, 'db', T0, 6);
  const { alerts } = engine.closeWindow(T0);
  assert.equal(raised(alerts).length, 0);
  assert.deepEqual(alerts.map((a) => [a.decision, a.note]), [['suppress', 'maintenance window m1 (disk swap)']]);
});

test('a deployment delays the alert for its grace period, then it is re-evaluated and fires', () => {
  const engine = new AlertEngine({ windowMs: W, config: QUIET });
  engine.observeDeployment({ id: 'd1', service: 'api', version: 'v2', previous_version: 'v1', deployed_at: T0 + 3 * MIN, description: null });
  latency(engine, 'api', T0, 4);
  const first = engine.closeWindow(T0).alerts;
  assert.deepEqual(first.map((a) => a.decision), ['delay']);
  // The next window ends 7 minutes after the deployment, past the 5-minute grace.
  latency(engine, 'api', T0 + W, 4);
  assert.deepEqual(engine.closeWindow(T0 + W).alerts.map((a) => [a.decision, a.id]), [['fire', `api@${T0 + W}`]]);
});

test('an alert resolves after two calm windows; the same trouble within the cooldown is deduplicated', () => {
  const engine = new AlertEngine({ windowMs: W, config: QUIET });
  const devs = [4, 4, 0, 0, 4];
  const all: Alert[] = [];
  devs.forEach((d, i) => { latency(engine, 'api', T0 + i * W, d); all.push(...engine.closeWindow(T0 + i * W).alerts); });
  assert.deepEqual(all.map((a) => [a.id, a.decision, a.status]), [
    [`api@${T0}`, 'fire', 'firing'],
    [`api@${T0}`, 'fire', 'resolved'],
    [`api@${T0 + 4 * W}`, 'dedupe', 'firing'],
  ]);
  // Resolved at the end of window 3 (T0 + 20 min); the new window ends 5 minutes later, inside 15.
  assert.match(all[2]!.note!, new RegExp(`similar alert api@${T0} .* within 15 min`));
});

test('off hours with low impact downgrades the severity by one level', () => {
  const engine = new AlertEngine({ windowMs: W, config: QUIET });
  const saturday = Date.UTC(2026, 0, 10, 3);
  latency(engine, 'api', saturday, 2);
  const [a] = engine.closeWindow(saturday).alerts;
  // 1 - e^(-2/1.5) = 0.7364 is below 0.8: nothing. Deviation 3 gives 1 - e^-2 = 0.8647: medium, downgraded to low.
  assert.equal(a, undefined);
  latency(engine, 'api', saturday + W, 3);
  const [b] = engine.closeWindow(saturday + W).alerts;
  assert.equal(b!.decision, 'downgrade');
  assert.equal(b!.severity, 'low');
  assert.ok(Math.abs(b!.confidence - 0.8646647) < 1e-6);
});

test('one noisy window does not alert: two windows above the threshold are needed unless confidence is 0.99', () => {
  const engine = new AlertEngine({ windowMs: W, config: { warmupMs: 0 } });
  latency(engine, 'api', T0, 3);
  assert.equal(engine.closeWindow(T0).alerts.length, 0);
  latency(engine, 'api', T0 + W, 3);
  assert.deepEqual(raised(engine.closeWindow(T0 + W).alerts).map((a) => a.id), [`api@${T0 + W}`]);
  // 1 - e^(-8/1.5) = 0.99518: at once.
  latency(engine, 'db', T0 + 2 * W, 8);
  assert.deepEqual(raised(engine.closeWindow(T0 + 2 * W).alerts).map((a) => a.service), ['db']);
});

test('incident known events open while a service is above the threshold and close after its alert resolves', () => {
  const engine = new AlertEngine({ windowMs: W, config: QUIET });
  const seen: [string, number | null][] = [];
  [4, 0, 0].forEach((d, i) => { latency(engine, 'api', T0 + i * W, d); for (const k of engine.closeWindow(T0 + i * W).incidents) seen.push([k.kind, k.end]); });
  assert.deepEqual(seen, [['incident', null], ['incident', T0 + 3 * W]]);
});
