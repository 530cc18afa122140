/**
 * Harness of the replica tests: input traffic with its exact expected rollup counts, replicas
 * started as separate OS processes with `weir run`, and the final results read back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { KafkaLog } from '../runtime/kafka/kafka-log';
import type { ProcessingGuarantee, ProducedRecord } from '../runtime/log';
import { partitionForKey } from '../runtime/embedded/partitioner';
import type { Request } from './rollup-topology';

const ROOT = resolve(__dirname, '..');
export const MINUTE = 60_000;
/** A minute boundary, so that window starts are round numbers. */
export const T0 = 1_700_000_040_000;

export interface Traffic {
  readonly records: ProducedRecord[];
  /** `key@windowStart` -> number of events. */
  readonly expected: Map<string, number>;
  readonly events: number;
}

/**
 * `events` requests over `minutes` minutes for 60 service|operation keys, in time order, then one
 * sentinel per partition an hour later: it moves every task's stream time past the last window so
 * that every window closes; its own window never does, so it is in no final result.
 */
export function traffic(topic: string, events: number, partitions: number, minutes = 20): Traffic {
  const keys = Array.from({ length: 60 }, (_, k) => `svc-${k % 12}|op-${Math.floor(k / 12)}`);
  const records: ProducedRecord[] = [];
  const expected = new Map<string, number>();
  for (let i = 0; i < events; i++) {
    const key = keys[(i * 7919) % keys.length];
    const ts = T0 + Math.floor((i * minutes * MINUTE) / events);
    const value: Request = { ms: 1 + ((i * 104729) % 997), status: i % 50 === 0 ? 503 : 200, ts };
    records.push({ topic, key: Buffer.from(key), value: Buffer.from(JSON.stringify(value)), timestamp: ts, headers: {} });
    const id = `${key}@${Math.floor((ts - T0) / MINUTE) * MINUTE + T0}`;
    expected.set(id, (expected.get(id) ?? 0) + 1);
  }
  const later = T0 + (minutes + 60) * MINUTE;
  for (let p = 0; p < partitions; p++) {
    let n = 0;
    while (partitionForKey(Buffer.from(`sentinel-${n}`), partitions) !== p) n++;
    const value: Request = { ms: 1, status: 200, ts: later };
    records.push({ topic, key: Buffer.from(`sentinel-${n}`), value: Buffer.from(JSON.stringify(value)), timestamp: later, headers: {} });
  }
  return { records, expected, events };
}

export async function produce(log: KafkaLog, records: readonly ProducedRecord[], chunk = 20_000): Promise<void> {
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'it-traffic' });
  for (let i = 0; i < records.length; i += chunk) await producer.send(records.slice(i, i + chunk));
  await producer.close();
}

export interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly logFile: string;
}

export interface ReplicaOptions {
  readonly name: string;
  readonly applicationId: string;
  readonly brokers: string[];
  readonly guarantee: ProcessingGuarantee;
  readonly input: string;
  readonly output: string;
  readonly logDir: string;
  /** More `weir run` arguments (`--metrics-port N`). */
  readonly args?: readonly string[];
}

/** `weir run` in its own process, with its own state dir; its log lines go to `<logDir>/<name>.log`. */
export async function startReplica(options: ReplicaOptions): Promise<Replica> {
  const stateDir = await mkdtemp(join(tmpdir(), `weir-${options.name}-`));
  const logFile = join(options.logDir, `${options.name}.log`);
  const child = spawn(
    process.execPath,
    [
      '--import', 'tsx',
      join(ROOT, 'cli', 'weir-source.ts'),
      'run',
      join(__dirname, 'rollup-topology.ts'),
      '--brokers', options.brokers.join(','),
      '--application-id', options.applicationId,
      '--state-dir', stateDir,
      '--guarantee', options.guarantee,
      ...(options.args ?? []),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, WEIR_TEST_INPUT_TOPIC: options.input, WEIR_TEST_OUTPUT_TOPIC: options.output, WEIR_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const out = createWriteStream(logFile);
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { name: options.name, child, exited, logFile };
}

export interface FinalResult {
  readonly id: string;
  readonly count: number;
}

/** Every record of the output topic (read_committed under exactly_once), as `key@windowStart` and count. */
export async function readResults(log: KafkaLog, topic: string, partitions: number, readCommitted: boolean): Promise<FinalResult[]> {
  const out: FinalResult[] = [];
  const reader = log.partitionReader({ readCommitted });
  for (let partition = 0; partition < partitions; partition++) {
    for await (const batch of reader.read({ topic, partition }, 0)) {
      for (const r of batch) {
        const key = JSON.parse(r.key!.toString()) as { key: string; start: number };
        const value = JSON.parse(r.value!.toString()) as { count: number };
        out.push({ id: `${key.key}@${key.start}`, count: value.count });
      }
    }
  }
  await reader.close();
  return out;
}

/** Sum of the counts in the committed consumer offsets of the application: how far the input is processed. */
export async function committedInput(log: KafkaLog, applicationId: string, topic: string): Promise<number> {
  const offsets = await log.admin().committedOffsets(applicationId, topic);
  return offsets.reduce((sum, o) => sum + o.offset, 0);
}
