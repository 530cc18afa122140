/**
 * weir's detector on NAB: two baselines (a rolling band, and the same time one day earlier) ->
 * standardized distance from each -> an anomaly likelihood per baseline -> their mean as the
 * confidence -> a refractory period. Once a point fires (confidence >= `fireAt`), confidences are held at 0 for
 * `refractoryMs` of event time: one anomaly is one detection, which is also what an on-call engineer
 * wants. It sees only timestamps and values, in order; labels are added by the harness afterwards.
 */
import { AnomalyLikelihood, type AnomalyLikelihoodOptions } from '../../../observability/alerts/anomaly-likelihood';
import { standardizedDistance } from '../../../observability/alerts/anomaly-signal';
import { RollingBand, type RollingBandOptions } from './rolling-band';
import { DailyDifference } from './daily-difference';

export interface NabDetectorOptions {
  readonly band?: RollingBandOptions;
  readonly likelihood?: AnomalyLikelihoodOptions;
  /** Confidence at which a point counts as a detection and starts the refractory period (default 0.5). */
  readonly fireAt?: number;
  /** Event time after a detection during which confidences are held at 0 (default one day). */
  readonly refractoryMs?: number;
}

export const NAB_DETECTOR_DEFAULTS = { fireAt: 0.5, refractoryMs: 86_400_000 } as const;

export class NabDetector {
  private readonly band: RollingBand;
  private readonly likelihood: AnomalyLikelihood;
  private readonly daily = new DailyDifference();
  private readonly dailyLikelihood: AnomalyLikelihood;
  private readonly fireAt: number;
  private readonly refractoryMs: number;
  private lastFired = Number.NEGATIVE_INFINITY;

  constructor(options: NabDetectorOptions = {}) {
    this.band = new RollingBand(options.band);
    this.likelihood = new AnomalyLikelihood(options.likelihood ?? { historyLength: 3000, shortLength: 2 });
    this.dailyLikelihood = new AnomalyLikelihood(options.likelihood ?? { historyLength: 3000, shortLength: 2 });
    this.fireAt = options.fireAt ?? NAB_DETECTOR_DEFAULTS.fireAt;
    this.refractoryMs = options.refractoryMs ?? NAB_DETECTOR_DEFAULTS.refractoryMs;
  }

  /** Anomaly score in [0, 1] for the next point of the series. */
  handleRecord(timestamp: number, value: number): number {
    const band = this.band.predict();
    this.band.learn(value);
    const dailyBand = this.daily.predict(timestamp);
    this.daily.learn(timestamp, value);
    const local = this.likelihood.update(band ? standardizedDistance(value, band) : 0);
    const seasonal = this.dailyLikelihood.update(dailyBand ? standardizedDistance(value, dailyBand) : 0);
    const confidence = (local + seasonal) / 2;
    if (timestamp - this.lastFired < this.refractoryMs) return 0;
    if (confidence >= this.fireAt) this.lastFired = timestamp;
    return confidence;
  }
}

/** Runs a fresh detector over each series as a stream. */
export function detectSeries(timestamps: readonly number[], values: readonly number[], options?: NabDetectorOptions): number[] {
  const detector = new NabDetector(options);
  return values.map((v, i) => detector.handleRecord(timestamps[i]!, v));
}
