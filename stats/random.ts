/**
 * A small seeded pseudo-random source (mulberry32) so that sampling decisions, reservoir contents
 * and synthetic test series are reproducible: a replayed task must make the same choices.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, bound). */
  nextInt(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** Standard normal (Box-Muller; the second variate is dropped to keep the state a single number). */
  normal(mean = 0, sd = 1): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Lognormal with the given parameters of the underlying normal. */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** The state, to checkpoint a sampler in a store and resume it identically. */
  snapshot(): number {
    return this.state;
  }
}
