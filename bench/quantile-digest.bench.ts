/**
 * Inserts/s, heap bytes allocated and GC of `QuantileDigest` (merging t-digest over typed arrays)
 * beside the old `tdigest`-package digest (`workloads/tree-quantile-digest.ts`), all in one process
 * so they compare as ratios: 1M values in random order (lognormal) and ascending, the rollup shape
 * (many small window digests), and 60 one-minute digests merged into an hour. Each case runs in
 * 3 rounds in which new and old take turns; a row is its median round. Values are generated before
 * timing. Allocation is read from V8's GC profiler: the heap growth between collections plus what
 * the collections freed (ArrayBuffer backing stores of typed arrays live outside the V8 heap and
 * are not in it; the digest's are a few per digest, reused).
 *
 *   npm run bench -- quantile-digest
 */
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { QuantileDigest } from '../stats/quantile-digest';
import { SeededRandom } from '../stats/random';
import { TreeQuantileDigest } from '../workloads/tree-quantile-digest';
import type { BenchResult } from './bench-result';

interface Digest {
  add(value: number): void;
  merge(other: readonly number[]): void;
  quantile(q: number): number;
  serialize(): number[];
}

const IMPLEMENTATIONS: readonly { label: string; create: () => Digest }[] = [
  { label: 'merging (new)', create: () => new QuantileDigest() },
  { label: 'tdigest tree (old)', create: () => new TreeQuantileDigest() },
];
const N = 1_000_000;
const ROUNDS = 3;
const WINDOWS = 20_000;
const PER_WINDOW = 50;

interface Measured {
  elapsedMs: number;
  allocatedMb: number;
  gcs: number;
  gcMs: number;
  note: string;
}

/** Runs `work` with the GC profiler on; allocation = sum of heap growth between collections. */
function measure(work: () => string): Measured {
  (globalThis as { gc?: () => void }).gc?.();
  const profiler = new GCProfiler();
  const usedBefore = getHeapStatistics().used_heap_size;
  profiler.start();
  const started = performance.now();
  const note = work();
  const elapsedMs = performance.now() - started;
  const usedAfter = getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  let allocated = 0;
  let previous = usedBefore;
  let gcMicros = 0;
  for (const gc of statistics) {
    allocated += gc.beforeGC.heapStatistics.usedHeapSize - previous;
    previous = gc.afterGC.heapStatistics.usedHeapSize;
    gcMicros += gc.cost;
  }
  allocated += usedAfter - previous;
  return { elapsedMs, allocatedMb: allocated / 2 ** 20, gcs: statistics.length, gcMs: gcMicros / 1000, note };
}

/** Serialized size as the Rollup `digest` field: Avro array of doubles, 8 bytes per number. */
function sizeNote(digest: Digest): string {
  const flat = digest.serialize();
  return `${(flat.length / 2).toLocaleString('en-US')} centroids, ${Math.round((flat.length * 8) / 1024)} KiB as Avro doubles`;
}

const random = new SeededRandom(20261204);
const lognormal = Float64Array.from({ length: N }, () => random.lognormal(3, 0.8));
const ascending = Float64Array.from(lognormal).sort();
const windows = Array.from({ length: WINDOWS }, () => Float64Array.from({ length: PER_WINDOW }, () => random.lognormal(3, 0.8)));
const minutes = Array.from({ length: 60 }, (_, m) => {
  const d = new QuantileDigest();
  for (let i = 0; i < 5_000; i++) d.add(random.lognormal(3 + 0.5 * Math.sin(m / 10), 0.6));
  return d.serialize();
});

const CASES: readonly { name: string; events: number; run: (create: () => Digest) => string }[] = [
  {
    name: '1M inserts, random order (lognormal)',
    events: N,
    run: (create) => {
      const d = create();
      for (let i = 0; i < N; i++) d.add(lognormal[i]);
      return sizeNote(d);
    },
  },
  {
    name: '1M inserts, ascending',
    events: N,
    run: (create) => {
      const d = create();
      for (let i = 0; i < N; i++) d.add(ascending[i]);
      return sizeNote(d);
    },
  },
  {
    name: `${WINDOWS.toLocaleString('en-US')} window digests x ${PER_WINDOW} inserts, p50/p95/p99 + serialize each`,
    events: WINDOWS * PER_WINDOW,
    run: (create) => {
      let pairs = 0;
      for (const values of windows) {
        const d = create();
        for (let i = 0; i < PER_WINDOW; i++) d.add(values[i]);
        d.quantile(0.5);
        d.quantile(0.95);
        d.quantile(0.99);
        pairs += d.serialize().length / 2;
      }
      return `${(pairs / WINDOWS).toFixed(1)} centroids per window`;
    },
  },
  {
    name: '60 one-minute digests (5,000 values each) merged into an hour, 100 times',
    events: 60 * 100,
    run: (create) => {
      let note = '';
      for (let r = 0; r < 100; r++) {
        const hour = create();
        for (const m of minutes) hour.merge(m);
        note = sizeNote(hour);
      }
      return `events = digests merged; hour: ${note}`;
    },
  },
];

export async function run(): Promise<BenchResult[]> {
  // Warm-up of both, not reported.
  for (const impl of IMPLEMENTATIONS) {
    const d = impl.create();
    for (let i = 0; i < 200_000; i++) d.add(lognormal[i]);
    d.quantile(0.5);
  }
  const results: BenchResult[] = [];
  for (const c of CASES) {
    const rounds = new Map<string, Measured[]>(IMPLEMENTATIONS.map((impl) => [impl.label, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const impl of IMPLEMENTATIONS) rounds.get(impl.label)!.push(measure(() => c.run(impl.create)));
    }
    for (const impl of IMPLEMENTATIONS) {
      const sorted = [...rounds.get(impl.label)!].sort((a, b) => a.elapsedMs - b.elapsedMs);
      const m = sorted[Math.floor(sorted.length / 2)];
      results.push({
        name: `${c.name}: ${impl.label}`,
        events: c.events,
        elapsedMs: m.elapsedMs,
        notes: `${m.allocatedMb.toFixed(1)} MB allocated, ${m.gcs} GCs (${m.gcMs.toFixed(0)} ms); ${m.note}; median of ${ROUNDS} rounds`,
      });
    }
  }
  return results;
}
