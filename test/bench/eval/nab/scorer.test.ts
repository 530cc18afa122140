import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NabCorpus, NabSeries } from '../../../../bench/eval/nab/corpus';
import { nullDetectorScores, optimizeThreshold, scoreDetector } from '../../../../bench/eval/nab/scorer';

const MINUTE = 60_000;
const PROFILES = new Map([
  ['standard', { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 }],
  ['reward_low_FP_rate', { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 }],
  ['reward_low_FN_rate', { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 }],
]);

function series(name: string, rows: number): NabSeries {
  const timestamps = Array.from({ length: rows }, (_, i) => i * MINUTE);
  return { name, group: name.split('/')[0]!, timestamps, rawTimestamps: timestamps.map(String), values: timestamps.map(() => 1) };
}

/** Two series of 200 rows (probation 30), windows at rows 60..79 and 120..139 in the first, 100..109 in the second, and one series with none. */
function corpus(): NabCorpus {
  const w = (a: number, b: number) => [a * MINUTE, b * MINUTE] as const;
  return {
    folder: 'memory',
    series: [series('g1/a.csv', 200), series('g1/b.csv', 200), series('g2/none.csv', 200)],
    windows: new Map([['g1/a.csv', [w(60, 79), w(120, 139)]], ['g1/b.csv', [w(100, 109)]], ['g2/none.csv', []]]),
    profiles: PROFILES,
  };
}

test('the null detector scores 0 and the perfect detector 100 on every profile', () => {
  const c = corpus();
  const perfectScores = new Map(c.series.map((s) => {
    const starts = new Set((c.windows.get(s.name) ?? []).map(([a]) => a));
    return [s.name, s.timestamps.map((t) => (starts.has(t) ? 1 : 0))] as const;
  }));
  for (const p of scoreDetector(c, nullDetectorScores(c))) assert.equal(p.normalized, 0, p.profile);
  for (const p of scoreDetector(c, perfectScores)) {
    assert.equal(p.perfect, 3);
    assert.ok(Math.abs(p.normalized - 100) < 1e-9, `${p.profile}: ${p.normalized}`);
  }
});

test('the null detector on this corpus prefers detecting nothing: raw = -fnWeight * windows', () => {
  // Detecting every row: 3 windows at +1 each, but 510 scorable rows - 50 in windows = 460 false positives,
  // most far past a window or before the first one, cost far more than 3; so the best threshold is 1.1.
  const c = corpus();
  const best = optimizeThreshold(c, nullDetectorScores(c), PROFILES.get('standard')!);
  assert.equal(best.threshold, 1.1);
  assert.equal(best.score, -3);
});

test('one hit, one late hit, one miss and one false positive, normalized by hand', () => {
  // a.csv: fires at row 60 (left edge, +1) and row 135 (window 120..139: position -(139-135+1)/20 = -0.25,
  // 2/(1+e^-1.25) - 1 = 0.5545997, / 0.9866143 = 0.5621241); b.csv: misses 100..109 (-1) and fires at
  // row 150, |109 - 150| / (10 - 1) = 4.56 windows past: -1 * 0.11 = -0.11.
  // Raw = 1 + 0.5621241 - 1 - 0.11 = 0.4521241; null = -3; perfect = 3: 100 * 3.4521241 / 6 = 57.535402.
  const c = corpus();
  const fire = (rows: number[]) => Array.from({ length: 200 }, (_, i) => (rows.includes(i) ? 1 : 0));
  const scores = new Map([['g1/a.csv', fire([60, 135])], ['g1/b.csv', fire([150])], ['g2/none.csv', fire([])]]);
  const standard = scoreDetector(c, scores).find((p) => p.profile === 'standard')!;
  assert.equal(standard.threshold, 1);
  assert.ok(Math.abs(standard.raw - 0.4521241) < 1e-6, String(standard.raw));
  assert.ok(Math.abs(standard.normalized - 57.535402) < 1e-4, String(standard.normalized));
});
