/**
 * NAB's scorer, as numenta/NAB's `nab/sweeper.py` (NAB 1.1) computes it: every row gets the score it
 * would add if it were a detection, then one sweep over the rows sorted by anomaly score gives the
 * corpus score at every threshold. Kept line-for-line close to the Python so results can be compared.
 */
import { WeirError } from '../../../errors/weir-error';

/** A profile's weights, as in NAB's `config/profiles.json`. */
export interface CostMatrix {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
  readonly tnWeight?: number;
}

/** One row after `calcSweepScore`: `windowName` is null outside windows, `probationary` rows are never scored. */
export interface AnomalyPoint {
  readonly timestamp: number;
  readonly anomalyScore: number;
  readonly sweepScore: number;
  readonly windowName: string | null;
  readonly probationary: boolean;
}

/** The corpus (or file) score when every row with anomaly score >= `threshold` is a detection. */
export interface ThresholdScore {
  readonly threshold: number;
  readonly score: number;
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly total: number;
}

/** An anomaly window as [first timestamp, last timestamp], both inclusive, epoch ms. */
export type WindowLimits = readonly [number, number];

export const DEFAULT_PROBATION_PERCENT = 0.15;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * 2/(1+e^(5y)) - 1: 0.98661 at the left edge of a window (y = -1), 0 at its right edge (y = 0),
 * -0.98661 one window-width past it (y = 1), and exactly -1 from y >= 3 (NAB's cut-off).
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition >= 3.0) return -1.0;
  return 2 * sigmoid(-5 * relativePosition) - 1.0;
}

/** NAB's `getProbationPeriod`: 15% of the rows, but never more than 15% of 5000 rows (750). */
export function probationaryLength(rows: number, probationPercent = DEFAULT_PROBATION_PERCENT): number {
  return Math.min(Math.floor(probationPercent * rows), probationPercent * 5000);
}

export interface SweeperOptions {
  readonly costMatrix: CostMatrix;
  readonly probationPercent?: number;
}

export class Sweeper {
  private readonly cost: CostMatrix;
  private readonly probationPercent: number;

  constructor(options: SweeperOptions) {
    this.cost = options.costMatrix;
    this.probationPercent = options.probationPercent ?? DEFAULT_PROBATION_PERCENT;
  }

  /**
   * Scores every row of one data set as if it were a detection. Window limits must be timestamps of
   * the series (NAB enters a window only on an exact timestamp match); a limit that is not one is an error
   * rather than a silently missed window.
   */
  calcSweepScore(timestamps: readonly number[], anomalyScores: readonly number[], windowLimits: readonly WindowLimits[], dataSetName: string): AnomalyPoint[] {
    if (timestamps.length !== anomalyScores.length) {
      throw new WeirError('INVALID_CONFIG', 'timestamps and anomaly scores differ in length', { dataSet: dataSetName, timestamps: timestamps.length, scores: anomalyScores.length });
    }
    const bad = anomalyScores.findIndex((a) => !Number.isFinite(a));
    if (bad >= 0) throw new WeirError('INVALID_CONFIG', 'anomaly score is not a finite number', { dataSet: dataSetName, row: bad, value: String(anomalyScores[bad]) });
    const indexOf = new Map<number, number>();
    timestamps.forEach((t, i) => { if (!indexOf.has(t)) indexOf.set(t, i); });
    const windows = windowLimits.map(([start, end]) => {
      const left = indexOf.get(start);
      const right = indexOf.get(end);
      if (left === undefined || right === undefined) {
        throw new WeirError('INVALID_CONFIG', 'anomaly window limit is not a timestamp of the series', { dataSet: dataSetName, start: new Date(start).toISOString(), end: new Date(end).toISOString() });
      }
      return { start, end, left, right };
    });

    const out: AnomalyPoint[] = [];
    const maxTP = scaledSigmoid(-1.0);
    const probation = probationaryLength(timestamps.length, this.probationPercent);
    let next = 0;
    let cur: (typeof windows)[number] | undefined;
    let curName: string | null = null;
    let curWidth = 0;
    let prevRight: number | undefined;
    let prevWidth = 0;

    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i]!;
      if (next < windows.length && t === windows[next]!.start) {
        cur = windows[next++]!;
        curName = `${dataSetName}|${cur.start}`;
        curWidth = cur.right - cur.left + 1;
      }
      let weighted: number;
      if (cur !== undefined) {
        // NAB's `+ 1`: the earliest row of a window sits at -1, the last at -1/width (never exactly 0).
        const position = -(cur.right - i + 1) / curWidth;
        weighted = (scaledSigmoid(position) * this.cost.tpWeight) / maxTP;
      } else {
        const positionPast = prevRight === undefined ? 3.0 : Math.abs(prevRight - i) / (prevWidth - 1);
        weighted = scaledSigmoid(positionPast) * this.cost.fpWeight;
      }
      out.push({ timestamp: t, anomalyScore: anomalyScores[i]!, sweepScore: weighted, windowName: curName, probationary: i < probation });
      if (cur !== undefined && t === cur.end) {
        prevRight = i;
        prevWidth = curWidth;
        cur = undefined;
        curName = null;
      }
    }
    return out;
  }

  /**
   * The score at every distinct threshold, highest first; the first entry (threshold 1.1) detects
   * nothing. Each window counts its best (earliest) detection or -fnWeight; every false positive counts.
   */
  calcScoreByThreshold(anomalyList: readonly AnomalyPoint[]): ThresholdScore[] {
    const scorable = anomalyList.filter((p) => !p.probationary);
    // Stable sort, highest anomaly score first, as Python's sorted(reverse=True).
    const order = scorable.map((_, i) => i).sort((a, b) => scorable[b]!.anomalyScore - scorable[a]!.anomalyScore || a - b);
    const windowParts = new Map<string, number>();
    for (const p of scorable) if (p.windowName !== null) windowParts.set(p.windowName, -this.cost.fnWeight);
    let partsSum = -this.cost.fnWeight * windowParts.size;
    let fpPart = 0;

    let tn = 0;
    let fn = 0;
    for (const p of scorable) p.windowName === null ? tn++ : fn++;
    let tp = 0;
    let fp = 0;
    const result: ThresholdScore[] = [];
    let curThreshold = 1.1;
    for (const idx of order) {
      const p = scorable[idx]!;
      if (p.anomalyScore !== curThreshold) {
        result.push({ threshold: curThreshold, score: fpPart + partsSum, tp, tn, fp, fn, total: tp + tn + fp + fn });
        curThreshold = p.anomalyScore;
      }
      if (p.windowName === null) {
        fp++;
        tn--;
        fpPart += p.sweepScore;
      } else {
        tp++;
        fn--;
        const before = windowParts.get(p.windowName)!;
        if (p.sweepScore > before) {
          windowParts.set(p.windowName, p.sweepScore);
          partsSum += p.sweepScore - before;
        }
      }
    }
    result.push({ threshold: curThreshold, score: fpPart + partsSum, tp, tn, fp, fn, total: tp + tn + fp + fn });
    return result;
  }

  /**
   * Scores one data set at a fixed threshold: every row with anomaly score >= threshold is a detection.
   * (NAB returns no row when the threshold is below every score of the file; the row detecting
   * everything is returned instead, which is what ">= threshold" means.)
   */
  scoreDataSet(timestamps: readonly number[], anomalyScores: readonly number[], windowLimits: readonly WindowLimits[], dataSetName: string, threshold: number): { sweepScores: number[]; row: ThresholdScore } {
    const list = this.calcSweepScore(timestamps, anomalyScores, windowLimits, dataSetName);
    const byThreshold = this.calcScoreByThreshold(list);
    let row: ThresholdScore = byThreshold[byThreshold.length - 1]!;
    let prev: ThresholdScore | undefined;
    for (const s of byThreshold) {
      if (s.threshold === threshold) { row = s; break; }
      if (s.threshold < threshold) { row = prev ?? s; break; }
      prev = s;
    }
    return { sweepScores: list.map((p) => p.sweepScore), row };
  }
}
