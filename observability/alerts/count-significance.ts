/**
 * How surprising a count is: the Poisson upper tail P(X >= k) for a mean lambda. A rate metric on a
 * quiet night (3 errors in 60 requests) can sit far outside its band while being well within what
 * chance gives at that traffic; the tail says so, and the error signal takes the smaller confidence.
 */
import { tailConfidence } from './anomaly-likelihood';

const LOG_FACTORIAL: number[] = [0];

function logFactorial(k: number): number {
  if (k < 1024) {
    for (let i = LOG_FACTORIAL.length; i <= k; i++) LOG_FACTORIAL.push(LOG_FACTORIAL[i - 1]! + Math.log(i));
    return LOG_FACTORIAL[k]!;
  }
  // Stirling's series; relative error below 1e-12 from k = 1024.
  return k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + 1 / (12 * k) - 1 / (360 * k ** 3);
}

/** P(X >= k) for X ~ Poisson(lambda), summed upward from k (accurate in the far tail, where 1 - CDF is not). */
export function poissonUpperTail(k: number, lambda: number): number {
  const n = Math.ceil(k);
  if (n <= 0) return 1;
  if (!(lambda > 0)) return 0;
  if (n <= lambda) {
    // Below the mean the tail is large: 1 - P(X <= n - 1) is accurate enough.
    let term = Math.exp(-lambda);
    let cdf = term;
    for (let x = 1; x < n; x++) { term *= lambda / x; cdf += term; }
    return Math.max(0, Math.min(1, 1 - cdf));
  }
  let term = Math.exp(-lambda + n * Math.log(lambda) - logFactorial(n));
  let sum = 0;
  for (let x = n; term > sum * 1e-15 && x < n + 100_000; x++) {
    sum += term;
    term *= lambda / (x + 1);
  }
  return Math.min(1, sum);
}

/** Log-scaled confidence that `count` events are more than chance at an expected `lambda`. */
export function countConfidence(count: number, lambda: number): number {
  return tailConfidence(poissonUpperTail(count, lambda));
}
