import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVAL_ALERT_CONFIG, runScenarioSeed } from '../../../../bench/eval/scenarios/run-scenarios';

// One seed of the evaluation end to end (3M generated events over 5 days, about 15 s): the
// generator's ground truth against weir's baselines and alert engine. Seeded, so exact.
test('labelled scenarios, seed 2: every incident found on its root, no alert on victims, maintenance, sale or noisy day', () => {
  const run = runScenarioSeed({ seed: 2, events: 3_000_000, alerts: EVAL_ALERT_CONFIG });
  const s = run.score;
  assert.deepEqual([s.raised, s.truePositives, s.falsePositives], [8, 8, 0]);
  assert.equal(s.recall, 1);
  assert.ok(s.medianDelayWindows! <= 2, String(s.medianDelayWindows));
  for (const i of s.incidents) {
    assert.equal(i.rootAlerts, 1, `${i.incident.kind} on ${i.incident.service}`);
    assert.equal(i.victimAlerts, 0, `${i.incident.kind} on ${i.incident.service}`);
  }
  const cascades = s.incidents.filter((i) => i.incident.kind === 'cascading-failure');
  assert.equal(cascades.length, 2);
  for (const q of s.quiet) assert.equal(q.alerts, 0, `${q.period.kind} ${q.period.services.join(',')}`);
  // Victims that crossed the threshold were recorded as suppressed, naming the root.
  for (const a of run.alerts.filter((x) => x.decision === 'suppress' && x.note?.startsWith('victim'))) {
    const during = cascades.concat(s.incidents).find((i) => a.window_start < i.incident.end + 2 * run.windowMs && a.window_end > i.incident.start);
    if (during) assert.ok(a.note!.includes(during.incident.service), a.note!);
  }
});
