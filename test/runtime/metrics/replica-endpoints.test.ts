/**
 * The replica's HTTP endpoint on the embedded log: `/metrics` scraped during and after a run,
 * `/ready` during restoration and after, `/health`. Slow phases are held by gates the test opens
 * (a back-pressured commit participant, a store whose restoration waits), never by timing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { tumbling } from '../../../topology/windows';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { Stores } from '../../../state/stores';
import { groupByKey } from '../../../operators/group-by-key';
import { windowedBy } from '../../../operators/windowed-by';
import { count } from '../../../operators/count';
import { process } from '../../../operators/process';
import { toStream } from '../../../operators/to-stream';
import { to } from '../../../operators/to';
import type { Processor, ProcessorContext } from '../../../topology/processor';
import type { StreamRecord } from '../../../topology/record';
import type { KeyValueStore } from '../../../state/key-value-store';
import type { StoreSupplier } from '../../../state/state-store';
import { StreamsApp } from '../../../runtime/streams-app';
import { EmbeddedLog } from '../../../runtime/embedded';
import { silentLogger } from '../../../runtime/logger';
import { changelogTopicName } from '../../../runtime/streams-config';
import { getJson, scrape, until } from './scrape';

interface Event { user: string; ts: number }
const PER_PARTITION = 2_000;
const PARTITIONS = 2;

/** A gate a test opens; while closed, each task is back-pressured once it has processed a first batch. */
class Gate {
  open = false;
}

class GateProcessor implements Processor<string, Event> {
  private context!: ProcessorContext<string, Event>;
  private seen = 0;
  constructor(private readonly gate: Gate) {}
  init(context: ProcessorContext<string, Event>): void {
    this.context = context;
    context.registerCommitParticipant({ name: 'gate', flush: async () => {}, isBackpressured: () => !this.gate.open && this.seen > 0, close: async () => {} });
  }
  process(record: StreamRecord<string, Event>): void {
    this.seen++;
    this.context.forward(record);
  }
}

/** Per partition: increasing event times, every 50th record 3 s in the past (late for 1 s windows, sometimes for 5 s ones). */
function eventsOf(partition: number): Event[] {
  const out: Event[] = [];
  for (let i = 0; i < PER_PARTITION; i++) out.push({ user: `u${partition}-${i % 5}`, ts: 10_000 + i * 10 - (i % 50 === 49 ? 3_000 : 0) });
  return out;
}

/** Late records of a windowed aggregation with no grace, as its processor counts them: window end <= stream time. */
function expectedLate(events: readonly Event[], sizeMs: number): number {
  let streamTime = -Infinity;
  let late = 0;
  for (const e of events) {
    streamTime = Math.max(streamTime, e.ts);
    if (Math.floor(e.ts / sizeMs) * sizeMs + sizeMs <= streamTime) late++;
  }
  return late;
}

async function seed(log: EmbeddedLog): Promise<void> {
  await log.admin().createTopics([{ name: 'events', partitions: PARTITIONS }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'producer' });
  const records = [];
  for (let p = 0; p < PARTITIONS; p++) {
    for (const e of eventsOf(p)) records.push({ topic: 'events', partition: p, key: Buffer.from(e.user), value: Buffer.from(JSON.stringify(e)), timestamp: e.ts, headers: {} });
  }
  await producer.send(records);
}

function countingTopology(gate: Gate) {
  const builder = new StreamsBuilder();
  const events = builder
    .stream('events', { keySerde: stringSerde, valueSerde: jsonSerde<Event>(), timestampExtractor: (_k, v) => v.ts })
    .pipe(process({ name: 'gate' }, () => new GateProcessor(gate)));
  for (const size of [1_000, 5_000]) {
    events.pipe(
      groupByKey(),
      windowedBy(tumbling(size, { grace: 0 })),
      count({ store: Stores.window(`count-${size}`, { keySerde: stringSerde, valueSerde: jsonSerde<number>(), retentionMs: size * 4, persistent: false }) }),
      toStream(),
      to(`counts-${size}`, { valueSerde: jsonSerde<number>() }),
    );
  }
  return builder.build();
}

test('/metrics during a run: lag while input is held back, then exact totals per task and processor and a lag of 0 once drained', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-metrics-'));
  const log = new EmbeddedLog();
  await seed(log);
  const gate = new Gate();
  const app = new StreamsApp(countingTopology(gate), { applicationId: 'metrics-run', stateDir: dir, metricsPort: 47101 }, log, { logger: silentLogger, clientId: 'replica-a' });
  try {
    await app.start();
    const base = `http://127.0.0.1:${app.httpAddress()!.port}`;
    assert.equal(app.httpAddress()!.port, 47101);

    // The gate back-pressures each task after its first batch: its partition is paused part-way.
    const held = await until('both tasks processing', () => scrape(base), (s) => s.series('weir_stream_task_process_total').length === PARTITIONS && s.series('weir_stream_task_process_total').every((x) => x.value > 0));
    for (let p = 0; p < PARTITIONS; p++) {
      const processed = held.value('weir_stream_task_process_total', { task_id: `0_${p}` });
      const lag = held.value('weir_consumer_fetch_manager_records_lag', { task_id: `0_${p}`, topic: 'events', partition: String(p) });
      assert.ok(processed < PER_PARTITION, `task 0_${p} is held back (${processed} processed)`);
      assert.equal(lag, PER_PARTITION - processed, 'lag = end offset - next offset to process');
    }
    assert.equal(held.value('weir_consumer_fetch_manager_records_lag_max'), Math.max(...held.series('weir_consumer_fetch_manager_records_lag').map((s) => s.value)));
    assert.ok(held.value('weir_consumer_fetch_manager_records_lag_max') > 0);
    assert.ok(held.value('weir_stream_thread_process_rate') > 0, 'process-rate > 0 during the run');
    assert.ok(held.value('weir_stream_task_process_rate', { task_id: '0_0' }) > 0);
    assert.equal(held.value('weir_stream_thread_active_tasks'), PARTITIONS);
    assert.deepEqual(held.series('weir_stream_thread_active_tasks')[0]!.labels, { application_id: 'metrics-run', thread_id: 'replica-a-StreamThread-1' });

    gate.open = true;
    await app.waitUntilCaughtUp();
    const done = await until('lag drained', () => scrape(base), (s) => s.value('weir_consumer_fetch_manager_records_lag_max') === 0);
    assert.equal(done.value('weir_stream_thread_process_total'), PARTITIONS * PER_PARTITION);
    for (let p = 0; p < PARTITIONS; p++) {
      const task = `0_${p}`;
      const events = eventsOf(p);
      const late1 = expectedLate(events, 1_000);
      const late5 = expectedLate(events, 5_000);
      assert.ok(late1 > late5 && late5 > 0, 'both window sizes drop some records, the 1 s windows more');
      assert.equal(done.value('weir_stream_task_process_total', { task_id: task }), PER_PARTITION);
      assert.equal(done.value('weir_consumer_fetch_manager_records_lag', { task_id: task }), 0);
      // Processor-node metrics carry the processor's name: each windowed count reports its own late records.
      assert.equal(done.value('weir_stream_processor_node_process_total', { task_id: task, processor_node_id: 'gate' }), PER_PARTITION);
      const late = done.series('weir_stream_processor_node_late_records_dropped_total', { task_id: task });
      assert.equal(late.length, 2);
      const byNode = new Map(late.map((s) => [s.labels.processor_node_id, s.value]));
      const nodes = [...byNode.keys()].sort();
      assert.deepEqual(nodes.map((n) => byNode.get(n)).sort((a, b) => a! - b!), [late5, late1]);
      for (const node of nodes) assert.equal(done.value('weir_stream_processor_node_process_total', { task_id: task, processor_node_id: node! }), PER_PARTITION);
      assert.equal(done.value('weir_stream_task_dropped_records_total', { task_id: task }), late1 + late5);
      assert.equal(done.value('weir_stream_task_dead_letter_records_total', { task_id: task }), 0);
    }
    assert.equal(app.metrics().counters.get('late-records-dropped'), [0, 1].reduce((s, p) => s + expectedLate(eventsOf(p), 1_000) + expectedLate(eventsOf(p), 5_000), 0));
    assert.ok(done.value('weir_stream_thread_commit_total') > 0);
    assert.ok(done.value('weir_stream_thread_commit_latency_max') >= done.value('weir_stream_thread_commit_latency_avg'));
    assert.ok(done.value('weir_stream_task_process_latency_avg', { task_id: '0_0' }) > 0);

    const health = await getJson(`${base}/health`);
    assert.deepEqual([health.status, health.body.status, health.body.state], [200, 'UP', 'running']);
    const ready = await getJson(`${base}/ready`);
    assert.deepEqual([ready.status, ready.body.ready, ready.body.tasks], [200, true, ['0_0', '0_1']]);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  } finally {
    gate.open = true;
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal(app.httpAddress(), undefined, 'the endpoint closes with the app');
});

/** A store supplier whose instances wait for `release` before restoring anything. */
function slowRestoring<S extends KeyValueStore<string, number>>(supplier: StoreSupplier<S>, release: Promise<void>): StoreSupplier<S> {
  return {
    name: supplier.name,
    description: supplier.description,
    loggingEnabled: supplier.loggingEnabled,
    build() {
      const store = supplier.build();
      const restore = store.restore.bind(store);
      store.restore = async (entries) => {
        await release;
        return restore(entries);
      };
      return store;
    },
  };
}

function totalsTopology(store: StoreSupplier<KeyValueStore<string, number>>) {
  const builder = new StreamsBuilder();
  builder
    .stream('events', { keySerde: stringSerde, valueSerde: jsonSerde<Event>(), timestampExtractor: (_k, v) => v.ts })
    .pipe(groupByKey(), count({ store }), toStream(), to('totals', { valueSerde: jsonSerde<number>() }));
  return builder.build();
}

test('/ready is 503 with the remaining records while a task restores, 200 once restored; /health stays 200', async () => {
  const log = new EmbeddedLog();
  await seed(log);
  const store = () => Stores.keyValue('totals-store', { keySerde: stringSerde, valueSerde: jsonSerde<number>(), persistent: false, cache: false });
  const firstDir = await mkdtemp(join(tmpdir(), 'weir-ready-'));
  const first = new StreamsApp(totalsTopology(store()), { applicationId: 'ready', stateDir: firstDir }, log, { logger: silentLogger });
  await first.start();
  await first.waitUntilCaughtUp();
  await first.close();

  // A new replica with no local state restores the whole changelog, held until the test releases it.
  const changelog = changelogTopicName('ready', 'totals-store');
  const admin = log.admin();
  const ranges = await Promise.all([0, 1].map(async (partition) => (await admin.endOffset({ topic: changelog, partition })) - (await admin.beginningOffset({ topic: changelog, partition }))));
  const records = [0, 1].map((p) => log.records(changelog, p).length);
  assert.ok(records.every((n) => n > 0));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const secondDir = await mkdtemp(join(tmpdir(), 'weir-ready-'));
  const second = new StreamsApp(totalsTopology(slowRestoring(store(), released)), { applicationId: 'ready', stateDir: secondDir, metricsPort: 47102 }, log, { logger: silentLogger });
  try {
    await second.start();
    const base = 'http://127.0.0.1:47102';
    const restoring = await until('a task restoring a store', () => getJson(`${base}/ready`), (r) => (r.body.restoring as { store: string | null }[]).some((e) => e.store !== null));
    assert.equal(restoring.status, 503);
    assert.equal(restoring.body.ready, false);
    assert.match(String(restoring.body.reason), /^restoring state: task 0_\d \d+ records to go/);
    const [entry] = restoring.body.restoring as { task: string; store: string; restoredRecords: number; remainingRecords: number }[];
    const partition = Number(entry!.task.split('_')[1]);
    assert.deepEqual(entry, { task: `0_${partition}`, store: 'totals-store', restoredRecords: 0, remainingRecords: ranges[partition] });
    assert.equal((await getJson(`${base}/health`)).status, 200);
    const during = await scrape(base);
    assert.equal(during.value('weir_stream_state_updater_active_restoring_tasks'), 1);
    assert.equal(during.value('weir_stream_task_restore_remaining_records_total', { task_id: entry!.task }), ranges[partition]);
    assert.equal(during.value('weir_stream_thread_active_tasks'), 0);

    release();
    const ready = await until('ready', () => getJson(`${base}/ready`), (r) => r.status === 200);
    assert.deepEqual(ready.body, { ready: true, state: 'running', tasks: ['0_0', '0_1'], restoring: [] });
    const after = await scrape(base);
    assert.equal(after.value('weir_stream_state_updater_active_restoring_tasks'), 0);
    for (const p of [0, 1]) {
      assert.equal(after.value('weir_stream_task_restore_total', { task_id: `0_${p}` }), records[p]);
      assert.equal(after.value('weir_stream_task_restore_remaining_records_total', { task_id: `0_${p}` }), 0);
    }
    assert.equal(after.value('weir_stream_state_updater_restore_records_total'), records[0]! + records[1]!);
  } finally {
    release();
    await second.close();
    await rm(firstDir, { recursive: true, force: true });
    await rm(secondDir, { recursive: true, force: true });
  }
});

test('/health is 503 with the error once the app failed, and /ready says why', async () => {
  const log = new EmbeddedLog();
  await seed(log);
  const dir = await mkdtemp(join(tmpdir(), 'weir-health-'));
  const builder = new StreamsBuilder();
  builder.stream('events', { keySerde: stringSerde, valueSerde: jsonSerde<Event>() }).pipe(
    process({ name: 'explodes-on-commit' }, () => ({
      init(context: ProcessorContext<never, never>) {
        context.registerCommitParticipant({ name: 'broken-sink', flush: async () => { throw new Error('the sink is gone'); }, isBackpressured: () => false, close: async () => {} });
      },
      process() {},
    })),
  );
  const app = new StreamsApp(builder.build(), { applicationId: 'health', stateDir: dir, metricsPort: 47103, commitIntervalMs: 0 }, log, { logger: silentLogger });
  try {
    await app.start();
    const base = 'http://127.0.0.1:47103';
    const health = await until('failed', () => getJson(`${base}/health`), (r) => r.status !== 200);
    assert.deepEqual(health, { status: 503, body: { status: 'DOWN', state: 'failed', error: 'the sink is gone' } });
    const ready = await getJson(`${base}/ready`);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.reason, 'the application is failed');
  } finally {
    // Closing commits, which fails again; the endpoint closes all the same.
    await assert.rejects(app.close(), /the sink is gone/);
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal(app.httpAddress(), undefined);
});
