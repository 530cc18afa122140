/**
 * The baselines' KnownEventsSource over the flagship's two GlobalKTables: deployments keyed by
 * service (a service's deployments are the versions of its key, so every baselines task sees the
 * recent ones, not only the last), and known events keyed by id. Both are read as of the record the
 * baselines task is processing, so a window is judged with what was known at its time.
 */
import type { GlobalKeyValueStore } from '../../state/versioned-key-value-store';
import type { Deployment } from '../../schemas/deployment';
import type { KnownEvent } from '../../schemas/known-event';
import { DEPLOYMENT_HISTORY, type KnownEventsSource } from './known-events-view';

export class GlobalKnownEventsSource implements KnownEventsSource {
  constructor(
    private readonly deploymentsByService: GlobalKeyValueStore<string, Deployment>,
    private readonly knownEvents: GlobalKeyValueStore<string, KnownEvent>,
  ) {}

  /** The service's deployments still in the table's history, the last version of each id, by deployment time (the latest DEPLOYMENT_HISTORY). */
  deployments(service: string): Iterable<Deployment> {
    const byId = new Map<string, Deployment>();
    for (const version of this.deploymentsByService.history(service)) {
      if (version.value === undefined) byId.clear();
      else byId.set(version.value.id, version.value);
    }
    const list = [...byId.values()].sort((a, b) => a.deployed_at - b.deployed_at);
    return list.length > DEPLOYMENT_HISTORY ? list.slice(-DEPLOYMENT_HISTORY) : list;
  }

  events(): Iterable<KnownEvent> {
    const events: KnownEvent[] = [];
    for (const [, event] of this.knownEvents.all()) events.push(event);
    return events;
  }
}
