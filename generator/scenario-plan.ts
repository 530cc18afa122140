/**
 * Ready-made scenarios: one of each kind with sensible magnitudes and a fitting service picked
 * from the graph (a deep leaf for a cascading failure, a middle tier for a latency incident), and a
 * standard week that spreads all of them over the generated span.
 */
import type { Scenario } from './scenario';
import type { ServiceGraph, ServiceSpec } from './service-graph';
import { SeededRandom } from './random';

export type ScenarioKind = Scenario['kind'];

export const SCENARIO_KINDS: readonly ScenarioKind[] = ['latency-incident', 'error-burst', 'deployment', 'cascading-failure', 'maintenance', 'sale', 'holiday', 'noisy-day'];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface ScenarioAt {
  start: number;
  /** Default per kind: 30 min for incidents, 45 min for a regression, 2 h maintenance, 6 h sale, 1 day noise. */
  durationMs?: number;
  /** Default: picked from the graph for the kind. */
  service?: string;
  /** Deployments only: a permanent level shift rather than a regression rolled back. */
  levelShift?: boolean;
}

/** One scenario of `kind` with default magnitudes. */
export function scenarioOf(kind: ScenarioKind, graph: ServiceGraph, at: ScenarioAt, seed: number | string = 1): Scenario {
  const service = at.service ?? pickService(kind, graph, seed);
  const { start } = at;
  switch (kind) {
    case 'latency-incident':
      return { kind, service, start, durationMs: at.durationMs ?? 30 * MINUTE, latencyFactor: 4 };
    case 'error-burst':
      return { kind, service, start, durationMs: at.durationMs ?? 20 * MINUTE, errorRate: 0.25 };
    case 'deployment':
      return at.levelShift
        ? { kind, service, at: start, latencyFactor: 1.25 }
        : { kind, service, at: start, latencyFactor: 2.5, durationMs: at.durationMs ?? 45 * MINUTE };
    case 'cascading-failure':
      return { kind, service, start, durationMs: at.durationMs ?? 30 * MINUTE, latencyFactor: 6, errorRate: 0.3 };
    case 'maintenance':
      return { kind, service, start, durationMs: at.durationMs ?? 2 * HOUR, trafficFactor: 0.2, errorRate: 0.2 };
    case 'sale':
      return { kind, start, durationMs: at.durationMs ?? 6 * HOUR, multiplier: 3, name: 'flash sale' };
    case 'holiday':
      return { kind, start, durationMs: at.durationMs ?? DAY, multiplier: 0.5, name: 'public holiday' };
    case 'noisy-day':
      return { kind, start, durationMs: at.durationMs ?? DAY, noise: 0.25 };
  }
}

/**
 * A service that suits the kind: for a cascading failure the leaf with the most traffic times
 * (transitive) callers, a leaf for maintenance, otherwise one of the busier middle-tier services;
 * stable for a seed.
 */
export function pickService(kind: ScenarioKind, graph: ServiceGraph, seed: number | string = 1): string {
  const deepest = Math.max(...graph.services.map((s) => s.layer));
  if (kind === 'cascading-failure') {
    // A leaf that sees traffic and has callers several layers up: the failure has somewhere to climb.
    const share = graph.expectedSpansPerService();
    let best = graph.services[graph.services.length - 1];
    let bestScore = -1;
    for (const s of graph.services) {
      if (s.layer !== deepest) continue;
      const score = share[s.index] * Math.min(graph.ancestors(s.name).length, 10);
      if (score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    return best.name;
  }
  const random = new SeededRandom(`${seed}:${kind}`);
  const layer = kind === 'maintenance' ? deepest : Math.max(1, Math.min(deepest - 1, 1 + random.int(2)));
  return random.pick(busiest(graph, graph.services.filter((s) => s.layer === layer))).name;
}

/** The busier half of `services` (at least one): an incident on a service that barely sees traffic would tell little. */
function busiest(graph: ServiceGraph, services: readonly ServiceSpec[]): ServiceSpec[] {
  if (services.length === 0) return [...graph.services];
  const share = graph.expectedSpansPerService();
  const sorted = [...services].sort((a, b) => share[b.index] - share[a.index] || a.index - b.index);
  return sorted.slice(0, Math.max(1, Math.ceil(sorted.length / 2)));
}

/**
 * Every kind once, spread over [start, start + durationMs) (a week by default): a noisy day, a
 * latency incident, a maintenance window at night, an error burst, daily deployments with one
 * regression and one level shift, a cascading failure from a deep dependency, and a sale. Durations
 * shrink with shorter spans. Incidents hit different, busy services.
 */
export function standardWeek(graph: ServiceGraph, span: { start: number; durationMs: number }, seed: number | string = 1): Scenario[] {
  const { start, durationMs } = span;
  const at = (fraction: number): number => start + Math.floor(durationMs * fraction);
  const scale = Math.min(1, durationMs / (7 * DAY));
  const d = (ms: number): number => Math.max(MINUTE, Math.floor(ms * scale));
  const random = new SeededRandom(`${seed}:standard-week`);
  const middle = busiest(graph, graph.services.filter((s) => s.layer > 0 && graph.downstreams(s.name).length > 0)).map((s) => s.name);
  const pool = middle.length >= 4 ? middle : graph.services.map((s) => s.name);
  const used = new Set<string>();
  // Incidents hit one of the three busiest services not hit yet: an outage of a service that sees
  // a few requests an hour tells a detector (and a reader of the demo) little.
  const fresh = (): string => {
    const candidates = pool.filter((n) => !used.has(n));
    const name = candidates.length ? candidates[random.int(Math.min(3, candidates.length))] : random.pick(pool);
    used.add(name);
    return name;
  };
  const cascadeRoot = pickService('cascading-failure', graph, seed);
  used.add(cascadeRoot);
  const scenarios: Scenario[] = [
    scenarioOf('noisy-day', graph, { start: at(1 / 7), durationMs: d(DAY) }),
    scenarioOf('latency-incident', graph, { start: at(2.42 / 7), durationMs: d(30 * MINUTE), service: fresh() }),
    scenarioOf('maintenance', graph, { start: at(3.1 / 7), durationMs: d(2 * HOUR), service: pickService('maintenance', graph, seed) }),
    scenarioOf('error-burst', graph, { start: at(3.6 / 7), durationMs: d(20 * MINUTE), service: fresh() }),
    scenarioOf('deployment', graph, { start: at(4.55 / 7), durationMs: d(45 * MINUTE), service: fresh() }),
    scenarioOf('deployment', graph, { start: at(1.6 / 7), service: fresh(), levelShift: true }),
    scenarioOf('cascading-failure', graph, { start: at(5.4 / 7), durationMs: d(30 * MINUTE), service: cascadeRoot }),
    scenarioOf('sale', graph, { start: at(6.3 / 7), durationMs: d(6 * HOUR) }),
  ];
  // Routine deployments that change nothing, one a day at about 10:48 of the day's span.
  for (let day = 0; day < 7; day++) scenarios.push({ kind: 'deployment', service: random.pick(pool), at: at((day + 0.45) / 7) });
  return scenarios;
}
