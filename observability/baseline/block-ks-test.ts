/**
 * Two-sample KS between a reference made of blocks of consecutive windows and the recent block,
 * with a p-value that holds for autocorrelated series. A baseline's actual-to-forecast ratios are
 * correlated from one window to the next (a forecast made several windows earlier is off for
 * several windows alike, and the error repeats with the season slot), so a block of 12 windows
 * carries far fewer than 12 independent values and the plain KS p-value is much too small.
 *
 * Each reference block is itself a draw of the recent block under the null hypothesis: its
 * statistic against the rest of the reference (leave one block out) shows how large D is on this
 * series without drift. Their root mean square divided by that of independent samples of the same
 * sizes (exact, from the lattice-path distribution; the square weighs the tail the test decides
 * on) is the inflation `s` of D by the series' dependence,
 * floored at 1 (never more lenient than independence); the p-value is that of an independent pair
 * of samples at D / s. For a stationary mixing series the empirical process is a Gaussian process
 * whose covariance is scaled by the long-run variance, so D scales as a whole: one factor, as
 * with an effective sample size.
 */
import { WeirError } from '../../errors/weir-error';
import { P_VALUE_FLOOR, kolmogorovSurvival, ksExactPValue, ksStatistic } from '../../stats/kolmogorov-smirnov';

export interface BlockKsResult {
  /** D between the pooled reference and the recent block. */
  readonly statistic: number;
  /** P(D >= statistic) under no drift, the series' dependence accounted for; never 0. */
  readonly pValue: number;
  readonly pValueIsUpperBound: boolean;
  /** How much the dependence inflates D on this series (>= 1): RMS leave-one-block-out D over its RMS for independent samples. */
  readonly inflation: number;
}

const EXACT_MAX_PRODUCT = 1_000_000;

/**
 * ```ts
 * const { pValue, inflation } = blockKsTest(referenceBlocks, recentFeatures);
 * ```
 */
export function blockKsTest(blocks: readonly (readonly number[])[], recent: readonly number[]): BlockKsResult {
  if (blocks.length < 2 || recent.length === 0) throw new WeirError('PROCESSING_FAILED', 'block KS needs two reference blocks and a non-empty recent block', { blocks: blocks.length, recent: recent.length });
  const pooled = Float64Array.from(blocks.flat()).sort();
  const statistic = ksStatistic(pooled, recent);
  const n = pooled.length;
  let sum = 0;
  let expected = 0;
  for (const block of blocks) {
    // The rest's CDF is (n F_pooled - m F_block) / (n - m), so F_rest - F_block = n / (n - m) (F_pooled - F_block).
    const m = block.length;
    const d = (n / (n - m)) * supDistance(pooled, block);
    sum += d * d;
    expected += expectedSquaredKsStatistic(n - m, m);
  }
  const inflation = Math.max(1, Math.sqrt(sum / expected));
  const p = ksSurvival(statistic / inflation, pooled.length, recent.length);
  const pValueIsUpperBound = !(p >= P_VALUE_FLOOR);
  return { statistic, pValue: pValueIsUpperBound ? P_VALUE_FLOOR : Math.min(1, p), pValueIsUpperBound, inflation };
}

/** sup |F_sorted - F_block| where `block` is a subset of the sorted sample: checked on both sides of each of its values. */
function supDistance(sorted: Float64Array, block: readonly number[]): number {
  const n = sorted.length;
  const b = [...block].sort((x, y) => x - y);
  const m = b.length;
  let d = 0;
  for (let j = 0; j < m; j++) {
    const v = b[j]!;
    if (j > 0 && b[j - 1] === v) continue;
    let last = j;
    while (last + 1 < m && b[last + 1] === v) last++;
    // Just below v: F_block = j / m, F_sorted = share below v; at v: (last + 1) / m and share at or below v.
    d = Math.max(d, Math.abs(lowerBound(sorted, v) / n - j / m), Math.abs(upperBound(sorted, v) / n - (last + 1) / m));
  }
  return d;
}

function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const expectations = new Map<string, [number, number]>();

/**
 * E[D] for independent continuous samples of sizes n1, n2: D lives on multiples of 1/lcm(n1, n2),
 * so E[D] = sum over k of P(D >= k / lcm) / lcm, each term exact. Memoized: a drift report asks for
 * the same few sizes every time.
 */
export function expectedKsStatistic(n1: number, n2: number): number {
  return moments(n1, n2)[0];
}

/** E[D^2] likewise: sum over k of P(D >= k / lcm) ((k / lcm)^2 - ((k - 1) / lcm)^2). */
export function expectedSquaredKsStatistic(n1: number, n2: number): number {
  return moments(n1, n2)[1];
}

function moments(n1: number, n2: number): [number, number] {
  const key = `${n1}/${n2}`;
  const known = expectations.get(key);
  if (known !== undefined) return known;
  const lcm = (n1 / gcd(n1, n2)) * n2;
  let e1 = 0;
  let e2 = 0;
  // Evaluated between lattice points, so rounding cannot move a value across one.
  for (let k = 1; k <= lcm; k++) {
    const p = ksSurvival((k - 0.5) / lcm, n1, n2);
    e1 += p;
    e2 += p * (2 * k - 1);
    if (p < 1e-15) break;
  }
  const result: [number, number] = [e1 / lcm, e2 / (lcm * lcm)];
  expectations.set(key, result);
  return result;
}

function ksSurvival(d: number, n1: number, n2: number): number {
  if (d <= 0) return 1;
  if (n1 * n2 <= EXACT_MAX_PRODUCT) return ksExactPValue(d, n1, n2);
  return kolmogorovSurvival(Math.sqrt((n1 * n2) / (n1 + n2)) * d);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
