/**
 * weir on a real broker, all rows in one process and one run so they compare as ratios:
 * - raw kafkajs consumption of the input topic with no processing (the ceiling of any kafkajs app);
 * - the rollup topology (1-minute windows per key, t-digest percentiles, RocksDB store with a
 *   changelog) on one replica, at_least_once and exactly_once, timed from start until every input
 *   offset is committed;
 * - restoration: a new replica with an empty state dir restores the rollup store from its
 *   changelog (the store's cache keeps that changelog small), and the read path restoration uses
 *   (`PartitionReader`, read_committed) over the 300k-record input, for records/s at volume.
 * The input (JSON requests, 60 keys, 20 minutes of event time, 6 partitions) is produced before
 * any clock starts. Uses KAFKA_BROKERS, or starts scripts/kafka.sh (and stops it after) when unset.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KafkaLog } from '../runtime/kafka/kafka-log';
import { StreamsApp } from '../runtime/streams-app';
import { createLogger, silentLogger, type Logger } from '../runtime/logger';
import type { ProcessingGuarantee } from '../runtime/log';
import rollupTopology from '../workloads/rollup-topology';
import { committedInput, produce, traffic } from '../workloads/replicas';
import type { BenchResult } from './bench-result';

const EVENTS = Number(process.env.WEIR_BENCH_EVENTS ?? 300_000);
const PARTITIONS = 6;

export async function run(): Promise<BenchResult[]> {
  const { brokers, stop } = brokersOrStart();
  const log = new KafkaLog({ brokers, clientId: 'bench-kafka', logger: silentLogger });
  const results: BenchResult[] = [];
  const root = await mkdtemp(join(tmpdir(), 'weir-kafka-bench-'));
  try {
    const input = `bench-requests-${randomBytes(4).toString('hex')}`;
    await log.admin().createTopics([{ name: input, partitions: PARTITIONS, config: { 'retention.ms': '-1' } }]);
    const data = traffic(input, EVENTS, PARTITIONS);
    await produce(log, data.records);
    const total = data.records.length;
    const note = `${EVENTS} JSON events, 6 partitions, 1 replica`;

    results.push(await rawConsumption(log, input, total, note));
    results.push(await readerThroughput(log, input, total));
    for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
      const { result, applicationId } = await rollup(log, brokers, input, total, guarantee, join(root, guarantee), note);
      results.push(result);
      if (guarantee === 'at_least_once') results.push(await restoration(brokers, input, applicationId, join(root, 'restore')));
    }
  } finally {
    await log.close();
    await rm(root, { recursive: true, force: true });
    stop();
  }
  return results;
}

async function rawConsumption(log: KafkaLog, topic: string, total: number, note: string): Promise<BenchResult> {
  const consumer = log.kafka.consumer({ groupId: `${topic}-raw`, maxBytesPerPartition: 1_048_576 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => { done = resolve; });
  const started = Date.now();
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch }) => {
      seen += batch.messages.length;
      if (seen >= total) done();
    },
  });
  await finished;
  const elapsedMs = Date.now() - started;
  await consumer.disconnect();
  return { name: 'raw kafkajs consumption (eachBatch, no processing)', events: total, elapsedMs, notes: `${note}; includes the group join` };
}

async function rollup(
  log: KafkaLog,
  brokers: string[],
  input: string,
  total: number,
  guarantee: ProcessingGuarantee,
  stateDir: string,
  note: string,
): Promise<{ result: BenchResult; applicationId: string }> {
  const applicationId = `${input}-rollup-${guarantee === 'exactly_once' ? 'eos' : 'alos'}`;
  process.env.WEIR_TEST_INPUT_TOPIC = input;
  process.env.WEIR_TEST_OUTPUT_TOPIC = `${applicationId}-out`;
  const appLog = new KafkaLog({ brokers, clientId: applicationId, logger: silentLogger });
  const app = new StreamsApp(rollupTopology(), { applicationId, stateDir, processingGuarantee: guarantee }, appLog, { logger: silentLogger });
  const started = Date.now();
  await app.start();
  while ((await committedInput(log, applicationId, input)) < total) await new Promise((r) => setTimeout(r, 100));
  const elapsedMs = Date.now() - started;
  await app.close();
  await appLog.close();
  return { applicationId, result: { name: `rollup topology, ${guarantee}`, events: total, elapsedMs, notes: `${note}; start to last offset committed` } };
}

/** A fresh replica of the at_least_once app restores every task's rollup store from the changelog. */
async function restoration(brokers: string[], input: string, applicationId: string, stateDir: string): Promise<BenchResult> {
  const restored: Array<{ records: number }> = [];
  const capture: Logger = createLogger({
    level: 'info',
    write: (line) => {
      const entry = JSON.parse(line) as { message: string; records?: number };
      if (entry.message === 'store restored') restored.push({ records: entry.records ?? 0 });
    },
  });
  process.env.WEIR_TEST_INPUT_TOPIC = input;
  process.env.WEIR_TEST_OUTPUT_TOPIC = `${applicationId}-out`;
  const appLog = new KafkaLog({ brokers, clientId: `${applicationId}-restore`, logger: silentLogger });
  const app = new StreamsApp(rollupTopology(), { applicationId, stateDir }, appLog, { logger: capture });
  const started = Date.now();
  await app.start();
  while (restored.length < PARTITIONS) await new Promise((r) => setTimeout(r, 20));
  const elapsedMs = Date.now() - started;
  await app.close();
  await appLog.close();
  const records = restored.reduce((sum, r) => sum + r.records, 0);
  return { name: 'restoration of the rollup store from its changelog', events: records, elapsedMs, notes: `${records} changelog records over 6 tasks; includes the group join and one reader group per task` };
}

/** What restoration reads at: every partition of the input through the PartitionReader, one after another. */
async function readerThroughput(log: KafkaLog, topic: string, total: number): Promise<BenchResult> {
  const reader = log.partitionReader({ readCommitted: true });
  const started = Date.now();
  let records = 0;
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for await (const batch of reader.read({ topic, partition }, 0)) records += batch.length;
  }
  const elapsedMs = Date.now() - started;
  await reader.close();
  if (records !== total) throw new Error(`partition reader read ${records} records, expected ${total}`);
  return { name: 'restoration read path: PartitionReader, read_committed', events: records, elapsedMs, notes: '6 partitions read one after another; one reader group join per partition included' };
}

function brokersOrStart(): { brokers: string[]; stop: () => void } {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS.split(','), stop: () => {} };
  const script = join(__dirname, '..', 'scripts', 'kafka.sh');
  console.error('kafka bench: KAFKA_BROKERS is unset: starting a local broker with scripts/kafka.sh up');
  const line = execFileSync('bash', [script, 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const brokers = line.replace(/^KAFKA_BROKERS=/, '').split(',');
  return { brokers, stop: () => execFileSync('bash', [script, 'down'], { stdio: 'inherit' }) };
}
