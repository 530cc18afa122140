/**
 * The quantile digest weir used until 2026-12 (issue 11), kept only as the reference that
 * `test/stats/quantile-digest.test.ts` and `bench/quantile-digest.bench.ts` compare the merging
 * digest of `stats/quantile-digest.ts` against; nothing in the product imports it.
 *
 * Streaming quantiles over the `tdigest` package (Dunning's t-digest). Chosen over DDSketch
 * (`@datadog/sketches-js`, 13x faster to add) because rank error is what rollups promise and
 * t-digest's is ~100x smaller at p50 on lognormal latencies (measured: 0.005% vs 0.49%), and
 * because `schemas/rollup.ts` stores t-digest centroids so coarser rollups merge digests.
 *
 * The package recompresses by re-inserting centroids in `Math.random` order; that would make
 * a replayed task emit different percentiles, so this wrapper turns automatic recompression off
 * and recompresses itself with a seeded shuffle.
 */
import { TDigest } from 'tdigest';
import { WeirError } from '../errors/weir-error';
import { SeededRandom } from '../stats/random';

export interface TreeQuantileDigestOptions {
  /** Max fraction of the mass one centroid may own (the package's `delta`); smaller is more accurate and bigger. Default 0.01. */
  readonly delta?: number;
  /** Recompress when there are more than `recompressFactor / delta` centroids (the package's `K`). Default 25. */
  readonly recompressFactor?: number;
}

const DEFAULT_DELTA = 0.01;
const DEFAULT_RECOMPRESS_FACTOR = 25;

/**
 * ```ts
 * const d = new TreeQuantileDigest();
 * for (const ms of durations) d.add(ms);
 * const p99 = d.quantile(0.99);
 * const hourly = TreeQuantileDigest.deserialize(rollup1m.digest); hourly.merge(other1m.digest);
 * ```
 */
export class TreeQuantileDigest {
  private readonly digest: TDigest;
  private readonly maxCentroids: number;
  private readonly delta: number;
  private readonly recompressFactor: number;
  private total = 0;

  constructor(options: TreeQuantileDigestOptions = {}) {
    this.delta = options.delta ?? DEFAULT_DELTA;
    this.recompressFactor = options.recompressFactor ?? DEFAULT_RECOMPRESS_FACTOR;
    if (!(this.delta > 0 && this.delta < 1)) {
      throw new WeirError('INVALID_CONFIG', 'quantile digest delta must be in (0, 1)', { option: 'delta', value: this.delta });
    }
    // K = 0 disables the package's own (randomly ordered) recompression; CX = 1.1 keeps its default cumulation cadence.
    this.digest = new TDigest(this.delta, 0, 1.1);
    this.maxCentroids = this.recompressFactor / this.delta;
  }

  /** Number of values added (sum of centroid weights). */
  get count(): number {
    return this.total;
  }

  get centroidCount(): number {
    return this.digest.size();
  }

  add(value: number, weight = 1): void {
    this.digest.push(value, weight);
    this.total += weight;
    if (this.digest.size() > this.maxCentroids) this.recompress();
  }

  /**
   * Merges another digest, or serialized centroids (`[mean, count, mean, count, ...]`, as the
   * `digest` field of a Rollup). Centroids are inserted in a seeded shuffled order because the
   * t-digest compresses worst when fed sorted input.
   */
  merge(other: TreeQuantileDigest | readonly number[]): void {
    const flat = other instanceof TreeQuantileDigest ? other.serialize() : other;
    if (flat.length % 2 !== 0) {
      throw new WeirError('PROCESSING_FAILED', 'serialized digest must hold [mean, count] pairs', { length: flat.length });
    }
    const pairs = flat.length / 2;
    const order = shuffledIndices(pairs, pairs);
    for (let k = 0; k < pairs; k++) {
      const i = order[k] * 2;
      const n = flat[i + 1];
      if (n > 0) {
        this.digest.push(flat[i], n);
        this.total += n;
      }
      if (this.digest.size() > this.maxCentroids) this.recompress();
    }
  }

  /** Value at quantile q in [0, 1]; NaN when nothing was added. */
  quantile(q: number): number {
    if (this.digest.size() === 0) return NaN;
    return this.digest.percentile(q);
  }

  /** Centroids as `[mean, count, ...]` ordered by mean: the Rollup `digest` field. */
  serialize(): number[] {
    const out: number[] = [];
    for (const c of this.digest.toArray()) out.push(c.mean, c.n);
    return out;
  }

  static deserialize(flat: readonly number[], options: TreeQuantileDigestOptions = {}): TreeQuantileDigest {
    const d = new TreeQuantileDigest(options);
    d.merge(flat);
    return d;
  }

  /** Re-inserts the centroids in a seeded shuffled order so that they merge (the package's `compress`, made reproducible). */
  private recompress(): void {
    const centroids = this.digest.toArray();
    const order = shuffledIndices(centroids.length, this.total);
    this.digest.reset();
    for (const i of order) this.digest.push(centroids[i].mean, centroids[i].n);
  }
}

/** Fisher-Yates over 0..n-1 seeded from the data itself, so the same input always gives the same digest. */
function shuffledIndices(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = new SeededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
