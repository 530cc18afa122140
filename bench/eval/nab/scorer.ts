/**
 * NAB's optimize, score and normalize steps (numenta/NAB `nab/optimizer.py`, `nab/runner.py`): the
 * threshold is chosen per profile over the whole corpus, each data set is scored at it, and the total
 * is normalized so the null detector (constant 0.5) scores 0 and a perfect one 100.
 */
import { WeirError } from '../../../errors/weir-error';
import type { NabCorpus } from './corpus';
import { Sweeper, type AnomalyPoint, type CostMatrix, type ThresholdScore } from './sweeper';

/** Anomaly scores in [0, 1] for every series of a corpus, by series name. */
export type DetectorScores = ReadonlyMap<string, readonly number[]>;

export interface DataSetScore {
  readonly name: string;
  readonly group: string;
  readonly windows: number;
  readonly row: ThresholdScore;
}

export interface ProfileScore {
  readonly profile: string;
  readonly threshold: number;
  /** Sum of the data sets' raw scores at the threshold. */
  readonly raw: number;
  readonly nullRaw: number;
  readonly perfect: number;
  /** 100 * (raw - null) / (perfect - null). */
  readonly normalized: number;
  readonly dataSets: DataSetScore[];
  /** Null detector's raw score per data set, for per-group normalization. */
  readonly nullByDataSet: ReadonlyMap<string, number>;
}

function sweepCorpus(corpus: NabCorpus, scores: DetectorScores, sweeper: Sweeper): AnomalyPoint[] {
  const rows: AnomalyPoint[] = [];
  for (const s of corpus.series) {
    const a = scores.get(s.name);
    if (!a) throw new WeirError('INVALID_CONFIG', 'no anomaly scores for a NAB series', { dataSet: s.name });
    for (const p of sweeper.calcSweepScore(s.timestamps, a, corpus.windows.get(s.name) ?? [], s.name)) rows.push(p);
  }
  return rows;
}

/** The threshold with the best corpus score (ties go to the higher threshold, as NAB's stable sort does). */
export function optimizeThreshold(corpus: NabCorpus, scores: DetectorScores, costMatrix: CostMatrix): ThresholdScore {
  const sweeper = new Sweeper({ costMatrix });
  const byThreshold = sweeper.calcScoreByThreshold(sweepCorpus(corpus, scores, sweeper));
  let best = byThreshold[0]!;
  for (const s of byThreshold) if (s.score > best.score) best = s;
  return best;
}

function scoreAt(corpus: NabCorpus, scores: DetectorScores, costMatrix: CostMatrix, threshold: number): DataSetScore[] {
  const sweeper = new Sweeper({ costMatrix });
  return corpus.series.map((s) => {
    const windows = corpus.windows.get(s.name) ?? [];
    const { row } = sweeper.scoreDataSet(s.timestamps, scores.get(s.name)!, windows, s.name, threshold);
    return { name: s.name, group: s.group, windows: windows.length, row };
  });
}

/** NAB's null detector: 0.5 everywhere. */
export function nullDetectorScores(corpus: NabCorpus): DetectorScores {
  return new Map(corpus.series.map((s) => [s.name, s.values.map(() => 0.5)]));
}

/** Scores a detector on every profile of the corpus. */
export function scoreDetector(corpus: NabCorpus, scores: DetectorScores): ProfileScore[] {
  const nulls = nullDetectorScores(corpus);
  const windowCount = corpus.series.reduce((n, s) => n + (corpus.windows.get(s.name)?.length ?? 0), 0);
  const out: ProfileScore[] = [];
  for (const [profile, cost] of corpus.profiles) {
    const nullBest = optimizeThreshold(corpus, nulls, cost);
    const nullSets = scoreAt(corpus, nulls, cost, nullBest.threshold);
    const nullRaw = nullSets.reduce((a, d) => a + d.row.score, 0);
    const best = optimizeThreshold(corpus, scores, cost);
    const dataSets = scoreAt(corpus, scores, cost, best.threshold);
    const raw = dataSets.reduce((a, d) => a + d.row.score, 0);
    // NAB's perfect score counts every labelled window at tpWeight.
    const perfect = windowCount * cost.tpWeight;
    out.push({
      profile, threshold: best.threshold, raw, nullRaw, perfect,
      normalized: (100 * (raw - nullRaw)) / (perfect - nullRaw),
      dataSets,
      nullByDataSet: new Map(nullSets.map((d) => [d.name, d.row.score])),
    });
  }
  return out;
}

/** Per-group normalized score at the corpus threshold (NAB only normalizes totals; this splits the same sums by group). */
export function scoreByGroup(p: ProfileScore, tpWeight: number): { group: string; series: number; windows: number; raw: number; normalized: number | null }[] {
  const groups = new Map<string, { series: number; windows: number; raw: number; nullRaw: number }>();
  for (const d of p.dataSets) {
    const g = groups.get(d.group) ?? { series: 0, windows: 0, raw: 0, nullRaw: 0 };
    g.series++;
    g.windows += d.windows;
    g.raw += d.row.score;
    g.nullRaw += p.nullByDataSet.get(d.name) ?? 0;
    groups.set(d.group, g);
  }
  return [...groups].map(([group, g]) => {
    const perfect = g.windows * tpWeight;
    return { group, series: g.series, windows: g.windows, raw: g.raw, normalized: perfect === g.nullRaw ? null : (100 * (g.raw - g.nullRaw)) / (perfect - g.nullRaw) };
  });
}
