/**
 * The array work behind `QuantileDigest`: centroids are parallel `Float64Array`s of means and
 * weights, sorted by mean. Merging two sorted runs, compressing one run with the t-digest scale
 * function, and reading quantiles and ranks off a run are plain loops that allocate nothing.
 */

/** A sorted run of centroids: `means[i]`, `weights[i]` for i < `size`. */
export interface Centroids {
  readonly means: Float64Array;
  readonly weights: Float64Array;
  readonly size: number;
}

/**
 * Merges two runs sorted by mean into `outMeans`/`outWeights` (which must hold both) and returns
 * the merged size. `bWeights` null means every value of `b` has weight 1 (the insert buffer). On
 * equal means `a` goes first, so the result depends only on the two runs, never on timing.
 */
export function mergeSortedRuns(
  aMeans: Float64Array, aWeights: Float64Array, aSize: number,
  bMeans: Float64Array, bWeights: Float64Array | null, bSize: number,
  outMeans: Float64Array, outWeights: Float64Array,
): number {
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < aSize && j < bSize) {
    if (aMeans[i] <= bMeans[j]) {
      outMeans[k] = aMeans[i];
      outWeights[k++] = aWeights[i++];
    } else {
      outMeans[k] = bMeans[j];
      outWeights[k++] = bWeights === null ? 1 : bWeights[j];
      j++;
    }
  }
  while (i < aSize) {
    outMeans[k] = aMeans[i];
    outWeights[k++] = aWeights[i++];
  }
  while (j < bSize) {
    outMeans[k] = bMeans[j];
    outWeights[k++] = bWeights === null ? 1 : bWeights[j];
    j++;
  }
  return k;
}

/**
 * Compresses a sorted run in place (one greedy pass, as Dunning's MergingDigest) and returns the new
 * size. The scale function is k2, k(q) = compression / 4 * ln(q / (1 - q)): a centroid may span at
 * most one unit of k, so it may own about 4 q (1 - q) / compression of the mass. That is the bound
 * the old digest enforced (4 n delta q (1 - q) with delta = 1 / compression) and it shrinks towards
 * both tails, where p99 and p99.9 are read: the first and last ~compression / 4 values stay
 * singletons, so the extreme items are the exact min and max. `e` is exp(-4 / compression).
 */
export function compressRun(means: Float64Array, weights: Float64Array, size: number, total: number, e: number): number {
  if (size <= 1) return size;
  let out = 0;
  let mean = means[0];
  let weight = weights[0];
  let before = 0;
  // Largest cumulative weight the current centroid may reach: total * q1 where k(q1) = k(before / total) + 1.
  let limit = 0;
  for (let i = 1; i < size; i++) {
    const w = weights[i];
    if (before + weight + w <= limit) {
      weight += w;
      mean += ((means[i] - mean) * w) / weight;
    } else {
      means[out] = mean;
      weights[out++] = weight;
      before += weight;
      limit = (total * before) / (before + (total - before) * e);
      mean = means[i];
      weight = w;
    }
  }
  means[out] = mean;
  weights[out++] = weight;
  return out;
}

/**
 * Value at rank `index` in [0, total] of a run whose first and last means are its min and max.
 * Ranks are piecewise linear between anchors: a weight-1 centroid is exact over its whole rank
 * [start, start + 1), a heavier one is anchored at its middle rank, and the ends at min and max.
 */
export function valueAtRank(c: Centroids, total: number, index: number): number {
  const { means, weights, size } = c;
  let prevRank = 0;
  let prevValue = means[0];
  let start = 0;
  for (let i = 0; i < size; i++) {
    const w = weights[i];
    const m = means[i];
    if (w === 1) {
      if (index < start) return interpolate(prevRank, prevValue, start, m, index);
      if (index < start + 1) return m;
      prevRank = start + 1;
    } else {
      const middle = start + w / 2;
      if (index < middle) return interpolate(prevRank, prevValue, middle, m, index);
      prevRank = middle;
    }
    prevValue = m;
    start += w;
  }
  return interpolate(prevRank, prevValue, total, means[size - 1], index);
}

/** Estimated number of values <= x, the inverse of `valueAtRank` over the same anchors. */
export function rankOfValue(c: Centroids, total: number, x: number): number {
  const { means, weights, size } = c;
  if (x < means[0]) return 0;
  if (x >= means[size - 1]) return total;
  let prevRank = 0;
  let prevValue = means[0];
  let start = 0;
  for (let i = 0; i < size; i++) {
    const w = weights[i];
    const m = means[i];
    const rank = w === 1 ? start : start + w / 2;
    if (x < m) return m > prevValue ? prevRank + ((rank - prevRank) * (x - prevValue)) / (m - prevValue) : prevRank;
    prevRank = w === 1 ? start + 1 : rank;
    prevValue = m;
    start += w;
  }
  return total;
}

/**
 * `compressRun` mirrored: the greedy pass runs from the largest mean down. A pass in one direction
 * leaves each centroid a little heavy on the side it grew towards; alternating the direction, as
 * MergingDigest does, cancels that skew instead of letting it pile up into a bias at the median.
 */
export function compressRunDescending(means: Float64Array, weights: Float64Array, size: number, total: number, e: number): number {
  if (size <= 1) return size;
  let out = size - 1;
  let mean = means[size - 1];
  let weight = weights[size - 1];
  let after = 0;
  let limit = 0;
  for (let i = size - 2; i >= 0; i--) {
    const w = weights[i];
    if (after + weight + w <= limit) {
      weight += w;
      mean += ((means[i] - mean) * w) / weight;
    } else {
      means[out] = mean;
      weights[out--] = weight;
      after += weight;
      limit = (total * after) / (after + (total - after) * e);
      mean = means[i];
      weight = w;
    }
  }
  means[out] = mean;
  weights[out] = weight;
  means.copyWithin(0, out, size);
  weights.copyWithin(0, out, size);
  return size - out;
}

function interpolate(r0: number, v0: number, r1: number, v1: number, index: number): number {
  if (r1 <= r0) return v1;
  return v0 + ((v1 - v0) * (index - r0)) / (r1 - r0);
}
