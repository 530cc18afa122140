/**
 * Seeded pseudo-random numbers for the traffic generator: the same seed gives the same traffic on
 * every machine. sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, PractRand-clean) seeded
 * through splitmix32, so nearby seeds give unrelated streams.
 */

/** splitmix32 step: a well-mixed 32-bit value from any 32-bit state. */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** A stateless value in [0, 1) from (seed, a, b): per-day and per-minute noise that does not depend on draw order. */
export function hashUnit(seed: number, a: number, b = 0): number {
  return mix32(mix32(mix32(seed) ^ (a | 0)) ^ Math.imul(b | 0, 0x85ebca6b)) / 4294967296;
}

/** Turns a string or number seed into a 32-bit integer. */
export function seedOf(seed: number | string): number {
  if (typeof seed === 'number') return mix32((seed | 0) ^ (Math.floor(seed / 4294967296) | 0));
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** Two hex digits per byte: ids are built from table lookups, not number-to-string conversions. */
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Second normal deviate from the last Box-Muller pair. */
  private spareNormal: number | undefined;

  constructor(seed: number | string) {
    const s = seedOf(seed);
    this.a = mix32(s);
    this.b = mix32(s + 1);
    this.c = mix32(s + 2);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A derived generator whose stream does not overlap this one's in practice. */
  fork(label: string): SeededRandom {
    return new SeededRandom(`${this.nextUint32()}:${label}`);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Standard normal (Box-Muller, both deviates used). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return z;
    }
    let u = this.next();
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** exp(N(mu, sigma^2)): its median is e^mu. */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** Exponential with the given rate (mean 1 / rate). */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }

  /** Index drawn with probability proportional to `cumulative[i] - cumulative[i - 1]` (cumulative weights, ascending). */
  weighted(cumulative: readonly number[]): number {
    const x = this.next() * cumulative[cumulative.length - 1];
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** `chars` lowercase hex digits (multiple of 8). */
  hex(chars: number): string {
    let s = '';
    for (let i = 0; i < chars; i += 8) {
      const x = this.nextUint32();
      s += BYTE_HEX[x >>> 24] + BYTE_HEX[(x >>> 16) & 255] + BYTE_HEX[(x >>> 8) & 255] + BYTE_HEX[x & 255];
    }
    return s;
  }
}
