/**
 * The labelled scenarios through the flagship topology itself (`buildObservabilityTopology`, its
 * defaults: digest percentiles from the 1-minute rollups, the p50 latency signal, no self time),
 * run by the test driver, instead of `run-scenarios.ts`'s direct baselines + alert engine on exact
 * per-window metrics; scored by the same scorer.
 *
 *   npx tsx bench/eval/scenarios/run-flagship.ts [--seeds 1,2] [--events 3000000]
 */
import { parseArgs } from 'node:util';
import { TrafficGenerator } from '../../../generator';
import { buildObservabilityTopology, OBSERVABILITY_TOPICS as T } from '../../../observability/observability-topology';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import { jsonSerde } from '../../../serdes/json-serde';
import { stringSerde } from '../../../serdes/string-serde';
import type { WideEvent } from '../../../schemas/wide-event';
import type { Alert } from '../../../schemas/alert';
import type { KnownEvent } from '../../../schemas/known-event';
import type { Deployment } from '../../../schemas/deployment';
import { EVAL_DAYS, evalScenarios } from './eval-plan';
import { scoreAlerts, type AlertScore } from '../../../generator/score-alerts';

const START = Date.UTC(2026, 0, 5);
const DAY = 86_400_000;
const WINDOW_MS = 300_000;

export async function runFlagshipSeed(seed: number, events: number): Promise<{ score: AlertScore; seconds: number; lateForecasts: number }> {
  const started = Date.now();
  const shape = { seed, services: 12, layers: 4, start: START, durationMs: EVAL_DAYS * DAY };
  const graph = new TrafficGenerator({ ...shape, events: 0 }).graph;
  const generator = new TrafficGenerator({ ...shape, events, scenarios: evalScenarios(graph, START, seed) });
  const driver = await TopologyTestDriver.create(buildObservabilityTopology({ persistent: false }));
  try {
    const input = driver.createInputTopic(T.events, stringSerde, jsonSerde<WideEvent>());
    const knownIn = driver.createInputTopic(T.knownEvents, stringSerde, jsonSerde<KnownEvent>());
    const deployments = driver.createInputTopic(T.deployments, stringSerde, jsonSerde<Deployment>());
    const alerts = driver.createOutputTopic(T.alerts, stringSerde, jsonSerde<Alert>());
    // known-events is a source and a sink (alerting's incidents): the driver feeds it back to the baselines.
    let batch: { key: string; value: WideEvent; timestamp: number }[] = [];
    const flush = (): void => {
      input.pipeRecords(batch);
      batch = [];
    };
    for (const r of generator.timeline()) {
      if (r.type === 'event') {
        batch.push({ key: `${r.value.service}|${r.value.operation}`, value: r.value, timestamp: r.timestamp });
        if (batch.length === 500) flush();
        continue;
      }
      flush();
      if (r.type === 'known-event') knownIn.pipeInput(r.value.id, r.value, r.timestamp);
      else deployments.pipeInput(r.value.service, r.value, r.timestamp);
    }
    flush();
    driver.endOfInput();
    return { score: scoreAlerts(alerts.readValuesToList(), generator.groundTruth, WINDOW_MS), seconds: (Date.now() - started) / 1000, lateForecasts: driver.metric('late-forecasts') };
  } finally {
    await driver.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1' }, events: { type: 'string', default: '3000000' } } });
  const seeds = values.seeds!.split(',').map(Number);
  const events = Number(values.events);
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const lines = [`Flagship topology, ${seeds.length} seed(s) x ${events} events, 12 services, ${EVAL_DAYS} days, 5-minute windows.`, '', '| seed | raised | TP | FP | FP rate | recall | median delay (windows) | quiet periods with alerts | seconds |', '|---|---|---|---|---|---|---|---|---|'];
  for (const seed of seeds) {
    const { score: s, seconds, lateForecasts } = await runFlagshipSeed(seed, events);
    if (lateForecasts) lines.push(`(seed ${seed}: ${lateForecasts} late forecasts)`);
    const quiet = s.quiet.filter((q) => q.alerts > 0).map((q) => `${q.period.kind} ${q.alerts}`).join(', ') || 'none';
    lines.push(`| ${seed} | ${s.raised} | ${s.truePositives} | ${s.falsePositives} | ${pct(s.falsePositiveRate)} | ${pct(s.recall)} | ${s.medianDelayWindows?.toFixed(1) ?? 'n/a'} | ${quiet} | ${seconds.toFixed(0)} |`);
    for (const a of s.falseAlerts) lines.push(`- seed ${seed} false positive: ${a.service} at ${new Date(a.window_start).toISOString()} (${a.decision}, confidence ${a.confidence.toFixed(2)}${a.note ? `, ${a.note}` : ''})`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
