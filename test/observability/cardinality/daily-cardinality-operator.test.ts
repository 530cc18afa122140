import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { dailyCardinality } from '../../../observability/cardinality/daily-cardinality-operator';
import { to } from '../../../operators/to';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import type { WideEvent } from '../../../schemas/wide-event';
import type { CardinalityReport } from '../../../schemas/cardinality-report';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5);

test('two days of events give one set of reports per day, within 2% of the exact distinct counts; the first day closes after its grace', async () => {
  const builder = new StreamsBuilder();
  builder.stream('in', { keySerde: stringSerde, valueSerde: jsonSerde<WideEvent>() }).pipe(dailyCardinality({ name: 'cardinality', graceMs: 60_000, persistent: false }), to('out'));
  const driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('in', stringSerde, jsonSerde<WideEvent>());
  const output = driver.createOutputTopic('out', stringSerde, jsonSerde<CardinalityReport>());
  const exact = [new Set<string>(), new Set<string>()];
  const records = [];
  for (let i = 0; i < 60_000; i++) {
    const t = START + Math.floor((i * 2 * DAY) / 60_000);
    const day = t < START + DAY ? 0 : 1;
    const user = `u${day}-${i % (day === 0 ? 5000 : 12_000)}`;
    exact[day].add(user);
    const e: WideEvent = { timestamp: t, service: 's', operation: 'o', method: 'GET', status_code: 200, duration_ms: 1, trace_id: `t${i}`, span_id: `${i}`, parent_span_id: null, user_id: user, region: 'eu', customer_tier: 'free', attributes: {} };
    records.push({ key: 's|o', value: e, timestamp: t });
  }
  input.pipeRecords(records.slice(0, 30_000 + 100));
  // Past midnight plus grace: the first day was emitted, the second not yet.
  const early = output.readValuesToList();
  assert.deepEqual([...new Set(early.map((r) => r.window_start))], [START]);
  input.pipeRecords(records.slice(30_000 + 100));
  driver.endOfInput();
  const all = [...early, ...output.readValuesToList()];
  await driver.close();
  for (const day of [0, 1]) {
    const users = all.filter((r) => r.window_start === START + day * DAY && r.dimension === 'user_id');
    assert.equal(users.length, 1);
    assert.equal(users[0].event_count, 30_000);
    assert.ok(Math.abs(users[0].distinct_estimate - exact[day].size) / exact[day].size <= 0.02, `day ${day}: ${users[0].distinct_estimate} vs ${exact[day].size}`);
  }
});
