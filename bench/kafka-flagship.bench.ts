/**
 * The full flagship topology on a real broker with its stock limits (1 MiB `message.max.bytes`),
 * one replica, beside raw kafkajs consumption of the same topic in the same run, so they compare
 * as a ratio: generated JSON wide events (60 services x 8 operations, 2 hours of recent event
 * time), 6 partitions, produced before any clock starts; the flagship is timed from start until
 * every input offset is committed (group join and topic creation included), at_least_once and
 * exactly_once. Uses KAFKA_BROKERS, or starts scripts/kafka.sh (and stops it after) when unset.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KafkaLog } from '../runtime/kafka/kafka-log';
import { silentLogger } from '../runtime/logger';
import { produceFlagshipInput, runFlagshipUntilCommitted } from '../workloads/flagship-on-kafka';
import type { BenchResult } from './bench-result';

const EVENTS = Number(process.env.WEIR_BENCH_EVENTS ?? 200_000);
const PARTITIONS = 6;

export async function run(): Promise<BenchResult[]> {
  const { brokers, stop } = brokersOrStart();
  const log = new KafkaLog({ brokers, clientId: 'bench-kafka-flagship', logger: silentLogger });
  const root = await mkdtemp(join(tmpdir(), 'weir-kafka-flagship-bench-'));
  const results: BenchResult[] = [];
  try {
    const prefix = `bench-flagship-${randomBytes(4).toString('hex')}`;
    const input = await produceFlagshipInput(log, { prefix, events: EVENTS, partitions: PARTITIONS });
    const note = `${EVENTS} JSON wide events, 6 partitions, 1 replica, stock broker limits`;
    results.push(await rawConsumption(log, input.topics.events, EVENTS, note));
    for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
      const applicationId = `${prefix}-${guarantee === 'exactly_once' ? 'eos' : 'alos'}`;
      const appLog = new KafkaLog({ brokers, clientId: applicationId, logger: silentLogger });
      const { app, elapsedMs } = await runFlagshipUntilCommitted(log, appLog, input, { applicationId, stateDir: join(root, guarantee), guarantee, logger: silentLogger });
      const failed = app.state === 'failed';
      await app.close();
      await appLog.close();
      if (failed) throw new Error(`the flagship failed under ${guarantee}`);
      results.push({ name: `full flagship, ${guarantee}`, events: EVENTS, elapsedMs, notes: `${note}; start to last input offset committed` });
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
      for (const m of batch.messages) JSON.parse(m.value!.toString());
      seen += batch.messages.length;
      if (seen >= total) done();
    },
  });
  await finished;
  const elapsedMs = Date.now() - started;
  await consumer.disconnect();
  return { name: 'raw kafkajs consumption with JSON decode', events: total, elapsedMs, notes: `${note}; includes the group join` };
}

function brokersOrStart(): { brokers: string[]; stop: () => void } {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS.split(','), stop: () => {} };
  const script = join(__dirname, '..', 'scripts', 'kafka.sh');
  console.error('kafka-flagship bench: KAFKA_BROKERS is unset: starting a local broker with scripts/kafka.sh up');
  const line = execFileSync('bash', [script, 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const brokers = line.replace(/^KAFKA_BROKERS=/, '').split(',');
  return { brokers, stop: () => execFileSync('bash', [script, 'down'], { stdio: 'inherit' }) };
}
