/**
 * The drift report of one baseline model (deep-dive "Drift Detection"): feature drift as the
 * two-sample KS test between the training reference (blocks of consecutive actual-to-forecast
 * ratios seen while the model learned) and the same ratios over the recent window, so seasonality
 * does not count as drift, with a p-value that accounts for the ratios' autocorrelation
 * (`block-ks-test.ts`); prediction error as MAPE over the recent window; concept drift as the
 * Kullback-Leibler divergence KL(recent || active) between the normal distributions of the ratio
 * that a model fitted on recent data only (its median) and the active model (1) imply, both at the
 * active model's sigma scaled by the same dependence inflation (the median of correlated windows
 * strays as much further as D does): (median - 1)^2 / (2 sigma^2), so 0.5 means the centre moved
 * one such sigma.
 */
import { blockKsTest } from './block-ks-test';
import { MapeAccumulator } from '../../stats/mape';
import type { DriftReport } from '../../schemas/drift-report';

export interface DriftThresholds {
  /** Feature drift when the KS p-value is below this. Default 0.01. */
  readonly pValue?: number;
  /** Prediction drift when MAPE is above this. Default 0.3. */
  readonly mape?: number;
  /** Concept drift when the divergence is above this. Default 0.5. */
  readonly divergence?: number;
}

export interface RecentObservation {
  readonly start: number;
  readonly end: number;
  readonly actual: number;
  /** The actual value divided by the active model's forecast for the window. */
  readonly feature: number;
  readonly predicted: number | null;
  /** The window may enter the training reference (model warm, learning not blocked, hour-of-week forecast); absent means no. */
  readonly reference?: boolean;
}

export interface DriftInputs {
  readonly modelId: string;
  readonly service: string;
  readonly metric: string;
  readonly modelVersion: string;
  /** Blocks of consecutive ratios, each as long as the recent window. */
  readonly referenceBlocks: readonly (readonly number[])[];
  readonly recent: readonly RecentObservation[];
  /** Level and relative sigma of the active model. */
  readonly activeLevel: number;
  readonly activeRelativeSigma: number;
}

/** Level and relative sigma of a model fitted on the recent features only (median and MAD: robust to one odd window). */
export function fitRecent(features: readonly number[]): { level: number; relativeSigma: number } {
  const sorted = [...features].sort((a, b) => a - b);
  const level = median(sorted);
  const deviations = sorted.map((v) => Math.abs(v - level)).sort((a, b) => a - b);
  // 1.4826 * MAD estimates sigma for normal data.
  const sigma = 1.4826 * median(deviations);
  return { level, relativeSigma: level > 0 ? sigma / level : 0 };
}

export function buildDriftReport(inputs: DriftInputs, thresholds: DriftThresholds = {}): DriftReport {
  const pThreshold = thresholds.pValue ?? 0.01;
  const mapeThreshold = thresholds.mape ?? 0.3;
  const divergenceThreshold = thresholds.divergence ?? 0.5;
  const features = inputs.recent.map((r) => r.feature);
  const ks = blockKsTest(inputs.referenceBlocks, features);
  const errors = new MapeAccumulator();
  for (const r of inputs.recent) if (r.predicted !== null) errors.add(r.actual, r.predicted);
  const mapeResult = errors.result();
  const mape = mapeResult.pairs > 0 ? mapeResult.mape : null;
  const recentFit = fitRecent(features);
  // At the active model's spread: a recent window that is merely narrower or wider is KS's business, a moved centre is concept drift.
  const activeSigma = inputs.activeLevel * inputs.activeRelativeSigma * ks.inflation;
  const divergence = gaussianKl(recentFit.level, activeSigma, inputs.activeLevel, activeSigma);
  const reasons: string[] = [];
  // An underflowed p-value is a bound (`<=`), never a 0 that a log or a ratio downstream would choke on.
  if (ks.pValue < pThreshold) reasons.push(`ks_p_value ${ks.pValueIsUpperBound ? '<= ' : ''}${ks.pValue.toPrecision(3)} < ${pThreshold}`);
  if (mape !== null && mape > mapeThreshold) reasons.push(`mape ${mape.toFixed(3)} > ${mapeThreshold}`);
  if (divergence > divergenceThreshold) reasons.push(`concept_divergence ${divergence.toFixed(3)} > ${divergenceThreshold}`);
  return {
    model_id: inputs.modelId,
    service: inputs.service,
    metric: inputs.metric,
    model_version: inputs.modelVersion,
    window_start: inputs.recent[0].start,
    window_end: inputs.recent[inputs.recent.length - 1].end,
    reference_size: inputs.referenceBlocks.reduce((n, b) => n + b.length, 0),
    recent_size: features.length,
    ks_statistic: ks.statistic,
    ks_p_value: ks.pValue,
    mape,
    concept_divergence: divergence,
    needs_retrain: reasons.length > 0,
    reasons,
  };
}

/** KL(N(m1, s1) || N(m2, s2)); sigmas are floored at 1e-9 of the means so flat series stay finite. */
function gaussianKl(m1: number, s1: number, m2: number, s2: number): number {
  const floor = 1e-9 * Math.max(Math.abs(m1), Math.abs(m2), 1e-12);
  const a = Math.max(s1, floor);
  const b = Math.max(s2, floor);
  return Math.log(b / a) + (a * a + (m1 - m2) * (m1 - m2)) / (2 * b * b) - 0.5;
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
