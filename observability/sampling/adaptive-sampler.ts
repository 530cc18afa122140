/**
 * Adaptive sampling of raw events for ingestion spikes. Per (service, status class) and per
 * interval of event time, events up to the budget are kept; past it, each event is kept with
 * probability p = budget / (events seen so far in the interval, this one included), and a kept
 * event carries `sample_weight = 1/p`. Because p is fixed by the events before this one, the
 * Horvitz-Thompson sum of weights is an unbiased count. Errors and slow requests are always kept
 * with weight 1: they are what an investigation reads.
 */
import { WeirError } from '../../errors/weir-error';
import { SeededRandom } from '../../stats/random';
import type { WideEvent } from '../../schemas/wide-event';

export interface AdaptiveSamplerOptions {
  /** Events per interval kept unsampled per (service, status class). */
  readonly budget: number;
  /** Length of a budget interval in event time. Default 1000 ms. */
  readonly intervalMs?: number;
  /** Status codes at or above this are errors, always kept. Default 500. */
  readonly errorStatus?: number;
  /** Durations at or above this are slow, always kept. Default 1000 ms. */
  readonly slowMs?: number;
  /** Seed of the sampling decisions. Default 1. */
  readonly seed?: number;
}

interface Bucket {
  interval: number;
  seen: number;
}

export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

export class AdaptiveSampler {
  private readonly buckets = new Map<string, Bucket>();
  private readonly random: SeededRandom;
  private readonly intervalMs: number;
  private readonly errorStatus: number;
  private readonly slowMs: number;

  constructor(private readonly options: AdaptiveSamplerOptions) {
    if (!(options.budget >= 1)) throw new WeirError('INVALID_CONFIG', 'sampling budget must be at least 1 event per interval', { option: 'budget', value: options.budget });
    this.intervalMs = options.intervalMs ?? 1000;
    this.errorStatus = options.errorStatus ?? 500;
    this.slowMs = options.slowMs ?? 1000;
    this.random = new SeededRandom(options.seed ?? 1);
  }

  /** Weight of the kept event (1 when unsampled), or 0 when it is dropped. */
  weigh(event: WideEvent): number {
    if (event.status_code >= this.errorStatus || event.duration_ms >= this.slowMs) return 1;
    const key = `${event.service}|${statusClass(event.status_code)}`;
    const interval = Math.floor(event.timestamp / this.intervalMs);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { interval, seen: 0 }));
    // Out-of-order events of an older interval are counted in the current one: the probability stays fixed by the past.
    if (interval > bucket.interval) {
      bucket.interval = interval;
      bucket.seen = 0;
    }
    bucket.seen++;
    if (bucket.seen <= this.options.budget) return 1;
    const p = this.options.budget / bucket.seen;
    return this.random.next() < p ? 1 / p : 0;
  }

  /** Keys currently tracked (one per active (service, status class)). */
  get trackedKeys(): number {
    return this.buckets.size;
  }
}
