/**
 * Calibrates a baseline's band for the horizon alerting reads it at (split conformal prediction,
 * online): each learned window's error against the forecast that was issued for it, in units of
 * the sigma that forecast carried, goes into an exponentially decayed histogram of |z|; the band's
 * multiplier is the histogram's 99 % quantile scaled by `nominalSigmas` / 2.576, aiming at the
 * coverage of a normal ±`nominalSigmas` band (99.73 % for 3). Whatever makes the issued forecast worse than the spread says (its lead time,
 * a noisy per-slot spread, heavy tails) widens the band by exactly as much as it costs coverage,
 * and a single huge outlier moves the quantile by one rank, not by its size. Used by the model only
 * with `calibratedBands`; the coverage is tracked either way.
 *
 * The histogram starts with `priorWindows` pseudo-windows of a standard half-normal, so a new
 * model's multiplier is the nominal one and moves as its own errors arrive. The share of learned
 * windows inside their issued band is kept beside it (same decay): the coverage each forecast
 * reports.
 */
import { normalTail } from '../alerts/anomaly-likelihood';

export interface BandCalibrationOptions {
  /** Band half-width in standard deviations of a normal error: sets the target coverage. */
  readonly nominalSigmas: number;
  /** Half-life of the histogram in learned windows. Default 576. */
  readonly halfLifeWindows?: number;
  /** Weight of the half-normal prior, in windows. Default 1000. */
  readonly priorWindows?: number;
}

/** Plain data, part of the model state. */
export interface BandCalibrationState {
  /** Decayed counts of |z| in bins of `BIN_WIDTH`; the last bin holds everything above. */
  bins: number[];
  /** Decayed count of scored windows inside their issued band, and of all scored windows. */
  inside: number;
  scored: number;
}

/**
 * The quantile is read at 99 % (2.576 sigmas of a normal) and scaled to the nominal sigmas: at the
 * 99.73 % quantile itself a handful of windows decide, so a short incident learned before it was
 * declared would open every band for days; at 99 % four such windows move it by a third of its tail.
 */
const ANCHOR_SIGMAS = 2.5758293035489;
const BIN_WIDTH = 0.1;
const BINS = 120;
/** A multiplier never exceeds this (the histogram's range), whatever the errors. */
export const MAX_MULTIPLIER = BIN_WIDTH * (BINS - 1);

export class BandCalibration {
  private readonly decay: number;
  private cached: number | null = null;
  private readonly anchorSigmas: number;
  private readonly anchorRate: number;
  private readonly nominalSigmas: number;
  /** Two-sided miss rate of a normal ±nominalSigmas band. */
  readonly missRate: number;

  constructor(
    private readonly s: BandCalibrationState,
    options: BandCalibrationOptions,
  ) {
    this.decay = Math.pow(0.5, 1 / (options.halfLifeWindows ?? 576));
    this.missRate = 2 * normalTail(options.nominalSigmas);
    this.anchorSigmas = Math.min(options.nominalSigmas, ANCHOR_SIGMAS);
    this.anchorRate = 2 * normalTail(this.anchorSigmas);
    this.nominalSigmas = options.nominalSigmas;
  }

  static initialState(priorWindows = 1000): BandCalibrationState {
    const bins = new Array<number>(BINS).fill(0);
    for (let i = 0; i < BINS; i++) {
      const upper = i === BINS - 1 ? 0 : 2 * normalTail((i + 1) * BIN_WIDTH);
      bins[i] = priorWindows * (2 * normalTail(i * BIN_WIDTH) - upper);
    }
    return { bins, inside: 0, scored: 0 };
  }

  /** The band's half-width in sigmas: the decayed |z| histogram's 99 % quantile scaled to the nominal sigmas. */
  multiplier(): number {
    return (this.cached ??= Math.min(MAX_MULTIPLIER, (this.quantile() * this.nominalSigmas) / this.anchorSigmas));
  }

  private quantile(): number {
    const bins = this.s.bins;
    let total = 0;
    for (let i = 0; i < BINS; i++) total += bins[i]!;
    let above = this.anchorRate * total;
    for (let i = BINS - 1; i >= 0; i--) {
      const w = bins[i]!;
      if (w >= above) {
        if (i === BINS - 1) return MAX_MULTIPLIER;
        // Spread uniformly within its bin: the quantile lies `above / w` of the way down from its top.
        return (i + 1 - above / w) * BIN_WIDTH;
      }
      above -= w;
    }
    return 0;
  }

  /** One learned window: |error| / (expected * sigma) of its issued forecast, and whether it was inside that band. */
  observe(z: number, inside: boolean): void {
    if (!Number.isFinite(z) && z !== Infinity) return;
    this.cached = null;
    const bins = this.s.bins;
    for (let i = 0; i < BINS; i++) bins[i] *= this.decay;
    bins[Math.min(BINS - 1, Math.floor(Math.abs(z) / BIN_WIDTH))] += 1;
    this.s.inside = this.s.inside * this.decay + (inside ? 1 : 0);
    this.s.scored = this.s.scored * this.decay + 1;
  }

  /** Decayed share of scored windows that were inside their issued band; null before any. */
  coverage(): number | null {
    return this.s.scored > 0 ? this.s.inside / this.s.scored : null;
  }
}
