/**
 * Issues 11 and 15 on the real broker: a record over the broker's limit goes to the dead-letter
 * topic with its size and reason while the rest is processed; a commit the broker refuses
 * mid-transaction (the output topic's `max.message.bytes` lowered under a running task) aborts,
 * fails the member loudly instead of retrying forever, and a restart gives exact results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes } from 'kafkajs';
import { KafkaLog } from '../../../runtime/kafka/kafka-log';
import { createLogger, silentLogger } from '../../../runtime/logger';

/** WEIR_IT_LOG=1 shows the apps' log lines (stderr). */
const appLogger = process.env.WEIR_IT_LOG ? createLogger({ level: 'info' }) : silentLogger;
import { StreamsApp } from '../../../runtime/streams-app';
import { deadLetterTopicName } from '../../../runtime/streams-config';
import { DLQ_HEADERS } from '../../../runtime/dead-letter';
import { singleRecordBatchBytes, DEFAULT_MAX_MESSAGE_BYTES } from '../../../runtime/record-size';
import type { ConsumedRecord, ProducedRecord } from '../../../runtime/log';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { mapValues } from '../../../operators/map-values';
import { to } from '../../../operators/to';
import { isWeirError } from '../../../errors/weir-error';
import rollupTopology from '../../../workloads/rollup-topology';
import { committedInput, produce, readResults, traffic } from '../../../workloads/replicas';
import { eventually, kafkaBrokers, uniqueName } from './kafka-broker';

const PARTITIONS = 3;

async function readAll(log: KafkaLog, topic: string, partitions: number, readCommitted: boolean): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  const reader = log.partitionReader({ readCommitted });
  for (let partition = 0; partition < partitions; partition++) {
    for await (const batch of reader.read({ topic, partition }, 0)) out.push(...batch);
  }
  await reader.close();
  return out;
}

interface Padded {
  readonly id: number;
  readonly pad: number;
}

/** Each input record becomes `{ id, blob }` with `pad` bytes of blob: one of them is larger than the broker takes. */
function padTopology(input: string, output: string) {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: stringSerde, valueSerde: jsonSerde<Padded>() })
    .pipe(mapValues((v: Padded) => ({ id: v.id, blob: 'x'.repeat(v.pad) }), { name: 'pad' }), to(output, { keySerde: stringSerde, valueSerde: jsonSerde<{ id: number; blob: string }>() }));
  return builder.build();
}

// maxRecordBytes (weir's own bound on key + value, 1 MB by default) is raised, so that the broker's limit is the one that binds:
// the stock 1 MiB under at_least_once, a topic's lower max.message.bytes under exactly_once.
const OVERSIZED = [
  { guarantee: 'at_least_once', topicLimit: undefined, big: 1_100_000 },
  { guarantee: 'exactly_once', topicLimit: 200_000, big: 250_000 },
] as const;

for (const { guarantee, topicLimit, big: BIG } of OVERSIZED) {
  test(`${guarantee}: a record over max.message.bytes (${topicLimit ?? 'broker default'}) goes to the dead-letter topic with its size and reason; the others are processed and every offset committed`, async (t) => {
    const brokers = kafkaBrokers(t);
    if (!brokers) return;
    const applicationId = uniqueName(`it-oversized-${guarantee === 'exactly_once' ? 'eos' : 'alos'}`);
    const input = `${applicationId}-in`;
    const output = `${applicationId}-out`;
    const log = new KafkaLog({ brokers, clientId: `${applicationId}-test`, logger: silentLogger });
    const appLog = new KafkaLog({ brokers, clientId: applicationId, logger: silentLogger });
    const stateDir = await mkdtemp(join(tmpdir(), 'weir-it-oversized-'));
    t.after(async () => {
      await appLog.close();
      await log.close();
      await rm(stateDir, { recursive: true, force: true });
    });
    const limit = topicLimit ?? DEFAULT_MAX_MESSAGE_BYTES;
    await log.admin().createTopics([{ name: input, partitions: PARTITIONS, config: { 'retention.ms': '-1' } }, { name: output, partitions: PARTITIONS, config: { 'retention.ms': '-1', ...(topicLimit ? { 'max.message.bytes': String(topicLimit) } : {}) } }]);
    const total = 3_000;
    const bigId = 1_234;
    const records: ProducedRecord[] = Array.from({ length: total }, (_, id) => ({
      topic: input,
      key: Buffer.from(`k-${id % 17}`),
      // Thousands of 2 KB outputs per partition: several requests per commit, too.
      value: Buffer.from(JSON.stringify({ id, pad: id === bigId ? BIG : 2_000 })),
      timestamp: Date.now(),
      headers: {},
    }));
    await produce(log, records);
    const app = new StreamsApp(padTopology(input, output), { applicationId, stateDir, processingGuarantee: guarantee, maxRecordBytes: 8_000_000 }, appLog, { logger: appLogger });
    await app.start();
    await eventually(async () => (await committedInput(log, applicationId, input)) === total || app.state === 'failed', 'every input offset to be committed');
    assert.equal(app.state, 'running');
    assert.equal(app.metrics().counters.get('dead-lettered'), 1);
    await app.close();

    const readCommitted = guarantee === 'exactly_once';
    const outputs = await readAll(log, output, PARTITIONS, readCommitted);
    const ids = outputs.map((r) => (JSON.parse(r.value!.toString()) as { id: number }).id);
    assert.equal(new Set(ids).size, total - 1);
    assert.ok(!ids.includes(bigId));
    if (guarantee === 'exactly_once') assert.equal(ids.length, total - 1);

    const dead = await readAll(log, deadLetterTopicName(applicationId), 1, readCommitted);
    assert.equal(dead.length, 1);
    const [letter] = dead;
    const header = (name: string) => letter.headers[name]?.toString();
    const inputRecord = records[bigId];
    const serialized = Buffer.from(JSON.stringify({ id: bigId, blob: 'x'.repeat(BIG) }));
    const expectedBytes = singleRecordBatchBytes({ key: inputRecord.key, value: serialized, headers: {} });
    assert.equal(header(DLQ_HEADERS.code), 'RECORD_TOO_LARGE');
    assert.equal(header(DLQ_HEADERS.bytes), String(expectedBytes));
    assert.match(header(DLQ_HEADERS.error)!, new RegExp(`record of ${expectedBytes} bytes \\(as a record batch\\) exceeds max.message.bytes=${limit} of its topic.*topic=${output}`));
    assert.equal(header(DLQ_HEADERS.topic), input);
    assert.equal(letter.key!.toString(), inputRecord.key!.toString());
    assert.equal(letter.value, null);
    // The dead letter names the input record it came from.
    const inputs = await readAll(log, input, PARTITIONS, false);
    const origin = inputs.find((r) => (JSON.parse(r.value!.toString()) as Padded).id === bigId)!;
    assert.equal(header(DLQ_HEADERS.partition), String(origin.partition));
    assert.equal(header(DLQ_HEADERS.offset), String(origin.offset));
  });
}

/** Alters a topic's `max.message.bytes` and waits until the broker answers with the new value (it applies config changes asynchronously). */
async function setMaxMessageBytes(log: KafkaLog, topic: string, value: number): Promise<void> {
  const admin = log.kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value: String(value) }] }] });
    await eventually(async () => {
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }] });
      return resources[0]?.configEntries[0]?.configValue === String(value);
    }, `max.message.bytes=${value} on ${topic}`);
  } finally {
    await admin.disconnect();
  }
}

test('exactly_once: a commit the broker refuses mid-transaction aborts and fails the member at once; a restart gives every window once with its exact count and every dead letter once', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const applicationId = uniqueName('it-refused-commit');
  const input = `${applicationId}-requests`;
  const output = `${applicationId}-rollups`;
  const log = new KafkaLog({ brokers, clientId: `${applicationId}-test`, logger: silentLogger });
  const stateDir = await mkdtemp(join(tmpdir(), 'weir-it-refused-'));
  const logs: KafkaLog[] = [];
  t.after(async () => {
    for (const l of logs) await l.close();
    await log.close();
    await rm(stateDir, { recursive: true, force: true });
  });
  await log.admin().createTopics([{ name: input, partitions: PARTITIONS, config: { 'retention.ms': '-1' } }, { name: output, partitions: PARTITIONS, config: { 'retention.ms': '-1' } }]);
  const data = traffic(input, 30_000, PARTITIONS);
  // Undecodable records among the second half: their dead letters must come out exactly once too.
  const half = Math.floor(data.records.length / 2);
  const garbage: ProducedRecord[] = Array.from({ length: 9 }, (_, i) => ({ topic: input, key: Buffer.from(`svc-${i}|op-0`), value: Buffer.from(`not json ${i}`), timestamp: data.records[half].timestamp, headers: {} }));
  process.env.WEIR_TEST_INPUT_TOPIC = input;
  process.env.WEIR_TEST_OUTPUT_TOPIC = output;
  const config = { applicationId, stateDir, processingGuarantee: 'exactly_once' as const };
  const start = () => {
    const appLog = new KafkaLog({ brokers, clientId: `${applicationId}-${logs.length}`, logger: appLogger });
    logs.push(appLog);
    return new StreamsApp(rollupTopology(), config, appLog, { logger: appLogger });
  };

  // First half processed and committed with the stock limit.
  await produce(log, data.records.slice(0, half));
  const first = start();
  await first.start();
  await eventually(async () => (await committedInput(log, applicationId, input)) === half, 'the first half to be committed');
  // The output topic now takes no batch of rollups (a few hundred bytes each), only the small control
  // batches of transaction markers (about 80 bytes; below them no transaction on it could end).
  // The running tasks still size their requests by the old limit.
  await setMaxMessageBytes(log, output, 200);
  await produce(log, [...garbage, ...data.records.slice(half)]);
  await eventually(() => first.state === 'failed', 'the member to fail on the refused commit');
  const failure = await first.waitUntilCaughtUp().then(() => undefined, (error: unknown) => error);
  assert.ok(isWeirError(failure, 'RECORD_TOO_LARGE'), `failed with ${String(failure)}`);
  assert.equal(failure.context.topic, output);
  assert.equal(failure.context.brokerError, 'MESSAGE_TOO_LARGE');
  assert.equal(typeof failure.context.partition, 'number');
  assert.ok(typeof failure.context.bytes === 'number' && failure.context.bytes > 200);
  await first.close();
  const committedAfterFailure = await committedInput(log, applicationId, input);
  assert.ok(committedAfterFailure < data.records.length + garbage.length, 'the refused commit did not commit its offsets');

  // Back to the stock limit; a new member restores the failed tasks from their changelogs and goes on.
  await setMaxMessageBytes(log, output, DEFAULT_MAX_MESSAGE_BYTES);
  const second = start();
  await second.start();
  const totalInput = data.records.length + garbage.length;
  await eventually(async () => (await committedInput(log, applicationId, input)) === totalInput, 'every input offset to be committed after the restart', 240_000);
  let results: Awaited<ReturnType<typeof readResults>> = [];
  // On a timeout the assertions below say which windows are missing.
  await eventually(async () => {
    results = await readResults(log, output, PARTITIONS, true);
    return results.length >= data.expected.size;
  }, 'every window to be emitted').catch((error: unknown) => t.diagnostic(String(error)));
  await second.close();

  const seen = new Map<string, number>();
  const wrong: string[] = [];
  for (const r of results) {
    seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
    if (data.expected.get(r.id) !== r.count) wrong.push(`${r.id}: ${r.count} (expected ${data.expected.get(r.id)})`);
  }
  const duplicated = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  const missing = [...data.expected.keys()].filter((id) => !seen.has(id));
  t.diagnostic(`${results.length} windows: ${missing.length} missing, ${duplicated.length} duplicated, ${wrong.length} wrong; first missing: ${missing.slice(0, 5).join(' ')}`);
  assert.deepEqual({ missing, duplicated, wrong }, { missing: [], duplicated: [], wrong: [] });
  const dead = await readAll(log, deadLetterTopicName(applicationId), 1, true);
  assert.deepEqual(dead.map((r) => r.value?.toString() ?? `(${r.headers[DLQ_HEADERS.code]?.toString()})`).sort(), garbage.map((g) => g.value!.toString()).sort());
});
