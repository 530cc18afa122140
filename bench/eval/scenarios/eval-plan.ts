/**
 * The evaluation's scenario schedule over five days: a day of warm-up, two rounds of the four
 * incident kinds on different services (one on a business day, one reaching into the night), a day
 * with maintenance, an announced sale and a lasting level shift, and a noisy day. Routine
 * deployments that change nothing land every day.
 */
import { scenarioOf, type Scenario, type ServiceGraph } from '../../../generator';
import { SeededRandom } from '../../../generator/random';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const EVAL_DAYS = 5;

export function evalScenarios(graph: ServiceGraph, start: number, seed: number): Scenario[] {
  const random = new SeededRandom(`${seed}:eval-plan`);
  const share = graph.expectedSpansPerService();
  const middle = graph.services
    .filter((s) => s.layer > 0 && graph.downstreams(s.name).length > 0)
    .sort((a, b) => share[b.index]! - share[a.index]! || a.index - b.index)
    .map((s) => s.name);
  const leaves = graph.services.filter((s) => graph.downstreams(s.name).length === 0).sort((a, b) => graph.ancestors(b.name).length - graph.ancestors(a.name).length).map((s) => s.name);
  const used = new Set<string>();
  const fresh = (pool: string[]): string => {
    const candidates = pool.filter((n) => !used.has(n));
    const name = candidates.length ? candidates[0]! : random.pick(pool);
    used.add(name);
    return name;
  };
  const at = (day: number, hour: number) => start + day * DAY + hour * HOUR;
  const scenarios: Scenario[] = [
    scenarioOf('latency-incident', graph, { start: at(1, 10), service: fresh(middle) }),
    scenarioOf('error-burst', graph, { start: at(1, 14), service: fresh(middle) }),
    scenarioOf('deployment', graph, { start: at(1, 17.2), service: fresh(middle) }),
    scenarioOf('cascading-failure', graph, { start: at(1, 21), service: leaves[0]! }),
    scenarioOf('maintenance', graph, { start: at(2, 2), service: leaves[leaves.length - 1]! }),
    scenarioOf('deployment', graph, { start: at(2, 9.3), service: fresh(middle), levelShift: true }),
    scenarioOf('sale', graph, { start: at(2, 12) }),
    scenarioOf('noisy-day', graph, { start: at(3, 0) }),
    scenarioOf('latency-incident', graph, { start: at(4, 9.5), service: fresh(middle) }),
    scenarioOf('error-burst', graph, { start: at(4, 12.7), service: fresh(middle) }),
    scenarioOf('deployment', graph, { start: at(4, 15.4), service: fresh(middle) }),
    scenarioOf('cascading-failure', graph, { start: at(4, 20), service: leaves[1] ?? leaves[0]! }),
  ];
  for (let day = 0; day < EVAL_DAYS; day++) scenarios.push({ kind: 'deployment', service: random.pick(middle), at: at(day, 10.8) });
  return scenarios;
}
