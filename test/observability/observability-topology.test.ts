import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildObservabilityTopology, OBSERVABILITY_TOPICS as T } from '../../observability/observability-topology';
import { TopologyTestDriver } from '../../testing/topology-test-driver';
import { jsonSerde } from '../../serdes/json-serde';
import { stringSerde } from '../../serdes/string-serde';
import { SeededRandom } from '../../stats/random';
import type { WideEvent } from '../../schemas/wide-event';
import type { Rollup } from '../../schemas/rollup';
import type { KnownEvent } from '../../schemas/known-event';
import type { BaselineModelVersion } from '../../schemas/baseline-model-version';
import type { CardinalityReport } from '../../schemas/cardinality-report';
import type { BaselinePrediction } from '../../observability/baseline/baseline-prediction';
import { BASELINE_METRICS } from '../../observability/baseline/baselines-processor';

const START = Date.UTC(2026, 0, 5); // a Monday, 00:00 UTC
const MINUTE = 60_000;
const SERVICES = ['checkout', 'search'];
const OPERATIONS = ['GET /a', 'POST /b'];

/** Two hours and ten minutes of traffic, in event-time order, with 3% server errors and 5% client errors. */
function traffic(seed: number): WideEvent[] {
  const random = new SeededRandom(seed);
  const events: WideEvent[] = [];
  for (let t = START; t < START + 130 * MINUTE; t += 150) {
    const service = SERVICES[random.nextInt(2)];
    const operation = OPERATIONS[random.nextInt(2)];
    const r = random.next();
    events.push({
      timestamp: t,
      service,
      operation,
      method: operation.split(' ')[0],
      status_code: r < 0.03 ? 503 : r < 0.08 ? 404 : 200,
      duration_ms: random.lognormal(service === 'checkout' ? 4 : 3, 0.6),
      trace_id: `trace-${Math.floor(t / 450)}`,
      span_id: `span-${t}`,
      parent_span_id: null,
      user_id: `user-${random.nextInt(700)}`,
      region: 'eu-west',
      customer_tier: 'pro',
      attributes: {},
    });
  }
  return events;
}

function rankError(values: number[], q: number, v: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const below = sorted.filter((x) => x < v).length / sorted.length;
  const atOrBelow = sorted.filter((x) => x <= v).length / sorted.length;
  return q < below ? below - q : q > atOrBelow ? q - atOrBelow : 0;
}

async function run(events: WideEvent[], options: Parameters<typeof buildObservabilityTopology>[0] = {}, knownEvents: KnownEvent[] = []) {
  const driver = await TopologyTestDriver.create(buildObservabilityTopology({ persistent: false, ...options }));
  const outputs = {
    r1m: driver.createOutputTopic(T.rollups1m, stringSerde, jsonSerde<Rollup>()),
    r5m: driver.createOutputTopic(T.rollups5m, stringSerde, jsonSerde<Rollup>()),
    r1h: driver.createOutputTopic(T.rollups1h, stringSerde, jsonSerde<Rollup>()),
    models: driver.createOutputTopic(T.baselines, stringSerde, jsonSerde<BaselineModelVersion>()),
    predictions: driver.createOutputTopic(T.predictions, stringSerde, jsonSerde<BaselinePrediction>()),
    cardinality: driver.createOutputTopic(T.cardinality, stringSerde, jsonSerde<CardinalityReport>()),
    sampled: driver.createOutputTopic(T.sampledEvents, stringSerde, jsonSerde<WideEvent>()),
  };
  const known = driver.createInputTopic(T.knownEvents, stringSerde, jsonSerde<KnownEvent>());
  for (const k of knownEvents) known.pipeInput(k.id, k, k.start);
  const input = driver.createInputTopic(T.events, stringSerde, jsonSerde<WideEvent>());
  input.pipeRecords(events.map((e) => ({ key: `${e.service}|${e.operation}`, value: e, timestamp: e.timestamp })));
  driver.endOfInput();
  const read = <V>(topic: { readValuesToList(): V[] }) => topic.readValuesToList();
  const result = {
    r1m: read(outputs.r1m),
    r5m: read(outputs.r5m),
    r1h: read(outputs.r1h),
    models: read(outputs.models),
    predictions: read(outputs.predictions),
    cardinality: read(outputs.cardinality),
    sampled: read(outputs.sampled),
    late: driver.metric('late-records-dropped'),
  };
  await driver.close();
  return result;
}

function check(rollups: Rollup[], events: WideEvent[], sizeMs: number, errorStatus: number) {
  const groups = new Map<string, WideEvent[]>();
  for (const e of events) {
    const key = `${e.service}|${e.operation}|${e.timestamp - (e.timestamp % sizeMs)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(e);
  }
  assert.equal(rollups.length, groups.size);
  for (const r of rollups) {
    const raw = groups.get(`${r.service}|${r.operation}|${r.window_start}`)!;
    assert.ok(raw, `no raw events for ${r.service} ${r.operation} ${r.window_start}`);
    assert.equal(r.window_end - r.window_start, sizeMs);
    assert.equal(r.count, raw.length);
    assert.equal(r.error_count, raw.filter((e) => e.status_code >= errorStatus).length);
    const durations = raw.map((e) => e.duration_ms);
    assert.equal(r.duration_max, Math.max(...durations));
    assert.ok(Math.abs(r.duration_sum - durations.reduce((a, b) => a + b, 0)) < 1e-6 * r.duration_sum);
    if (raw.length >= 100) {
      for (const [q, v] of [[0.5, r.p50], [0.95, r.p95], [0.99, r.p99]]) {
        assert.ok(rankError(durations, q, v) <= 0.01, `${r.resolution} ${r.service} ${r.operation} q=${q}`);
      }
    }
  }
}

test('1m, 5m and 1h rollups: exact counts and error counts, percentiles within 1% rank error of the raw values; coarser ones merged from 1m digests', async () => {
  const events = traffic(1);
  const out = await run(events);
  assert.equal(out.late, 0);
  check(out.r1m, events, MINUTE, 500);
  check(out.r5m, events, 5 * MINUTE, 500);
  check(out.r1h, events, 60 * MINUTE, 500);
  assert.deepEqual([...new Set(out.r5m.map((r) => r.resolution))], ['5m']);
  assert.deepEqual([...new Set(out.r1h.map((r) => r.resolution))], ['1h']);
});

test('the error status threshold is configurable', async () => {
  const events = traffic(2).slice(0, 4000);
  const out = await run(events, { errorStatus: 400 });
  check(out.r1m, events, MINUTE, 400);
});

test('baselines: a first active version per (service, metric), one evaluated forecast per 5-minute window with the exact actual value', async () => {
  const events = traffic(3);
  const out = await run(events);
  const first = out.models.filter((m) => m.version === 'v1.0' && m.status === 'active');
  assert.deepEqual(first.map((m) => m.model_id).sort(), ['checkout/error_rate', 'checkout/latency', 'checkout/p50_latency', 'checkout/request_rate', 'search/error_rate', 'search/latency', 'search/p50_latency', 'search/request_rate']);
  const evaluated = out.predictions.filter((p) => p.actual !== null && p.metric === 'request_rate');
  // 130 minutes = 26 five-minute windows per service.
  assert.equal(evaluated.length, 2 * 26);
  for (const p of evaluated) {
    const n = events.filter((e) => e.service === p.service && e.timestamp >= p.window_start && e.timestamp < p.window_end).length;
    assert.equal(p.actual, n / 300);
  }
  const errorRates = out.predictions.filter((p) => p.actual !== null && p.metric === 'error_rate');
  for (const p of errorRates) {
    const window = events.filter((e) => e.service === p.service && e.timestamp >= p.window_start && e.timestamp < p.window_end);
    const errors = window.filter((e) => e.status_code >= 500).length;
    assert.equal(p.actual, (errors + 1) / (window.length + 2));
    // The counts behind the rate, for the alert engine's Poisson check.
    assert.equal(p.count, window.length);
    assert.equal(p.events, errors);
  }
  const medians = out.predictions.filter((p) => p.actual !== null && p.metric === 'p50_latency');
  assert.equal(medians.length, 2 * 26);
  for (const p of medians) {
    const durations = events.filter((e) => e.service === p.service && e.timestamp >= p.window_start && e.timestamp < p.window_end).map((e) => e.duration_ms);
    assert.ok(rankError(durations, 0.5, p.actual!) <= 0.01, `${p.service} ${p.window_start}: p50 ${p.actual}`);
  }
  for (const p of out.predictions.filter((p) => p.metric !== 'error_rate')) assert.equal(p.count, undefined);
});

test('a maintenance window from the known-events topic nulls the forecasts of its service', async () => {
  const maintenance: KnownEvent = { id: 'm-1', kind: 'maintenance', services: ['search'], start: START + 60 * MINUTE, end: START + 90 * MINUTE, expected_multiplier: null, description: 'index rebuild' };
  const out = await run(traffic(4), {}, [maintenance]);
  const during = out.predictions.filter((p) => p.actual !== null && p.service === 'search' && p.window_start >= maintenance.start && p.window_end <= maintenance.end!);
  // Every baseline metric, six 5-minute windows.
  assert.equal(during.length, BASELINE_METRICS.length * 6);
  for (const p of during) {
    assert.equal(p.expected, null);
    assert.equal(p.suppressed, true);
    assert.equal(p.learning_blocked_by, 'maintenance');
  }
  const other = out.predictions.filter((p) => p.actual !== null && p.service === 'checkout' && p.window_start >= maintenance.start && p.window_end <= maintenance.end!);
  for (const p of other) assert.notEqual(p.expected, null);
});

test('daily cardinality reports the distinct users, traces and (service, method, status) tuples of the day', async () => {
  const events = traffic(5);
  const out = await run(events);
  const latest = new Map(out.cardinality.map((r) => [r.dimension, r]));
  const exact: Record<string, number> = {
    user_id: new Set(events.map((e) => e.user_id)).size,
    trace_id: new Set(events.map((e) => e.trace_id)).size,
    service_method_status: new Set(events.map((e) => `${e.service}|${e.method}|${e.status_code}`)).size,
  };
  for (const [dimension, n] of Object.entries(exact)) {
    const r = latest.get(dimension)!;
    assert.equal(r.window_start, START);
    assert.equal(r.event_count, events.length);
    assert.ok(Math.abs(r.distinct_estimate - n) / n <= 0.02, `${dimension}: ${r.distinct_estimate} vs ${n}`);
  }
});

test('sampled raw events: errors all kept, weighted counts equal to the true count within 1%', async () => {
  const events = traffic(6);
  const out = await run(events, { sampling: { budget: 2, intervalMs: 1000, slowMs: 10_000 } });
  assert.ok(out.sampled.length < events.length);
  assert.equal(out.sampled.filter((e) => e.status_code >= 500).length, events.filter((e) => e.status_code >= 500).length);
  const weighted = out.sampled.reduce((s, e) => s + (e.sample_weight ?? 1), 0);
  assert.ok(Math.abs(weighted - events.length) / events.length <= 0.01, `${weighted} vs ${events.length}`);
});

test('analytics: false builds the rollups only', async () => {
  const topology = buildObservabilityTopology({ analytics: false, persistent: false });
  assert.deepEqual(topology.sourceTopics(), [T.events]);
});

test('describe(): the baselines run per service (rollups repartitioned by service, no constant-key input), the deployments and known events as global stores', () => {
  const description = buildObservabilityTopology({ persistent: false }).describe();
  assert.match(description, /baselines-deployments: topic deployments, key: string, value: json, versioned in memory/);
  assert.match(description, /baselines-known-events-table: topic known-events, key: string, value: json, versioned in memory/);
  assert.match(description, /Processor: baselines \(learnBaselines: [^;]*per service \(deployments and known events from global tables\); stores: \[baselines-models, baselines-service-windows, baselines-deployments, baselines-known-events-table\]\)/);
  assert.match(description, /<application\.id>-baseline-input-rollups-repartition/);
  assert.doesNotMatch(description, /baseline-input-(deployments|known-events)/);
  const oneTask = buildObservabilityTopology({ persistent: false, partitionedBaselines: false }).describe();
  assert.match(oneTask, /<application\.id>-baseline-input-known-events-repartition/);
  assert.doesNotMatch(oneTask, /Global stores/);
});

test('the baselines input is keyed by service: 5-minute rollups of two services reach the repartition topic under their service', async () => {
  const builder = buildObservabilityTopology({ persistent: false, alerting: false, sampling: false });
  const mapNode = builder.graph.nodes.get('baseline-input-rollups');
  assert.ok(mapNode && mapNode.kind === 'processor');
  const forwarded: { key: unknown }[] = [];
  const processor = mapNode.supplier();
  processor.init?.({ forward: (r: { key: unknown }) => forwarded.push(r) } as never);
  for (const service of ['checkout', 'search']) processor.process({ key: `${service}|GET /x`, value: { service, operation: 'GET /x' } as never, timestamp: 1, headers: {} });
  assert.deepEqual(forwarded.map((r) => r.key), ['checkout', 'search']);
});
