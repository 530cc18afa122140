/**
 * Skips are never silent: records of a source partition deleted before the application read them
 * (retention, simulated with delete-records) are reported as an offset reset with its count, and
 * `auto.offset.reset` decides where reading goes on, on the real broker.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { stringSerde } from '../../../serdes/string-serde';
import { peek } from '../../../operators/peek';
import { to } from '../../../operators/to';
import { groupByKey } from '../../../operators/group-by-key';
import { count } from '../../../operators/count';
import { toStream } from '../../../operators/to-stream';
import { Stores } from '../../../state/stores';
import { jsonSerde } from '../../../serdes/json-serde';
import { StreamsApp } from '../../../runtime/streams-app';
import { KafkaLog } from '../../../runtime/kafka/kafka-log';
import { createLogger, silentLogger } from '../../../runtime/logger';
import type { AutoOffsetReset } from '../../../runtime/offset-reset';
import { isWeirError } from '../../../errors/weir-error';
import { eventually, kafkaBrokers, uniqueName } from './kafka-broker';

interface Setup {
  readonly brokers: string[];
  readonly log: KafkaLog;
  readonly input: string;
  readonly output: string;
  readonly applicationId: string;
  readonly stateDir: string;
  /** `chunk` records per send, so per broker record batch (a fetch returns whole batches). */
  produce(from: number, to: number, chunk?: number): Promise<void>;
  deleteUpTo(offset: number): Promise<void>;
  outputCount(): Promise<number>;
}

async function setup(t: TestContext, brokers: string[]): Promise<Setup> {
  const log = new KafkaLog({ brokers, clientId: 'it-offset-reset', logger: silentLogger });
  const raw = new Kafka({ brokers, clientId: 'it-offset-reset-admin', logLevel: logLevel.NOTHING }).admin();
  await raw.connect();
  t.after(async () => {
    await raw.disconnect();
    await log.close();
  });
  const applicationId = uniqueName('it-offset-reset');
  const input = `${applicationId}-in`;
  const output = `${applicationId}-out`;
  await log.admin().createTopics([{ name: input, partitions: 1 }, { name: output, partitions: 1 }]);
  const stateDir = await mkdtemp(join(tmpdir(), `${applicationId}-`));
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'it-offset-reset-producer' });
  t.after(() => producer.close());
  return {
    brokers, log, input, output, applicationId, stateDir,
    async produce(from, until, chunk = 500) {
      const records = [];
      for (let i = from; i < until; i++) records.push({ topic: input, partition: 0, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`.padEnd(1_000, '.')), timestamp: 1_700_000_000_000 + i, headers: {} });
      for (let i = 0; i < records.length; i += chunk) await producer.send(records.slice(i, i + chunk));
    },
    async deleteUpTo(offset) {
      // kafkajs' admin finds the partition leader in metadata it loads only on request.
      await raw.fetchTopicMetadata({ topics: [input] });
      await raw.deleteTopicRecords({ topic: input, partitions: [{ partition: 0, offset: String(offset) }] });
    },
    async outputCount() {
      return log.admin().endOffset({ topic: output, partition: 0 });
    },
  };
}

/** Copies the input to the output; `slowMs` per record makes the consumer lag behind its fetches. */
function app(s: Setup, policy: AutoOffsetReset, lines: string[], options: { slowMs?: number; maxBytesPerPartition?: number } = {}) {
  const builder = new StreamsBuilder();
  const pause = new Int32Array(new SharedArrayBuffer(4));
  builder.stream(s.input, { keySerde: stringSerde, valueSerde: stringSerde }).pipe(
    peek(() => { if (options.slowMs) Atomics.wait(pause, 0, 0, options.slowMs); }, { name: 'slow' }),
    to(s.output, { keySerde: stringSerde, valueSerde: stringSerde }),
  );
  const logger = createLogger({ level: 'info', write: (line) => { lines.push(line); if (process.env.WEIR_TEST_LOG) console.error(line); } });
  const log = new KafkaLog({ brokers: s.brokers, clientId: `${s.applicationId}-app`, logger, maxBytesPerPartition: options.maxBytesPerPartition });
  return { streams: new StreamsApp(builder.build(), { applicationId: s.applicationId, stateDir: s.stateDir, autoOffsetReset: policy, commitIntervalMs: 100 }, log, { logger }), log };
}

/** Runs the copy until the input's first `n` records are committed, then closes it. */
async function consumeFirst(s: Setup, n: number): Promise<void> {
  const { streams, log } = app(s, 'earliest', []);
  await streams.start();
  await eventually(async () => ((await s.log.admin().committedOffsets(s.applicationId, s.input))[0]?.offset ?? 0) >= n, `${n} records committed`);
  await streams.close();
  await log.close();
}

function resetLines(lines: string[]) {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === 'offset reset: records of a source partition will never be read');
}

for (const policy of ['earliest', 'latest'] as const) {
  test(`auto.offset.reset=${policy}: records deleted before a restarted application read them are reported with partition, offsets and count`, async (t) => {
    const brokers = kafkaBrokers(t);
    if (!brokers) return;
    const s = await setup(t, brokers);
    await s.produce(0, 100);
    await consumeFirst(s, 100);
    await s.produce(100, 200);
    await s.deleteUpTo(150); // records 100..149 were never read

    const lines: string[] = [];
    const { streams, log } = app(s, policy, lines);
    t.after(() => log.close());
    await streams.start();
    await eventually(() => resetLines(lines).length > 0, 'the reset warning');
    const [warning] = resetLines(lines);
    const to = policy === 'earliest' ? 150 : 200;
    assert.deepEqual({ topic: warning.topic, partition: warning.partition, from: warning.from, to: warning.to, skipped: warning.skipped, policy: warning.policy },
      { topic: s.input, partition: 0, from: 100, to, skipped: to - 100, policy: `auto.offset.reset=${policy}` });
    // Reading goes on from there: what comes after the reset is copied.
    await s.produce(200, 210);
    await eventually(async () => (await s.outputCount()) === 100 + (210 - to), 'the records after the reset to be copied');
    assert.equal(streams.metrics().counters.get('offset-resets'), 1);
    assert.equal(streams.metrics().counters.get('records-skipped-by-offset-reset'), to - 100);
    await streams.close();
    assert.equal(await s.outputCount(), 100 + (210 - to));
  });
}

test('auto.offset.reset=none: the application fails with OFFSET_OUT_OF_RANGE and commits nothing past the gap', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const s = await setup(t, brokers);
  await s.produce(0, 100);
  await consumeFirst(s, 100);
  await s.produce(100, 200);
  await s.deleteUpTo(150);
  const { streams, log } = app(s, 'none', []);
  t.after(() => log.close());
  await streams.start();
  await eventually(() => streams.state === 'failed', 'the application to fail');
  const failure = (error: unknown) => isWeirError(error, 'OFFSET_OUT_OF_RANGE') && error.context.offset === 100 && error.context.low === 150;
  await assert.rejects(streams.waitUntilCaughtUp({ timeoutMs: 1_000 }), failure);
  // Closing a failed application reports its failure again.
  await assert.rejects(streams.close(), failure);
  assert.equal(await s.outputCount(), 100);
  assert.equal((await s.log.admin().committedOffsets(s.applicationId, s.input))[0]?.offset, 100);
});

test('records deleted while the application lags behind (kafkajs resets by itself) are reported: copied + skipped = produced', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const s = await setup(t, brokers);
  await s.produce(0, 2_000, 10);
  const lines: string[] = [];
  // About ten 1 kB records per fetch, 10 ms each: the application reads far behind the end.
  const { streams, log } = app(s, 'earliest', lines, { slowMs: 10, maxBytesPerPartition: 10_000 });
  t.after(() => log.close());
  await streams.start();
  await eventually(async () => (await s.outputCount()) >= 20, 'the copy to start');
  await s.deleteUpTo(1_500);
  await eventually(async () => ((await s.log.admin().committedOffsets(s.applicationId, s.input))[0]?.offset ?? 0) >= 2_000, 'the input to be consumed to its end', 300_000);
  const counted = streams.metrics().counters.get('records-skipped-by-offset-reset');
  await streams.close();
  const resets = resetLines(lines);
  assert.equal(resets.length, 1, JSON.stringify(resets));
  assert.equal(resets[0].to, 1_500);
  const skipped = resets[0].skipped as number;
  assert.equal(skipped, 1_500 - (resets[0].from as number));
  assert.equal(counted, skipped);
  assert.equal((await s.outputCount()) + skipped, 2_000, 'every record produced was either copied or reported as skipped');
});

test('a changelog that lost the checkpointed offset (compact,delete retention) is wiped and restored from what is left, with the reset reported', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const s = await setup(t, brokers);
  const changelog = `${s.applicationId}-counts-changelog`;
  // weir leaves an existing internal topic alone: this one has time retention as well, so delete-records works on it.
  const raw = new Kafka({ brokers, clientId: 'it-offset-reset-changelog', logLevel: logLevel.NOTHING }).admin();
  await raw.connect();
  t.after(() => raw.disconnect());
  await raw.createTopics({ topics: [{ topic: changelog, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact,delete' }] }] });
  const counting = (stateDir: string, lines: string[]) => {
    const builder = new StreamsBuilder();
    builder.stream(s.input, { keySerde: stringSerde, valueSerde: stringSerde }).pipe(
      groupByKey(),
      count({ store: Stores.keyValue('counts', { keySerde: stringSerde, valueSerde: jsonSerde<number>() }) }),
      toStream(),
      to(s.output, { keySerde: stringSerde, valueSerde: jsonSerde<number>() }),
    );
    const logger = createLogger({ level: 'info', write: (line) => lines.push(line) });
    const log = new KafkaLog({ brokers, clientId: `${s.applicationId}-app`, logger });
    t.after(() => log.close());
    return new StreamsApp(builder.build(), { applicationId: s.applicationId, stateDir, commitIntervalMs: 100 }, log, { logger });
  };
  const committed = async () => (await s.log.admin().committedOffsets(s.applicationId, s.input))[0]?.offset ?? 0;
  const dirA = await mkdtemp(join(tmpdir(), 'weir-changelog-a-'));
  const dirB = await mkdtemp(join(tmpdir(), 'weir-changelog-b-'));
  await s.produce(0, 100);
  const first = counting(dirA, []);
  await first.start();
  await eventually(async () => (await committed()) >= 100, 'A to commit 100');
  await first.close(); // checkpoint: the changelog's end now
  const checkpointed = await s.log.admin().endOffset({ topic: changelog, partition: 0 });
  await s.produce(100, 200);
  const second = counting(dirB, []);
  await second.start();
  await eventually(async () => (await committed()) >= 200, 'B to commit 200');
  await second.close();
  const end = await s.log.admin().endOffset({ topic: changelog, partition: 0 });
  await raw.fetchTopicMetadata({ topics: [changelog] });
  await raw.deleteTopicRecords({ topic: changelog, partitions: [{ partition: 0, offset: String(end) }] });

  const lines: string[] = [];
  const again = counting(dirA, lines);
  await again.start();
  await eventually(() => lines.some((l) => l.includes('"message":"task created"')), 'the task to be created');
  const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.message).startsWith('offset reset: the changelog no longer holds the checkpointed offset'));
  assert.ok(warning, 'the changelog reset is reported');
  assert.deepEqual({ topic: warning.topic, partition: warning.partition, from: warning.from, to: warning.to, skipped: warning.skipped },
    { topic: changelog, partition: 0, from: checkpointed, to: end, skipped: end - checkpointed });
  assert.equal(again.metrics().counters.get('offset-resets'), 1);
  assert.equal(again.metrics().counters.get('records-skipped-by-offset-reset'), end - checkpointed);
  await again.close();
});
