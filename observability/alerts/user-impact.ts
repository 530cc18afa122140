/**
 * User impact per (service, window): distinct affected users (one sketch per tier), how
 * over-represented premium tiers are among affected requests, and an hourly value estimate.
 * A request is affected when it failed (5xx) or took longer than the service's latency limit
 * (the upper band of its p99 forecast).
 *
 * Events may be a weighted sample (`adaptiveSample`). Counting the distinct users seen would miss
 * every affected user whose affected requests were all dropped (0.70x the truth in a spike), and
 * summing weights would count a user once per kept request. The sampler coordinates its decisions
 * by user, so a user is seen with probability 1 / (smallest weight among their kept requests), and
 * the Horvitz-Thompson sum of that smallest weight over the users seen is an unbiased count of all
 * affected users. Unsampled events have weight 1 and give the exact distinct count.
 */
import { DistinctWeightSketch } from '../../stats/distinct-weight-sketch';
import type { WideEvent } from '../../schemas/wide-event';

export interface ImpactSummary {
  readonly affectedRequests: number;
  readonly requests: number;
  /** Distinct affected users (Horvitz-Thompson estimate over the kept events, exact without sampling up to the sketch capacity). */
  readonly affectedUsers: number;
  readonly affectedUsersByTier: Readonly<Record<string, number>>;
  /** Premium share among affected requests over premium share among all requests (1 = proportional; 0 when nothing is affected). */
  readonly premiumOverRepresentation: number;
  /** Sum over tiers of distinct affected users x value per hour, scaled from the window to an hour. */
  readonly impactPerHour: number;
}

interface Bucket {
  requests: number;
  affected: number;
  premiumRequests: number;
  premiumAffected: number;
  users: Map<string, DistinctWeightSketch>;
}

export interface UserImpactOptions {
  readonly premiumTiers: readonly string[];
  readonly tierValuePerHour: Readonly<Record<string, number>>;
  /** Distinct users a tier sketch holds exactly; above it, a 1/sqrt(capacity) relative standard error (default 4096: 1.6 %). */
  readonly sketchCapacity?: number;
}

export class UserImpact {
  private readonly buckets = new Map<string, Bucket>();
  private readonly premium: Set<string>;
  private readonly sketchCapacity: number | undefined;

  constructor(private readonly options: UserImpactOptions) {
    this.premium = new Set(options.premiumTiers);
    this.sketchCapacity = options.sketchCapacity;
  }

  observe(event: WideEvent, windowStart: number, latencyLimitMs: number | undefined): void {
    const key = `${event.service}\u0000${windowStart}`;
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { requests: 0, affected: 0, premiumRequests: 0, premiumAffected: 0, users: new Map() }));
    const weight = event.sample_weight ?? 1;
    const premium = this.premium.has(event.customer_tier);
    b.requests += weight;
    if (premium) b.premiumRequests += weight;
    const affected = event.status_code >= 500 || (latencyLimitMs !== undefined && event.duration_ms > latencyLimitMs);
    if (!affected) return;
    b.affected += weight;
    if (premium) b.premiumAffected += weight;
    if (event.user_id !== null) {
      let h = b.users.get(event.customer_tier);
      if (!h) b.users.set(event.customer_tier, (h = new DistinctWeightSketch({ capacity: this.sketchCapacity })));
      h.add(event.user_id, weight);
    }
  }

  /** Summary of a window, removed from memory. */
  take(service: string, windowStart: number, windowMs: number): ImpactSummary {
    const key = `${service}\u0000${windowStart}`;
    const b = this.buckets.get(key);
    this.buckets.delete(key);
    if (!b) return { affectedRequests: 0, requests: 0, affectedUsers: 0, affectedUsersByTier: {}, premiumOverRepresentation: 0, impactPerHour: 0 };
    const byTier: Record<string, number> = {};
    let users = 0;
    let value = 0;
    for (const [tier, h] of b.users) {
      const n = Math.round(h.estimate());
      byTier[tier] = n;
      users += n;
      value += n * (this.options.tierValuePerHour[tier] ?? 0);
    }
    const premiumShareAll = b.requests > 0 ? b.premiumRequests / b.requests : 0;
    const premiumShareAffected = b.affected > 0 ? b.premiumAffected / b.affected : 0;
    return {
      affectedRequests: b.affected,
      requests: b.requests,
      affectedUsers: users,
      affectedUsersByTier: byTier,
      premiumOverRepresentation: premiumShareAll > 0 ? premiumShareAffected / premiumShareAll : 0,
      impactPerHour: value * (3_600_000 / windowMs),
    };
  }

  /** Drops buckets of windows before `windowStart` that were never taken (services without a forecast). */
  evictBefore(windowStart: number): void {
    for (const key of this.buckets.keys()) {
      if (Number(key.slice(key.indexOf('\u0000') + 1)) < windowStart) this.buckets.delete(key);
    }
  }
}
