import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sweeper, probationaryLength, scaledSigmoid, type WindowLimits } from '../../../../bench/eval/nab/sweeper';

const STANDARD = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };
const MINUTE = 60_000;
// 20 rows one minute apart; probation = floor(0.15 * 20) = 3 rows (0, 1, 2); one window over rows 10..13 (width 4).
const TS = Array.from({ length: 20 }, (_, i) => i * MINUTE);
const WINDOW: WindowLimits[] = [[10 * MINUTE, 13 * MINUTE]];

function firing(at: number[]): number[] {
  return TS.map((_, i) => (at.includes(i) ? 1 : 0));
}

function close(actual: number, expected: number, tolerance = 1e-6): void {
  assert.ok(Math.abs(actual - expected) < tolerance, `${actual} is not ${expected}`);
}

test('scaled sigmoid matches NAB at its reference points', () => {
  // 2/(1+e^5) - 1 = 2/1.0067379 - 1 = 0.9866143 at the left edge; 0 at the right edge; -1 from 3 on.
  close(scaledSigmoid(-1), 0.9866143);
  close(scaledSigmoid(-0.5), 0.8482836);
  close(scaledSigmoid(0), 0);
  close(scaledSigmoid(1), -0.9866143);
  assert.equal(scaledSigmoid(3), -1);
});

test('probationary period is 15% of the rows, capped at 750', () => {
  assert.equal(probationaryLength(20), 3);
  assert.equal(probationaryLength(4032), 604);
  assert.equal(probationaryLength(15902), 750);
});

test('a detection inside a window scores the sigmoid of its relative position over the left-edge maximum', () => {
  // Row 11: position = -(13 - 11 + 1) / 4 = -0.75; 2/(1+e^-3.75) - 1 = 0.9540453; / 0.9866143 = 0.9669891.
  const sweeper = new Sweeper({ costMatrix: STANDARD });
  const { row } = sweeper.scoreDataSet(TS, firing([11]), WINDOW, 'a', 1);
  close(row.score, 0.9669891);
  assert.deepEqual([row.tp, row.fp, row.fn, row.tn], [1, 0, 3, 13]);
});

test('earliest detection counts, false positives weigh by position, probation ignored', () => {
  // Row 1 is probationary (ignored). Row 5 precedes every window: -fpWeight = -0.11.
  // Row 10 is the left edge: +1 (tpWeight * maxTP / maxTP); row 12 adds nothing, the window keeps its best.
  // Row 16 is |13 - 16| / (4 - 1) = 1 window past: 0.11 * (2/(1+e^5) - 1) = 0.11 * -0.9866143 = -0.1085276.
  // Total 1 - 0.11 - 0.1085276 = 0.7814724.
  const sweeper = new Sweeper({ costMatrix: STANDARD });
  const { row } = sweeper.scoreDataSet(TS, firing([1, 5, 10, 12, 16]), WINDOW, 'b', 1);
  close(row.score, 0.7814724);
  // 17 scorable rows: 4 in the window (tp 10, 12; fn 11, 13), 13 outside (fp 5, 16; tn 11).
  assert.deepEqual([row.tp, row.fp, row.fn, row.tn, row.total], [2, 2, 2, 11, 17]);
});

test('a missed window costs -fnWeight; the reward_low_FN profile doubles it', () => {
  // Only row 16 fires: -1 (missed window) - 0.1085276 = -1.1085276; with fnWeight 2: -2.1085276.
  const standard = new Sweeper({ costMatrix: STANDARD }).scoreDataSet(TS, firing([16]), WINDOW, 'c', 1);
  close(standard.row.score, -1.1085276);
  const lowFn = new Sweeper({ costMatrix: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 } }).scoreDataSet(TS, firing([16]), WINDOW, 'c', 1);
  close(lowFn.row.score, -2.1085276);
});

test('score by threshold sweeps from detecting nothing to detecting everything', () => {
  // Scores 0.9 at row 10, 0.5 at row 5, 0 elsewhere. Thresholds: 1.1 -> -1 (missed window);
  // 0.9 -> +1; 0.5 -> 1 - 0.11 = 0.89; 0 -> every row fires: the window still scores 1, the 7 rows
  // 3..9 cost 7 * 0.11 = 0.77 and rows 14..19, at (i - 13)/3 windows past, cost
  // 0.11 * (0.6822618 + 0.9311096 + 0.9866143 + 0.9974580 + 0.9995194 + 0.9999092) = 0.6156559:
  // 1 - 0.77 - 0.6156559 = -0.3856559.
  const scores = TS.map((_, i) => (i === 10 ? 0.9 : i === 5 ? 0.5 : 0));
  const sweeper = new Sweeper({ costMatrix: STANDARD });
  const rows = sweeper.calcScoreByThreshold(sweeper.calcSweepScore(TS, scores, WINDOW, 'd'));
  assert.deepEqual(rows.map((r) => r.threshold), [1.1, 0.9, 0.5, 0]);
  close(rows[0]!.score, -1);
  close(rows[1]!.score, 1);
  close(rows[2]!.score, 0.89);
  close(rows[3]!.score, -0.3856559);
  // A threshold between two scores detects the rows at or above it: 0.7 behaves as 0.9.
  close(sweeper.scoreDataSet(TS, scores, WINDOW, 'd', 0.7).row.score, 1);
});

test('a window limit that is not a timestamp of the series is an error', () => {
  const sweeper = new Sweeper({ costMatrix: STANDARD });
  assert.throws(() => sweeper.calcSweepScore(TS, firing([]), [[10 * MINUTE + 1, 13 * MINUTE]], 'e'), /not a timestamp/);
});
