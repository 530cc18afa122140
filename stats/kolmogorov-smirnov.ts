/**
 * Two-sample Kolmogorov-Smirnov test: the exact statistic D = sup |F1 - F2| over both samples
 * (ties handled: both empirical CDFs step past a tied value before they are compared), and its
 * two-sided p-value from
 * - `exact`: the probability over all C(n1+n2, n1) equally likely splits of the pooled sample that
 *   D is at least the observed value (lattice paths, as Hodges 1957 and scipy's `method='exact'`);
 * - `asymp`: the Kolmogorov limiting distribution Q(sqrt(en) * D), en = n1*n2/(n1+n2);
 * - `stephens`: Q((sqrt(en) + 0.12 + 0.11/sqrt(en)) * D), Stephens' (1970) small-sample correction,
 *   as scipy's ks_2samp before 1.3 and Numerical Recipes' kstwo;
 * - `auto` (default): exact while n1*n2 <= 1,000,000 (at most that many steps), else asymp.
 */
import { WeirError } from '../errors/weir-error';

export type KsMethod = 'auto' | 'exact' | 'asymp' | 'stephens';

export interface KsResult {
  readonly statistic: number;
  readonly pValue: number;
  /** The method actually used (`auto` resolves to one of the others). */
  readonly method: Exclude<KsMethod, 'auto'>;
}

const EXACT_MAX_PRODUCT = 1_000_000;

/**
 * ```ts
 * const { statistic, pValue } = ksTwoSample(reference, recent);
 * if (pValue < 0.01) flagDrift();
 * ```
 */
export function ksTwoSample(sample1: ArrayLike<number>, sample2: ArrayLike<number>, options: { method?: KsMethod } = {}): KsResult {
  const n1 = sample1.length;
  const n2 = sample2.length;
  if (n1 === 0 || n2 === 0) {
    throw new WeirError('PROCESSING_FAILED', 'Kolmogorov-Smirnov needs two non-empty samples', { n1, n2 });
  }
  const statistic = ksStatistic(sample1, sample2);
  const requested = options.method ?? 'auto';
  const method = requested === 'auto' ? (n1 * n2 <= EXACT_MAX_PRODUCT ? 'exact' : 'asymp') : requested;
  const en = (n1 * n2) / (n1 + n2);
  let pValue: number;
  if (method === 'exact') pValue = ksExactPValue(statistic, n1, n2);
  else if (method === 'asymp') pValue = kolmogorovSurvival(Math.sqrt(en) * statistic);
  else pValue = kolmogorovSurvival((Math.sqrt(en) + 0.12 + 0.11 / Math.sqrt(en)) * statistic);
  return { statistic, pValue: Math.min(1, Math.max(0, pValue)), method };
}

/** D = sup_x |F1(x) - F2(x)|, exact, in O(n log n). */
export function ksStatistic(sample1: ArrayLike<number>, sample2: ArrayLike<number>): number {
  const a = Float64Array.from(sample1).sort();
  const b = Float64Array.from(sample2).sort();
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const v = a[i] <= b[j] ? a[i] : b[j];
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
    const gap = Math.abs(i / n1 - j / n2);
    if (gap > d) d = gap;
  }
  // Once one sample is exhausted its CDF is 1; the other's only grows towards 1, so the gap shrinks.
  return d;
}

/**
 * P(D >= d) under H0 for sample sizes n1, n2: one minus the probability that a uniformly random
 * lattice path from (0,0) to (n1,n2) keeps |i/n1 - j/n2| < d at every point. The path is walked
 * as sampling without replacement, so the DP holds probabilities and never overflows.
 */
export function ksExactPValue(d: number, n1: number, n2: number): number {
  if (d <= 0) return 1;
  // d is a multiple of 1/lcm(n1, n2), so d*n1*n2 is an integer: compare integers, not floats.
  const bound = Math.round(d * n1 * n2);
  const inside = (i: number, j: number) => Math.abs(i * n2 - j * n1) < bound;
  let row = new Float64Array(n2 + 1);
  let next = new Float64Array(n2 + 1);
  row[0] = 1;
  for (let j = 1; j <= n2; j++) row[j] = inside(0, j) ? row[j - 1] * ((n2 - j + 1) / (n1 + n2 - (j - 1))) : 0;
  for (let i = 1; i <= n1; i++) {
    for (let j = 0; j <= n2; j++) {
      if (!inside(i, j)) {
        next[j] = 0;
        continue;
      }
      // Arrive from (i-1, j) by an n1-step or from (i, j-1) by an n2-step.
      const fromLeft = row[j] * ((n1 - i + 1) / (n1 + n2 - (i - 1) - j));
      const fromBelow = j > 0 ? next[j - 1] * ((n2 - j + 1) / (n1 + n2 - i - (j - 1))) : 0;
      next[j] = fromLeft + fromBelow;
    }
    const t = row;
    row = next;
    next = t;
  }
  return 1 - row[n2];
}

/**
 * Survival function of the Kolmogorov distribution, Q(x) = P(K > x) = 2 sum (-1)^(k-1) exp(-2 k^2 x^2).
 * Below x = 1 that alternating series converges slowly, so the CDF's theta-function form is used:
 * P(K <= x) = sqrt(2 pi)/x sum exp(-(2k-1)^2 pi^2 / (8 x^2)).
 */
export function kolmogorovSurvival(x: number): number {
  if (x <= 0) return 1;
  if (x < 1) {
    const f = (-Math.PI * Math.PI) / (8 * x * x);
    let sum = 0;
    for (let k = 1; k <= 50; k++) {
      const term = Math.exp((2 * k - 1) * (2 * k - 1) * f);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / x) * sum;
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return 2 * sum;
}
