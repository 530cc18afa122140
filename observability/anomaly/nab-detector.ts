/**
 * weir's detector on NAB: two baselines (a rolling band, and the same time one day earlier) ->
 * standardized distance from each -> an anomaly likelihood per baseline -> their mean as the
 * confidence -> a refractory period. Once a point fires (confidence >= `fireAt`), confidences are held at 0 for
 * `refractoryMs` of event time: one anomaly is one detection, which is also what an on-call engineer
 * wants. It sees only timestamps and values, in order; labels are added by the harness afterwards.
 * It runs inside weir's stream engine as `detectNabAnomalies` (detector-processor.ts), one instance
 * per series kept in a state store; `toData`/`fromData` are how the store holds it.
 */
import { AnomalyLikelihood, type AnomalyLikelihoodData, type AnomalyLikelihoodOptions } from '../alerts/anomaly-likelihood';
import { standardizedDistance } from '../alerts/anomaly-signal';
import { RollingBand, type RollingBandData, type RollingBandOptions } from './rolling-band';
import { DailyDifference, type DailyDifferenceData } from './daily-difference';

export interface NabDetectorOptions {
  readonly band?: RollingBandOptions;
  readonly likelihood?: AnomalyLikelihoodOptions;
  /** Confidence at which a point counts as a detection and starts the refractory period (default 0.5). */
  readonly fireAt?: number;
  /** Event time after a detection during which confidences are held at 0 (default one day). */
  readonly refractoryMs?: number;
}

export const NAB_DETECTOR_DEFAULTS = { fireAt: 0.5, refractoryMs: 86_400_000 } as const;

/** A detector's state for one series, as stored (`lastFired` null before the first detection). */
export interface NabDetectorData {
  readonly band: RollingBandData;
  readonly daily: DailyDifferenceData;
  readonly likelihood: AnomalyLikelihoodData;
  readonly dailyLikelihood: AnomalyLikelihoodData;
  readonly lastFired: number | null;
}

const LIKELIHOOD_DEFAULTS: AnomalyLikelihoodOptions = { historyLength: 3000, shortLength: 2 };

export class NabDetector {
  private band: RollingBand;
  private likelihood: AnomalyLikelihood;
  private daily = new DailyDifference();
  private dailyLikelihood: AnomalyLikelihood;
  private readonly fireAt: number;
  private readonly refractoryMs: number;
  private lastFired = Number.NEGATIVE_INFINITY;

  constructor(options: NabDetectorOptions = {}) {
    this.band = new RollingBand(options.band);
    this.likelihood = new AnomalyLikelihood(options.likelihood ?? LIKELIHOOD_DEFAULTS);
    this.dailyLikelihood = new AnomalyLikelihood(options.likelihood ?? LIKELIHOOD_DEFAULTS);
    this.fireAt = options.fireAt ?? NAB_DETECTOR_DEFAULTS.fireAt;
    this.refractoryMs = options.refractoryMs ?? NAB_DETECTOR_DEFAULTS.refractoryMs;
  }

  /** Its state; `fromData` with the same options gives a detector that scores the rest of the series identically. */
  toData(): NabDetectorData {
    return {
      band: this.band.toData(),
      daily: this.daily.toData(),
      likelihood: this.likelihood.toData(),
      dailyLikelihood: this.dailyLikelihood.toData(),
      lastFired: Number.isFinite(this.lastFired) ? this.lastFired : null,
    };
  }

  static fromData(data: NabDetectorData, options: NabDetectorOptions = {}): NabDetector {
    const detector = new NabDetector(options);
    detector.band = RollingBand.fromData(data.band, options.band);
    detector.daily = DailyDifference.fromData(data.daily);
    detector.likelihood = AnomalyLikelihood.fromData(data.likelihood, options.likelihood ?? LIKELIHOOD_DEFAULTS);
    detector.dailyLikelihood = AnomalyLikelihood.fromData(data.dailyLikelihood, options.likelihood ?? LIKELIHOOD_DEFAULTS);
    detector.lastFired = data.lastFired ?? Number.NEGATIVE_INFINITY;
    return detector;
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
