import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWeirError } from '../../../errors/weir-error';
import { NodeMetrics } from '../../../runtime/metrics/node-metrics';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { tumbling } from '../../../topology/windows';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { Stores } from '../../../state/stores';
import { groupByKey } from '../../../operators/group-by-key';
import { windowedBy } from '../../../operators/windowed-by';
import { count } from '../../../operators/count';
import { process } from '../../../operators/process';
import type { Counter, ProcessorContext } from '../../../topology/processor';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import { StreamsApp } from '../../../runtime/streams-app';
import { EmbeddedLog } from '../../../runtime/embedded';
import { createLogger } from '../../../runtime/logger';
import { parsePrometheusText, Scrape } from './scrape';

test('a processor counter is created once per name and labels; names and labels are checked', () => {
  const node = new NodeMetrics('rules', '0_0');
  const a = node.counter('alerts-fired', { labels: { rule: 'cooldown' } });
  assert.equal(node.counter('alerts-fired', { labels: { rule: 'cooldown' } }), a);
  const b = node.counter('alerts-fired', { labels: { rule: 'none' } });
  assert.notEqual(a, b);
  a.increment();
  b.increment(2);
  assert.equal(node.total('alerts-fired'), 3);
  const invalid = (f: () => unknown, message: RegExp) => assert.throws(f, (e: unknown) => isWeirError(e, 'INVALID_TOPOLOGY') && message.test(e.message));
  invalid(() => node.counter('Late_Records'), /metric name 'Late_Records' of processor 'rules' must be lowercase words joined by '-'/);
  invalid(() => node.counter('late', { labels: { task_id: 'x' } }), /label 'task_id' of metric 'late' \(processor 'rules'\) must be lowercase with '_' and not one of application_id, thread_id, task_id, processor_node_id/);
  node.measure('queue-size', () => 1);
  invalid(() => node.measure('queue-size', () => 2), /processor 'rules' measures 'queue-size' twice/);
});

/** Two windowed counts over one stream, with records late for the 1 s windows only. */
function twoCounts() {
  const builder = new StreamsBuilder();
  const events = builder.stream('events', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
  for (const size of [1_000, 60_000]) {
    events.pipe(groupByKey(), windowedBy(tumbling(size, { grace: 0 })), count({ store: Stores.window(`count-${size}`, { keySerde: stringSerde, valueSerde: jsonSerde<number>(), retentionMs: size * 2, persistent: false }) }));
  }
  return builder.build();
}

test('the test driver sums a counter over the processors that report it', async () => {
  const driver = await TopologyTestDriver.create(twoCounts());
  const input = driver.createInputTopic('events', stringSerde, jsonSerde<number>());
  input.pipeInput('k', 1, 5_000);
  input.pipeInput('k', 1, 2_000); // late for [2000, 3000), not for [0, 60000)
  input.pipeInput('k', 1, 3_500); // late for [3000, 4000)
  assert.equal(driver.metric('late-records-dropped'), 2);
  await driver.close();
});

test('/metrics: labelled counters, one series for a replica-scoped measure shared by tasks, a clashing name refused with a warning', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-node-metrics-'));
  const log = new EmbeddedLog();
  await log.admin().createTopics([{ name: 'events', partitions: 3 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'producer' });
  await producer.send([0, 1, 2].flatMap((partition) => Array.from({ length: 10 + partition }, (_, i) => ({ topic: 'events', partition, key: Buffer.from(`k${i}`), value: Buffer.from(String(i)), timestamp: 1_000 + i, headers: {} }))));
  const shared = { buffered: 42 };
  const lines: string[] = [];
  const builder = new StreamsBuilder();
  builder.stream('events', { keySerde: stringSerde, valueSerde: jsonSerde<number>() }).pipe(
    process({ name: 'classify' }, () => {
      let even: Counter;
      let odd: Counter;
      return {
        init(context: ProcessorContext<never, never>) {
          even = context.metrics.counter('values-seen', { labels: { parity: 'even' }, description: 'values by parity' });
          odd = context.metrics.counter('values-seen', { labels: { parity: 'odd' } });
          context.metrics.counter('process', { description: 'clashes with the node process-total' }).increment();
          context.metrics.measure('shared-buffer', () => shared.buffered, { scope: 'replica', labels: { table: 't' } });
        },
        process(record: { value: number }) {
          (record.value % 2 === 0 ? even : odd).increment();
        },
      };
    }),
  );
  const app = new StreamsApp(builder.build(), { applicationId: 'node-metrics', stateDir: dir }, log, { logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }) });
  try {
    await app.start();
    await app.waitUntilCaughtUp();
    const text = await app.prometheus.scrape();
    const { samples, help, types } = parsePrometheusText(text);
    const s = new Scrape(samples);
    for (const [p, n] of [[0, 10], [1, 11], [2, 12]] as const) {
      const evens = Math.ceil(n / 2);
      assert.equal(s.value('weir_stream_processor_node_values_seen_total', { task_id: `0_${p}`, processor_node_id: 'classify', parity: 'even' }), evens);
      assert.equal(s.value('weir_stream_processor_node_values_seen_total', { task_id: `0_${p}`, processor_node_id: 'classify', parity: 'odd' }), n - evens);
    }
    assert.equal(help.get('weir_stream_processor_node_values_seen_total'), 'values by parity');
    assert.equal(types.get('weir_stream_processor_node_values_seen_total'), 'counter');
    const buffer = s.series('weir_stream_processor_node_shared_buffer');
    assert.deepEqual(buffer.map((x) => [x.labels, x.value]), [[{ processor_node_id: 'classify', table: 't', application_id: 'node-metrics', thread_id: `node-metrics-${globalThis.process.pid}-StreamThread-1` }, 42]]);
    assert.equal(types.get('weir_stream_processor_node_shared_buffer'), 'gauge');
    // `process` would be `weir_stream_processor_node_process_total`, the runtime's own: refused, logged once.
    assert.equal(s.value('weir_stream_processor_node_process_total', { task_id: '0_0', processor_node_id: 'classify' }), 10);
    await app.prometheus.scrape();
    const clashes = lines.filter((l) => l.includes('a processor metric clashes'));
    assert.equal(clashes.length, 1);
    assert.match(clashes[0]!, /weir_stream_processor_node_process_total/);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});
