import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrafficGenerator, pickService, scenarioOf, standardWeek, type Scenario } from '../../generator';
import type { WideEvent } from '../../schemas/wide-event';

const START = Date.UTC(2026, 0, 6); // a Tuesday
const DAY = 86_400_000;
const HOUR = 3_600_000;
const EVENTS = 300_000;

/** Per service: durations and 5xx counts inside [start, end) and outside it. */
interface Split {
  inside: number[];
  outside: number[];
  errorsInside: number;
  errorsOutside: number;
}

function split(events: Iterable<WideEvent>, start: number, end: number): Map<string, Split> {
  const out = new Map<string, Split>();
  for (const e of events) {
    let s = out.get(e.service);
    if (!s) out.set(e.service, (s = { inside: [], outside: [], errorsInside: 0, errorsOutside: 0 }));
    const inside = e.timestamp >= start && e.timestamp < end;
    (inside ? s.inside : s.outside).push(e.duration_ms);
    if (e.status_code >= 500) inside ? s.errorsInside++ : s.errorsOutside++;
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The same figures pooled over several services. */
function pool(stats: Map<string, Split>, services: Iterable<string>): Split {
  const p: Split = { inside: [], outside: [], errorsInside: 0, errorsOutside: 0 };
  for (const name of services) {
    const s = stats.get(name);
    if (!s) continue;
    p.inside.push(...s.inside);
    p.outside.push(...s.outside);
    p.errorsInside += s.errorsInside;
    p.errorsOutside += s.errorsOutside;
  }
  return p;
}

const latencyRatio = (s: Split): number => median(s.inside) / median(s.outside);
const errorRateInside = (s: Split): number => s.errorsInside / s.inside.length;
const errorRateOutside = (s: Split): number => s.errorsOutside / s.outside.length;

function generatorWith(scenario: (g: TrafficGenerator) => Scenario): { generator: TrafficGenerator; scenario: Scenario } {
  const probe = new TrafficGenerator({ seed: 21, events: 0, start: START, durationMs: DAY });
  const s = scenario(probe);
  return { generator: new TrafficGenerator({ seed: 21, events: EVENTS, start: START, durationMs: DAY, scenarios: [s] }), scenario: s };
}

/** Services neither the injected one nor its callers: the scenario must leave them alone. */
function unrelated(generator: TrafficGenerator, service: string): string[] {
  const affected = new Set([service, ...generator.graph.ancestors(service)]);
  return generator.graph.services.map((s) => s.name).filter((n) => !affected.has(n));
}

test('a latency incident slows the injected service, not the services outside its call path', () => {
  const { generator, scenario } = generatorWith((g) => scenarioOf('latency-incident', g.graph, { start: START + 10 * HOUR, durationMs: HOUR }, 21));
  assert.equal(scenario.kind, 'latency-incident');
  if (scenario.kind !== 'latency-incident') return;
  const events = [...generator.events()];
  const stats = split(events, scenario.start, scenario.start + scenario.durationMs);
  const target = stats.get(scenario.service)!;
  assert.ok(target.inside.length > 200, `${target.inside.length} spans of ${scenario.service} inside the window`);
  assert.ok(latencyRatio(target) > 1.5, `injected median ratio ${latencyRatio(target)}`);
  // Self time (duration minus the calls it waited for, and their 0.05 ms dispatch gaps) carries the whole x4.
  const waited = new Map<string, number>();
  for (const e of events) if (e.parent_span_id !== null) waited.set(e.parent_span_id, (waited.get(e.parent_span_id) ?? 0) + e.duration_ms + 0.05);
  const self = events
    .filter((e) => e.service === scenario.service && e.status_code !== 504)
    .map((e) => ({ ...e, duration_ms: e.duration_ms - (waited.get(e.span_id) ?? 0) }));
  const selfStats = split(self, scenario.start, scenario.start + scenario.durationMs).get(scenario.service)!;
  assert.ok(Math.abs(latencyRatio(selfStats) / scenario.latencyFactor - 1) < 0.15, `self-time median ratio ${latencyRatio(selfStats)}`);
  const rest = pool(stats, unrelated(generator, scenario.service));
  assert.ok(Math.abs(latencyRatio(rest) - 1) < 0.1, `unrelated median ratio ${latencyRatio(rest)}`);
  assert.ok(Math.abs(errorRateInside(target) - errorRateOutside(target)) < 0.01, 'a latency incident leaves errors alone');
  assert.deepEqual(
    generator.groundTruth.incidents.map((i) => [i.kind, i.service, i.start, i.end]),
    [['latency-incident', scenario.service, scenario.start, scenario.start + scenario.durationMs]],
  );
  assert.deepEqual(generator.groundTruth.incidents[0].victims, generator.graph.ancestors(scenario.service));
});

test('an error burst raises the injected service to its error rate and its callers fail with it', () => {
  const { generator, scenario } = generatorWith((g) => scenarioOf('error-burst', g.graph, { start: START + 12 * HOUR, durationMs: HOUR }, 21));
  if (scenario.kind !== 'error-burst') throw new Error('unexpected scenario');
  const end = scenario.start + scenario.durationMs;
  const events = [...generator.events()];
  const stats = split(events, scenario.start, end);
  const target = stats.get(scenario.service)!;
  assert.ok(errorRateInside(target) > 0.2 && errorRateInside(target) < 0.35, `inside ${errorRateInside(target)}`);
  assert.ok(errorRateOutside(target) < 0.02, `outside ${errorRateOutside(target)}`);
  // A caller whose call into the failing service got a 5xx fails too with probability 0.85.
  const statusOf = new Map(events.map((e) => [e.span_id, e] as const));
  let failedCalls = 0;
  let failedCallers = 0;
  for (const e of events) {
    if (e.service !== scenario.service || e.status_code < 500 || e.timestamp < scenario.start || e.timestamp >= end || e.parent_span_id === null) continue;
    failedCalls++;
    if (statusOf.get(e.parent_span_id)!.status_code >= 500) failedCallers++;
  }
  assert.ok(failedCalls > 100, `${failedCalls} failed calls`);
  assert.ok(Math.abs(failedCallers / failedCalls - 0.85) < 0.06, `callers failed on ${failedCallers} of ${failedCalls} failed calls`);
  const callers = pool(stats, generator.graph.ancestors(scenario.service));
  assert.ok(errorRateInside(callers) > 1.5 * errorRateOutside(callers), 'errors show at the callers');
  const rest = pool(stats, unrelated(generator, scenario.service));
  assert.ok(errorRateInside(rest) < 0.02, `unrelated inside ${errorRateInside(rest)}`);
});

test('a cascading failure starts in a deep leaf and climbs to the edge', () => {
  const { generator, scenario } = generatorWith((g) => scenarioOf('cascading-failure', g.graph, { start: START + 14 * HOUR, durationMs: HOUR }, 21));
  if (scenario.kind !== 'cascading-failure') throw new Error('unexpected scenario');
  const graph = generator.graph;
  assert.equal(graph.service(scenario.service)!.layer, Math.max(...graph.services.map((s) => s.layer)), 'the root cause is a leaf');
  const stats = split(generator.events(), scenario.start, scenario.start + scenario.durationMs);
  const leaf = stats.get(scenario.service)!;
  assert.ok(latencyRatio(leaf) > 4, `leaf median ratio ${latencyRatio(leaf)}`);
  assert.ok(errorRateInside(leaf) > 0.25, `leaf errors ${errorRateInside(leaf)}`);
  const edge = pool(stats, graph.services.filter((s) => s.layer === 0).map((s) => s.name));
  assert.ok(errorRateInside(edge) > 3 * errorRateOutside(edge), `edge errors ${errorRateInside(edge)} vs ${errorRateOutside(edge)}`);
  const rest = pool(stats, unrelated(generator, scenario.service));
  assert.ok(Math.abs(latencyRatio(rest) - 1) < 0.1 && errorRateInside(rest) < 0.02);
  assert.equal(generator.groundTruth.incidents[0].kind, 'cascading-failure');
  assert.ok(generator.groundTruth.incidents[0].victims.length >= 3);
});

test('a maintenance window is announced, cuts traffic to the service, and does not make callers fail', () => {
  const { generator, scenario } = generatorWith((g) => scenarioOf('maintenance', g.graph, { start: START + 16 * HOUR, durationMs: 2 * HOUR }, 21));
  if (scenario.kind !== 'maintenance' || scenario.service === null) throw new Error('unexpected scenario');
  const end = scenario.start + scenario.durationMs;
  assert.deepEqual(generator.knownEvents, [
    { id: 'maintenance-1', kind: 'maintenance', services: [scenario.service], start: scenario.start, end, expected_multiplier: null, description: `planned maintenance of ${scenario.service}` },
  ]);
  assert.deepEqual(generator.groundTruth.incidents, []);
  assert.equal(generator.groundTruth.quiet[0].kind, 'maintenance');
  const stats = split(generator.events(), scenario.start, end);
  const all = pool(stats, stats.keys());
  const target = stats.get(scenario.service)!;
  const share = target.inside.length / all.inside.length / (target.outside.length / all.outside.length);
  assert.ok(share > 0.12 && share < 0.3, `share of traffic inside vs outside ${share}`);
  assert.ok(errorRateInside(target) > 0.15, 'the service in maintenance answers 503s');
  const callers = pool(stats, generator.graph.ancestors(scenario.service));
  assert.ok(errorRateInside(callers) < 1.5 * errorRateOutside(callers) + 0.002, `callers ${errorRateInside(callers)} vs ${errorRateOutside(callers)}`);
});

test('a sale multiplies the request rate by its announced multiplier', () => {
  const start = START + 18 * HOUR;
  const { generator } = generatorWith((g) => scenarioOf('sale', g.graph, { start, durationMs: 3 * HOUR }));
  const plain = new TrafficGenerator({ seed: 21, events: EVENTS, start: START, durationMs: DAY });
  assert.equal(generator.knownEvents[0].expected_multiplier, 3);
  const count = (g: TrafficGenerator): number => {
    let n = 0;
    for (const e of g.events()) if (e.timestamp >= start && e.timestamp < start + 3 * HOUR) n++;
    return n;
  };
  // The calibration spreads the same total over a busier day, so the plain rate is rescaled first.
  const expected = (3 * generator.baseRootRate) / plain.baseRootRate;
  const ratio = count(generator) / count(plain);
  assert.ok(Math.abs(ratio / expected - 1) < 0.1, `ratio ${ratio}, expected ${expected}`);
});

test('a regressing deployment emits the deployment and its rollback, tags events with the version, and slows the service in between', () => {
  const { generator, scenario } = generatorWith((g) => scenarioOf('deployment', g.graph, { start: START + 9 * HOUR, durationMs: HOUR }, 21));
  if (scenario.kind !== 'deployment') throw new Error('unexpected scenario');
  const [deploy, rollback] = generator.deployments;
  assert.equal(generator.deployments.length, 2);
  assert.equal(deploy.service, scenario.service);
  assert.equal(deploy.deployed_at, scenario.at);
  assert.equal(rollback.deployed_at, scenario.at + HOUR);
  assert.equal(rollback.version, deploy.previous_version);
  assert.equal(rollback.previous_version, deploy.version);
  const versions = new Map<string, Set<string>>();
  const events: WideEvent[] = [];
  for (const e of generator.events()) {
    if (e.service !== scenario.service) continue;
    events.push(e);
    const phase = e.timestamp < deploy.deployed_at ? 'before' : e.timestamp < rollback.deployed_at ? 'during' : 'after';
    if (!versions.has(phase)) versions.set(phase, new Set());
    versions.get(phase)!.add(e.attributes.version);
  }
  assert.deepEqual([...versions.get('before')!], [deploy.previous_version]);
  assert.deepEqual([...versions.get('during')!], [deploy.version]);
  assert.deepEqual([...versions.get('after')!], [deploy.previous_version]);
  const stats = split(events, deploy.deployed_at, rollback.deployed_at).get(scenario.service)!;
  assert.ok(latencyRatio(stats) > 1.4, `median ratio ${latencyRatio(stats)}`);
  assert.equal(generator.groundTruth.incidents[0].kind, 'deployment-regression');
});

test('the timeline merges known events first, then deployments at their time among the events', () => {
  const probe = new TrafficGenerator({ seed: 4, events: 0 });
  const scenarios = standardWeek(probe.graph, { start: probe.start, durationMs: probe.durationMs }, 4);
  const generator = new TrafficGenerator({ seed: 4, events: 60_000, scenarios });
  const kinds = new Set(scenarios.map((s) => s.kind));
  for (const k of ['latency-incident', 'error-burst', 'deployment', 'cascading-failure', 'maintenance', 'sale', 'noisy-day']) assert.ok(kinds.has(k as Scenario['kind']), k);
  const counts = { event: 0, deployment: 0, 'known-event': 0 };
  let last = -Infinity;
  let sawEvent = false;
  for (const r of generator.timeline()) {
    counts[r.type]++;
    assert.ok(r.timestamp >= last);
    last = r.timestamp;
    if (r.type === 'event') sawEvent = true;
    if (r.type === 'known-event') assert.equal(sawEvent, false, 'known events are announced before the traffic');
  }
  assert.equal(counts.event, 60_000);
  assert.equal(counts['known-event'], generator.knownEvents.length);
  assert.equal(counts.deployment, generator.deployments.filter((d) => d.deployed_at <= last).length);
  assert.deepEqual(
    generator.groundTruth.incidents.map((i) => i.kind).sort(),
    ['cascading-failure', 'deployment-regression', 'error-burst', 'latency-incident'],
  );
  assert.equal(new Set(generator.groundTruth.incidents.map((i) => i.service)).size, 4, 'incidents hit different services');
  assert.equal(pickService('cascading-failure', generator.graph, 4), generator.groundTruth.incidents.find((i) => i.kind === 'cascading-failure')!.service);
});

test('an incident scoped to one customer tier slows only that tier\'s requests', () => {
  const { generator, scenario } = generatorWith((g) => ({
    ...(scenarioOf('latency-incident', g.graph, { start: START + 10 * HOUR, durationMs: 2 * HOUR }, 21) as Extract<Scenario, { kind: 'latency-incident' }>),
    scope: { tier: 'enterprise' },
  }));
  if (scenario.kind !== 'latency-incident') throw new Error('unexpected scenario');
  const end = scenario.start + scenario.durationMs;
  const events = [...generator.events()].filter((e) => e.service === scenario.service);
  const byTier = (tier: string) => split(events.filter((e) => e.customer_tier === tier).map((e) => ({ ...e, service: tier })), scenario.start, end).get(tier)!;
  const enterprise = byTier('enterprise');
  const free = byTier('free');
  assert.ok(enterprise.inside.length > 30, `${enterprise.inside.length} enterprise spans inside`);
  assert.ok(latencyRatio(enterprise) > 1.5, `enterprise median ratio ${latencyRatio(enterprise)}`);
  assert.ok(Math.abs(latencyRatio(free) - 1) < 0.15, `free median ratio ${latencyRatio(free)}`);
  assert.deepEqual(generator.groundTruth.incidents[0].scope, { tier: 'enterprise' });
  assert.match(generator.groundTruth.incidents[0].root_cause, /for enterprise users$/);
});
