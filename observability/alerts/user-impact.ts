/**
 * User impact per (service, window): distinct affected users by HyperLogLog (one sketch per tier),
 * how over-represented premium tiers are among affected requests, and an hourly value estimate.
 * A request is affected when it failed (5xx) or took longer than the service's latency limit
 * (the upper band of its p99 forecast).
 */
import { HyperLogLog } from '../../stats/hyper-log-log';
import type { WideEvent } from '../../schemas/wide-event';

export interface ImpactSummary {
  readonly affectedRequests: number;
  readonly requests: number;
  /** Distinct affected users (HyperLogLog estimate). */
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
  users: Map<string, HyperLogLog>;
}

export interface UserImpactOptions {
  readonly premiumTiers: readonly string[];
  readonly tierValuePerHour: Readonly<Record<string, number>>;
  /** HyperLogLog precision per tier sketch (default 10: 1 KiB, 3.3% standard error). */
  readonly precision?: number;
}

export class UserImpact {
  private readonly buckets = new Map<string, Bucket>();
  private readonly premium: Set<string>;
  private readonly precision: number;

  constructor(private readonly options: UserImpactOptions) {
    this.premium = new Set(options.premiumTiers);
    this.precision = options.precision ?? 10;
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
      if (!h) b.users.set(event.customer_tier, (h = new HyperLogLog({ precision: this.precision })));
      h.add(event.user_id);
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
