/**
 * State store throughput: puts/s, gets/s and a rollup-style window update (fetch + put) per
 * backend and cache setting, plus the time of one flush of 100k dirty keys (serialize, RocksDB
 * write batch, changelog records). All rows run in one process so they compare as ratios.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { jsonSerde } from '../serdes/json-serde';
import { stringSerde } from '../serdes/string-serde';
import type { KeyValueStore } from '../state/key-value-store';
import type { StateStore } from '../state/state-store';
import { Stores } from '../state/stores';
import type { WindowStore } from '../state/window-store';
import type { BenchResult } from './bench-result';

interface Aggregate {
  count: number;
  sum: number;
  max: number;
}

const OPS = 1_000_000;
const KEYS = 100_000;
/** Records per commit: the runtime flushes every store at each commit. */
const COMMIT_EVERY = 10_000;
const WINDOW_KEYS = 1_000;
const WINDOW_MS = 60_000;

const VARIANTS = [
  { label: 'in-memory', persistent: false, cache: false },
  { label: 'in-memory + cache', persistent: false, cache: true },
  { label: 'rocksdb', persistent: true, cache: false },
  { label: 'rocksdb + cache', persistent: true, cache: true },
] as const;
type Variant = (typeof VARIANTS)[number];

const keys = Array.from({ length: KEYS }, (_, i) => `service-${i % 40}/operation-${i % 7}/key-${i}`);
const windowKeys = keys.slice(0, WINDOW_KEYS);

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const root = await mkdtemp(path.join(os.tmpdir(), 'weir-state-bench-'));
  try {
    await putsAndGets(VARIANTS[3], path.join(root, 'warm-up'), 200_000); // JIT warm-up, not reported
    for (const variant of VARIANTS) {
      results.push(...(await putsAndGets(variant, path.join(root, `kv-${results.length}`), OPS)));
      results.push(await windowUpdates(variant, path.join(root, `w-${results.length}`)));
      results.push(...(await flush100k(variant, path.join(root, `f-${results.length}`))));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return results;
}

function keyValueStore(variant: Variant): KeyValueStore<string, Aggregate> {
  return Stores.keyValue<string, Aggregate>('bench-kv', { keySerde: stringSerde, valueSerde: jsonSerde<Aggregate>(), ...variant }).build();
}

async function putsAndGets(variant: Variant, stateDir: string, ops: number): Promise<BenchResult[]> {
  const store = keyValueStore(variant);
  await store.init({ taskId: '0_0', stateDir });
  let started = performance.now();
  for (let i = 0; i < ops; i++) {
    store.put(keys[i % KEYS], { count: i, sum: i * 2, max: i });
    if (i % COMMIT_EVERY === COMMIT_EVERY - 1) await store.flush();
  }
  await store.flush();
  const putMs = performance.now() - started;
  started = performance.now();
  let checksum = 0;
  // Stride through the key space so consecutive gets do not hit the same entries.
  for (let i = 0; i < ops; i++) checksum += store.get(keys[(i * 7919) % KEYS])!.count;
  const getMs = performance.now() - started;
  if (checksum <= 0) throw new Error('gets returned nothing');
  await closeStore(store);
  const data = `${ops.toLocaleString('en-US')} ops over ${KEYS.toLocaleString('en-US')} string keys, JSON {count,sum,max}`;
  return [
    { name: `kv put, ${variant.label}`, events: ops, elapsedMs: putMs, notes: `${data}, flush every ${COMMIT_EVERY} puts (included)` },
    { name: `kv get, ${variant.label}`, events: ops, elapsedMs: getMs, notes: `${data}, all hits` },
  ];
}

async function windowUpdates(variant: Variant, stateDir: string): Promise<BenchResult> {
  const store: WindowStore<string, Aggregate> = Stores.window<string, Aggregate>('bench-window', {
    keySerde: stringSerde,
    valueSerde: jsonSerde<Aggregate>(),
    retentionMs: 2 * WINDOW_MS,
    ...variant,
  }).build();
  await store.init({ taskId: '0_0', stateDir });
  // Event time advances 1 ms per record: 1M records span ~16 one-minute windows, so windows
  // open, are updated ~60 times per key, and expire, as in a rollup.
  const started = performance.now();
  for (let i = 0; i < OPS; i++) {
    const key = windowKeys[i % WINDOW_KEYS];
    const windowStart = i - (i % WINDOW_MS);
    const current = store.fetch(key, windowStart);
    store.put(key, windowStart, current === undefined ? { count: 1, sum: i, max: i } : { count: current.count + 1, sum: current.sum + i, max: i });
    if (i % COMMIT_EVERY === COMMIT_EVERY - 1) await store.flush();
  }
  await store.flush();
  const elapsedMs = performance.now() - started;
  await closeStore(store);
  return {
    name: `window fetch+put, ${variant.label}`,
    events: OPS,
    elapsedMs,
    notes: `${OPS.toLocaleString('en-US')} updates, ${WINDOW_KEYS} keys, 1-min windows, retention 2 min, flush every ${COMMIT_EVERY} (included)`,
  };
}

/** One flush of 100k dirty keys; for RocksDB also the init of a reopened store (loading 100k keys). */
async function flush100k(variant: Variant, stateDir: string): Promise<BenchResult[]> {
  const store = keyValueStore(variant);
  await store.init({ taskId: '0_0', stateDir });
  for (let i = 0; i < KEYS; i++) store.put(keys[i], { count: i, sum: i, max: i });
  let started = performance.now();
  const records = await store.flush();
  const flushMs = performance.now() - started;
  if (records.length !== KEYS) throw new Error(`flush returned ${records.length} records, expected ${KEYS}`);
  await closeStore(store);
  const results: BenchResult[] = [
    {
      name: `flush 100k dirty keys, ${variant.label}`,
      events: KEYS,
      elapsedMs: flushMs,
      notes: `one flush: ${variant.cache ? 'serialize, ' : ''}${variant.persistent ? 'RocksDB write batch, ' : ''}100k changelog records`,
    },
  ];
  if (variant.persistent) {
    const reopened = keyValueStore(variant);
    started = performance.now();
    await reopened.init({ taskId: '0_0', stateDir });
    const initMs = performance.now() - started;
    if (reopened.approximateNumEntries() !== KEYS) throw new Error(`reopened store has ${reopened.approximateNumEntries()} entries, expected ${KEYS}`);
    await closeStore(reopened);
    results.push({ name: `reopen (init) with 100k keys, ${variant.label}`, events: KEYS, elapsedMs: initMs, notes: 'open RocksDB and load every entry into memory' });
  }
  return results;
}

async function closeStore(store: StateStore): Promise<void> {
  await store.close();
}
