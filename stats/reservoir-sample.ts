/**
 * Uniform fixed-size sample of a stream (Vitter's algorithm R) with a seeded random source, so a
 * replayed task keeps the same sample. Drift detection keeps the training reference this way.
 */
import { WeirError } from '../errors/weir-error';
import { SeededRandom } from './random';

export interface ReservoirSnapshot {
  readonly capacity: number;
  readonly seen: number;
  readonly values: number[];
  readonly randomState: number;
}

/**
 * ```ts
 * const reference = new ReservoirSample({ capacity: 500, seed: 7 });
 * reference.offer(p99);
 * ksTwoSample(reference.values(), recent);
 * ```
 */
export class ReservoirSample {
  readonly capacity: number;
  private seenCount: number;
  private readonly items: number[];
  private readonly random: SeededRandom;

  constructor(options: { capacity: number; seed: number }, restored?: ReservoirSnapshot) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new WeirError('INVALID_CONFIG', 'reservoir capacity must be a positive integer', { option: 'capacity', value: options.capacity });
    }
    this.capacity = options.capacity;
    this.seenCount = restored?.seen ?? 0;
    this.items = restored ? restored.values.slice() : [];
    this.random = new SeededRandom(restored?.randomState ?? options.seed);
  }

  /** Number of values offered so far. */
  get seen(): number {
    return this.seenCount;
  }

  get size(): number {
    return this.items.length;
  }

  offer(value: number): void {
    this.seenCount++;
    if (this.items.length < this.capacity) {
      this.items.push(value);
      return;
    }
    // Keep the new value with probability capacity / seen, replacing a uniformly chosen slot.
    const slot = this.random.nextInt(this.seenCount);
    if (slot < this.capacity) this.items[slot] = value;
  }

  values(): readonly number[] {
    return this.items;
  }

  clear(): void {
    this.items.length = 0;
    this.seenCount = 0;
  }

  snapshot(): ReservoirSnapshot {
    return { capacity: this.capacity, seen: this.seenCount, values: this.items.slice(), randomState: this.random.snapshot() };
  }

  static restore(snapshot: ReservoirSnapshot): ReservoirSample {
    return new ReservoirSample({ capacity: snapshot.capacity, seed: 0 }, snapshot);
  }
}
