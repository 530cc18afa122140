/**
 * Adaptive sampling of raw events for ingestion spikes. Per (service, status class) and per
 * interval of event time, events up to the budget are kept; past it, each event is kept with
 * probability p = budget / (events seen so far in the interval, this one included), and a kept
 * event carries `sample_weight = 1/p`. Because p is fixed by the events before this one, the
 * Horvitz-Thompson sum of weights is an unbiased count. Errors and slow requests are always kept
 * with weight 1: they are what an investigation reads.
 *
 * The keep decision of an event with a user is coordinated by user: it is kept when a hash of
 * (seed, user, coordination period) in [0, 1) is below p, so each event is still kept with
 * probability p, and a user whose events are dropped has all of them dropped in the period. That is
 * what makes distinct users countable from the sample: a user is seen exactly when the hash is
 * below the largest p among their events, and that event is then kept, so 1 / (smallest weight
 * seen for the user) is the user's inclusion probability (Horvitz-Thompson over users, see
 * `observability/alerts/user-impact.ts`). Events without a user draw from the seeded random.
 */
import { WeirError } from '../../errors/weir-error';
import { SeededRandom } from '../../stats/random';
import { murmur3 } from '../../stats/murmur3';
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
  /** Seed of the sampling decisions; every task must use the same one for user coordination to hold across tasks. Default 1. */
  readonly seed?: number;
  /**
   * Period over which the keep decisions of one user are coordinated, in event time; the user
   * impact windows must be whole multiples of it and aligned to it. Default 300 000 ms (the
   * flagship's 5-minute alert window); a new period reshuffles which users are kept.
   */
  readonly coordinationMs?: number;
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
  private readonly coordinationMs: number;
  private readonly seed: number;

  constructor(private readonly options: AdaptiveSamplerOptions) {
    if (!(options.budget >= 1)) throw new WeirError('INVALID_CONFIG', 'sampling budget must be at least 1 event per interval', { option: 'budget', value: options.budget });
    this.intervalMs = options.intervalMs ?? 1000;
    this.errorStatus = options.errorStatus ?? 500;
    this.slowMs = options.slowMs ?? 1000;
    this.seed = options.seed ?? 1;
    this.random = new SeededRandom(this.seed);
    this.coordinationMs = options.coordinationMs ?? 300_000;
    if (!(this.coordinationMs > 0)) throw new WeirError('INVALID_CONFIG', 'coordinationMs must be positive', { option: 'coordinationMs', value: options.coordinationMs });
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
    const u = event.user_id === null ? this.random.next() : this.userUnit(event.user_id, event.timestamp);
    return u < p ? 1 / p : 0;
  }

  /** A uniform value in [0, 1) fixed per (seed, user, coordination period). */
  private userUnit(user: string, timestamp: number): number {
    const period = Math.floor(timestamp / this.coordinationMs);
    return murmur3(`${period}\u0000${user}`, this.seed) / 4294967296;
  }

  /** Keys currently tracked (one per active (service, status class)). */
  get trackedKeys(): number {
    return this.buckets.size;
  }
}
