import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNabCorpus, parseNabTimestamp } from '../../../../bench/eval/nab/corpus';
import { runNab } from '../../../../bench/eval/nab/run-nab';

const MIN5 = 300_000;
const T0 = Date.UTC(2015, 0, 1);

function stamp(t: number): string {
  return new Date(t).toISOString().replace('T', ' ').slice(0, 19);
}

/** A NAB folder: one series of 2000 points (a deterministic wiggle) with a spike of 500 at row 1500 inside its window 1480..1520, and an unlabelled file. */
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-nab-'));
  mkdirSync(join(dir, 'data', 'g'), { recursive: true });
  mkdirSync(join(dir, 'labels'));
  mkdirSync(join(dir, 'config'));
  const rows = ['timestamp,value'];
  for (let i = 0; i < 2000; i++) rows.push(`${stamp(T0 + i * MIN5)},${i === 1500 ? 500 : 100 + ((i * 37) % 11) - 5}`);
  writeFileSync(join(dir, 'data', 'g', 'spike.csv'), rows.join('\n') + '\n');
  writeFileSync(join(dir, 'data', 'g', 'unlabelled.csv'), 'timestamp,value\n2015-01-01 00:00:00,1\n');
  writeFileSync(join(dir, 'labels', 'combined_windows.json'), JSON.stringify({ 'g/spike.csv': [[`${stamp(T0 + 1480 * MIN5)}.000000`, `${stamp(T0 + 1520 * MIN5)}.000000`]] }));
  writeFileSync(join(dir, 'config', 'profiles.json'), JSON.stringify({ standard: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11, tnWeight: 1 } } }));
  return dir;
}

test('NAB timestamps are read as UTC, with or without microseconds', () => {
  assert.equal(parseNabTimestamp('2014-04-10 07:15:00.000000'), Date.UTC(2014, 3, 10, 7, 15));
  assert.equal(parseNabTimestamp('2014-04-10 07:15:00'), Date.UTC(2014, 3, 10, 7, 15));
  assert.throws(() => parseNabTimestamp('10/04/2014'), /not a NAB timestamp/);
});

test('the harness loads labelled series only, detects the spike through the stream engine and writes NAB result files', async () => {
  const dir = folder();
  try {
    const corpus = loadNabCorpus(dir);
    assert.deepEqual(corpus.series.map((s) => s.name), ['g/spike.csv']);
    assert.deepEqual(corpus.windows.get('g/spike.csv'), [[T0 + 1480 * MIN5, T0 + 1520 * MIN5]]);
    const run = await runNab({ folder: dir, outDir: join(dir, 'results') });
    assert.deepEqual([run.series, run.points, run.windows], [1, 2000, 1]);
    assert.equal(run.engine.processed, 2000);
    const csv = readFileSync(join(dir, 'results', 'weir', 'g', 'weir_spike.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'timestamp,value,anomaly_score,label');
    assert.equal(csv.length, 2001);
    const scores = csv.slice(1).map((l) => Number(l.split(',')[2]));
    const labels = csv.slice(1).map((l) => Number(l.split(',')[3]));
    assert.equal(labels.reduce((a, b) => a + b, 0), 41);
    // The spike is the only detection at the optimized threshold: row 1500, 21 rows before the window's
    // end: -(1520 - 1500 + 1)/41 = -0.5122; 2/(1+e^-2.561) - 1 = 0.8566; / 0.98661 = 0.8682.
    const standard = run.profiles[0]!;
    assert.equal(scores.indexOf(Math.max(...scores)), 1500);
    assert.deepEqual([standard.dataSets[0]!.row.tp, standard.dataSets[0]!.row.fp], [1, 0]);
    assert.ok(Math.abs(standard.raw - 0.8682) < 1e-3, String(standard.raw));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
