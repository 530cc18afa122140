/**
 * Injectable scenarios and their ground truth. A scenario changes how the generator draws spans of
 * a service during a window (slower, failing, skipped), emits the records that announce it
 * (deployments, known events), and says what a good detector should conclude (an incident to
 * find, or a change that must not alert).
 */
import type { Deployment } from '../schemas/deployment';
import type { KnownEvent } from '../schemas/known-event';
import { WeirError } from '../errors/weir-error';
import type { ServiceGraph } from './service-graph';

/** Restricts an incident to the requests of some users: one customer tier, one region, or both. */
export interface IncidentScope {
  tier?: string;
  region?: string;
}

/** A slow service: its self time is multiplied by `latencyFactor` (its callers slow down as victims). */
export interface LatencyIncidentScenario {
  kind: 'latency-incident';
  service: string;
  /** Only requests of these users are affected (default: all). */
  scope?: IncidentScope;
  start: number;
  durationMs: number;
  latencyFactor: number;
}

/** A service raising 5xx with probability `errorRate`; callers mostly fail with it. */
export interface ErrorBurstScenario {
  kind: 'error-burst';
  service: string;
  /** Only requests of these users are affected (default: all). */
  scope?: IncidentScope;
  start: number;
  durationMs: number;
  errorRate: number;
}

/**
 * A new version of a service. With `latencyFactor` it changes the service's latency: for
 * `durationMs` (a regression rolled back by a second deployment, an incident) or for good when
 * `durationMs` is absent (a level shift the baselines must adopt, not an incident).
 */
export interface DeploymentScenario {
  kind: 'deployment';
  service: string;
  at: number;
  version?: string;
  latencyFactor?: number;
  durationMs?: number;
}

/** A deep dependency (usually a leaf) slows down and fails; the failure climbs the call graph. */
export interface CascadingFailureScenario {
  kind: 'cascading-failure';
  service: string;
  /** Only requests of these users are affected (default: all). */
  scope?: IncidentScope;
  start: number;
  durationMs: number;
  latencyFactor: number;
  errorRate: number;
}

/**
 * Announced maintenance of one service (or of everything when `service` is null): calls into it
 * are skipped with probability 1 - `trafficFactor`, it answers 503 with probability `errorRate`,
 * and callers degrade gracefully (its errors do not propagate). No alert is expected.
 */
export interface MaintenanceScenario {
  kind: 'maintenance';
  service: string | null;
  start: number;
  durationMs: number;
  trafficFactor: number;
  errorRate: number;
}

/** A sale or holiday announced with its expected traffic multiplier; the traffic really rises by `multiplier`. */
export interface SaleScenario {
  kind: 'sale' | 'holiday';
  start: number;
  durationMs: number;
  multiplier: number;
  name?: string;
}

/** A day with more variance than usual (latency spread, bursty rate) and nothing wrong; no alert is expected. */
export interface NoisyDayScenario {
  kind: 'noisy-day';
  start: number;
  durationMs: number;
  /** Extra lognormal sigma on every self time, and the relative swing of the rate per 5 minutes. */
  noise: number;
}

export type Scenario =
  | LatencyIncidentScenario
  | ErrorBurstScenario
  | DeploymentScenario
  | CascadingFailureScenario
  | MaintenanceScenario
  | SaleScenario
  | NoisyDayScenario;

export type IncidentKind = 'latency-incident' | 'error-burst' | 'deployment-regression' | 'cascading-failure';

/** Something a detector should find: an alert on `service` between start and end. */
export interface GroundTruthIncident {
  id: string;
  kind: IncidentKind;
  /** The root-cause service. */
  service: string;
  /** Inclusive start and exclusive end, epoch ms. */
  start: number;
  end: number;
  root_cause: string;
  /** Services that call the root cause, directly or not: they may degrade as victims and should not get their own alert. */
  victims: string[];
  /** Present when only some users' requests were affected. */
  scope?: IncidentScope;
}

/** A change that is expected and must not raise an alert. */
export interface GroundTruthQuietPeriod {
  id: string;
  kind: 'maintenance' | 'sale' | 'holiday' | 'noisy-day' | 'level-shift';
  /** Empty means every service. */
  services: string[];
  start: number;
  end: number;
  note: string;
}

export interface GroundTruth {
  incidents: GroundTruthIncident[];
  quiet: GroundTruthQuietPeriod[];
}

/** How a scenario changes span drawing for one service (or all, serviceIndex -1) during [start, end). */
export interface Effect {
  serviceIndex: number;
  start: number;
  end: number;
  latencyFactor: number;
  errorRate: number;
  errorStatus: number;
  /** Whether the effect's errors make callers fail too. */
  propagates: boolean;
  /** Probability that a call into the service is skipped. */
  callSkip: number;
  /** Factor on the rate of new traces (global effects only). */
  rateFactor: number;
  noise: number;
  /** Requests of other tiers or regions are unaffected; null matches all. */
  tier: string | null;
  region: string | null;
}

export interface CompiledScenarios {
  effects: Effect[];
  deployments: Deployment[];
  knownEvents: KnownEvent[];
  groundTruth: GroundTruth;
}

const NEUTRAL: Omit<Effect, 'serviceIndex' | 'start' | 'end'> = {
  latencyFactor: 1,
  errorRate: 0,
  errorStatus: 503,
  propagates: true,
  callSkip: 0,
  rateFactor: 1,
  noise: 0,
  tier: null,
  region: null,
};

/** Turns scenarios into span effects, announcement records and ground truth; ids follow the scenario order. */
export function compileScenarios(scenarios: readonly Scenario[], graph: ServiceGraph, versions: ReadonlyMap<string, string>): CompiledScenarios {
  const out: CompiledScenarios = { effects: [], deployments: [], knownEvents: [], groundTruth: { incidents: [], quiet: [] } };
  const currentVersion = new Map(versions);
  const sorted = scenarios.map((s, i) => ({ s, i })).sort((a, b) => startOf(a.s) - startOf(b.s) || a.i - b.i);
  for (const { s, i } of sorted) {
    const id = `${s.kind}-${i + 1}`;
    const indexOf = (name: string): number => {
      const spec = graph.service(name);
      if (!spec) throw new WeirError('INVALID_CONFIG', `scenario ${id} names an unknown service`, { option: 'scenarios', service: name });
      return spec.index;
    };
    switch (s.kind) {
      case 'latency-incident':
      case 'error-burst':
      case 'cascading-failure': {
        const end = s.start + s.durationMs;
        const latencyFactor = s.kind === 'error-burst' ? 1 : s.latencyFactor;
        const errorRate = s.kind === 'latency-incident' ? 0 : s.errorRate;
        const tier = s.scope?.tier ?? null;
        const region = s.scope?.region ?? null;
        out.effects.push({ ...NEUTRAL, serviceIndex: indexOf(s.service), start: s.start, end, latencyFactor, errorRate, errorStatus: 503, tier, region });
        const cause =
          s.kind === 'latency-incident'
            ? `${s.service} self time x${latencyFactor}`
            : s.kind === 'error-burst'
              ? `${s.service} raises 5xx with probability ${errorRate}`
              : `${s.service} (deep dependency) self time x${latencyFactor} and 5xx with probability ${errorRate}`;
        const scoped = s.scope && (tier !== null || region !== null) ? ` for ${[tier && `${tier} users`, region && `in ${region}`].filter(Boolean).join(' ')}` : '';
        out.groundTruth.incidents.push({
          id,
          kind: s.kind,
          service: s.service,
          start: s.start,
          end,
          root_cause: cause + scoped,
          victims: graph.ancestors(s.service),
          ...(scoped ? { scope: { ...s.scope } } : {}),
        });
        break;
      }
      case 'deployment': {
        const serviceIndex = indexOf(s.service);
        const previous = currentVersion.get(s.service) ?? null;
        const version = s.version ?? bumpVersion(previous);
        out.deployments.push({ id: `deploy-${i + 1}`, service: s.service, version, previous_version: previous, deployed_at: s.at, description: null });
        currentVersion.set(s.service, version);
        if (s.latencyFactor === undefined || s.latencyFactor === 1) break;
        const end = s.durationMs === undefined ? Number.POSITIVE_INFINITY : s.at + s.durationMs;
        out.effects.push({ ...NEUTRAL, serviceIndex, start: s.at, end, latencyFactor: s.latencyFactor });
        if (s.durationMs === undefined) {
          out.groundTruth.quiet.push({ id, kind: 'level-shift', services: [s.service], start: s.at, end: s.at, note: `${s.service} ${version} changes latency x${s.latencyFactor} for good` });
        } else {
          out.deployments.push({ id: `rollback-${i + 1}`, service: s.service, version: previous ?? 'v0', previous_version: version, deployed_at: end, description: `rollback of ${version}` });
          out.groundTruth.incidents.push({
            id,
            kind: 'deployment-regression',
            service: s.service,
            start: s.at,
            end,
            root_cause: `deployment ${version} of ${s.service} regresses latency x${s.latencyFactor}; rolled back`,
            victims: graph.ancestors(s.service),
          });
          currentVersion.set(s.service, previous ?? 'v0');
        }
        break;
      }
      case 'maintenance': {
        const end = s.start + s.durationMs;
        const serviceIndex = s.service === null ? -1 : indexOf(s.service);
        const services = s.service === null ? [] : [s.service];
        out.effects.push({
          ...NEUTRAL,
          serviceIndex,
          start: s.start,
          end,
          errorRate: s.errorRate,
          errorStatus: 503,
          propagates: false,
          callSkip: serviceIndex >= 0 ? 1 - s.trafficFactor : 0,
          rateFactor: serviceIndex < 0 ? s.trafficFactor : 1,
        });
        const description = `planned maintenance${s.service ? ` of ${s.service}` : ''}`;
        out.knownEvents.push({ id, kind: 'maintenance', services, start: s.start, end, expected_multiplier: null, description });
        out.groundTruth.quiet.push({ id, kind: 'maintenance', services, start: s.start, end, note: description });
        break;
      }
      case 'sale':
      case 'holiday': {
        const end = s.start + s.durationMs;
        out.effects.push({ ...NEUTRAL, serviceIndex: -1, start: s.start, end, rateFactor: s.multiplier });
        const description = s.name ?? `${s.kind} x${s.multiplier}`;
        out.knownEvents.push({ id, kind: s.kind, services: [], start: s.start, end, expected_multiplier: s.multiplier, description });
        out.groundTruth.quiet.push({ id, kind: s.kind, services: [], start: s.start, end, note: description });
        break;
      }
      case 'noisy-day': {
        const end = s.start + s.durationMs;
        out.effects.push({ ...NEUTRAL, serviceIndex: -1, start: s.start, end, noise: s.noise });
        out.groundTruth.quiet.push({ id, kind: 'noisy-day', services: [], start: s.start, end, note: `noise ${s.noise}` });
        break;
      }
    }
  }
  out.deployments.sort((a, b) => a.deployed_at - b.deployed_at);
  return out;
}

function startOf(s: Scenario): number {
  return s.kind === 'deployment' ? s.at : s.start;
}

function bumpVersion(previous: string | null): string {
  const m = /^v(\d+)\.(\d+)\.(\d+)$/.exec(previous ?? '');
  if (!m) return 'v1.0.0';
  return `v${m[1]}.${Number(m[2]) + 1}.0`;
}
