/**
 * What the baselines know of the outside world at a window: the last deployment of a service and
 * the known events (maintenance, incidents, sales, holidays) concerning it. Backed by the
 * `deployments` and `known-events` tables in the topology, by maps in tests.
 */
import type { Deployment } from '../../schemas/deployment';
import type { KnownEvent } from '../../schemas/known-event';

export interface KnownEventsSource {
  /** Recent deployments of the service (announced ones may lie in the future). */
  deployments(service: string): Iterable<Deployment>;
  /** Every known event (the `known-events` table, keyed by id). */
  events(): Iterable<KnownEvent>;
}

export type LearningBlock = 'maintenance' | 'incident' | 'stabilization';

export interface PredictionAdjustment {
  /** True during maintenance: no prediction, hence no alerting. */
  readonly suppressed: boolean;
  /** Product of the multipliers of active sales and holidays (1 when none). */
  readonly multiplier: number;
  /** Ids of the events that applied. */
  readonly events: readonly string[];
}

export class KnownEventsView {
  constructor(
    private readonly source: KnownEventsSource,
    /** How long after a deployment the service's baselines stop learning. */
    private readonly stabilizationMs: number,
  ) {}

  /** Events concerning `service` that overlap [start, end). */
  activeEvents(service: string, start: number, end: number): KnownEvent[] {
    const active: KnownEvent[] = [];
    for (const e of this.source.events()) {
      if (e.services.length > 0 && !e.services.includes(service)) continue;
      if (e.start < end && (e.end === null || e.end > start)) active.push(e);
    }
    return active;
  }

  /** Why the baselines of `service` must not learn from window [start, end), or null when they may. */
  learningBlock(service: string, start: number, end: number): LearningBlock | null {
    const events = this.activeEvents(service, start, end);
    if (events.some((e) => e.kind === 'maintenance')) return 'maintenance';
    if (events.some((e) => e.kind === 'incident')) return 'incident';
    for (const d of this.source.deployments(service)) {
      if (d.deployed_at < end && d.deployed_at + this.stabilizationMs > start) return 'stabilization';
    }
    return null;
  }

  /** How predictions for [start, end) are changed by known events; multipliers apply to request rate only. */
  adjustment(service: string, metric: string, start: number, end: number): PredictionAdjustment {
    const events = this.activeEvents(service, start, end);
    if (events.some((e) => e.kind === 'maintenance')) return { suppressed: true, multiplier: 1, events: events.map((e) => e.id) };
    let multiplier = 1;
    const applied: string[] = [];
    if (metric === 'request_rate') {
      for (const e of events) {
        if ((e.kind === 'sale' || e.kind === 'holiday') && e.expected_multiplier !== null && e.expected_multiplier > 0) {
          multiplier *= e.expected_multiplier;
          applied.push(e.id);
        }
      }
    }
    return { suppressed: false, multiplier, events: applied };
  }
}

/** How many deployments per service are remembered: enough for deployments announced days ahead. */
export const DEPLOYMENT_HISTORY = 32;

/** A source over plain maps, for tests and for a processor that keeps its own copies. */
export class MapKnownEventsSource implements KnownEventsSource {
  readonly deploymentsByService = new Map<string, Deployment[]>();
  readonly knownEvents = new Map<string, KnownEvent>();

  /** Adds (or replaces, by id) a deployment; keeps the latest DEPLOYMENT_HISTORY per service. Returns the ids dropped. */
  addDeployment(deployment: Deployment): string[] {
    const list = (this.deploymentsByService.get(deployment.service) ?? []).filter((d) => d.id !== deployment.id);
    list.push(deployment);
    list.sort((a, b) => a.deployed_at - b.deployed_at);
    const dropped = list.splice(0, Math.max(0, list.length - DEPLOYMENT_HISTORY)).map((d) => d.id);
    this.deploymentsByService.set(deployment.service, list);
    return dropped;
  }

  deployments(service: string): Iterable<Deployment> {
    return this.deploymentsByService.get(service) ?? [];
  }
  events(): Iterable<KnownEvent> {
    return this.knownEvents.values();
  }
}
