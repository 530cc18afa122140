/**
 * Online seasonal baseline for one (service, metric): a multiplicative level x season model in the
 * manner of Holt-Winters. The level is an exponentially weighted mean of deseasonalized values
 * (it follows a lasting shift within hours); the season is an hour-of-week profile of
 * exponentially weighted factors, with an hour-of-day profile learned beside it as the fallback
 * while a week slot has too few samples, and no season (factor 1) before that. The band comes from
 * a robust spread: an exponentially weighted mean absolute relative error of the one-step forecast,
 * each residual clipped to a few spreads so one outlier cannot blow the band open; season updates
 * are clipped too, so one odd window cannot bend the profile.
 */
import { WeirError } from '../../errors/weir-error';
import { BandCalibration, type BandCalibrationState } from './band-calibration';

export type ProfileLevel = 'hour_of_week' | 'hour_of_day' | 'global';

export interface SeasonalBaselineOptions {
  /** Weight of a new deseasonalized value in the level. Default 0.05 (half-life ~14 windows: a lasting shift is followed within hours). */
  readonly levelAlpha?: number;
  /** Weight of a new value in its season slot. Default 0.25. Each update is clipped to `seasonClipSpreads` spreads around the slot's factor, so a level shift moves the level instead of being absorbed as season. */
  readonly seasonAlpha?: number;
  /** Weight of a new residual in the spread. Default 0.1. */
  readonly spreadAlpha?: number;
  /** Samples a slot needs before it is used instead of the coarser level. Default 3. */
  readonly minSlotSamples?: number;
  /**
   * Nominal band half-width in standard deviations. Default 3. It sets the coverage the band aims
   * for (that of a normal ±3 sigma band, 99.73 %); the multiplier actually applied is calibrated on
   * the model's own errors at the lead time its forecasts are read (see `band-calibration.ts`).
   */
  readonly bandSigmas?: number;
  /**
   * Bands calibrated for the lead time alerting reads them at: the spread learns from the error of
   * the forecast issued for each window, and the half-width in sigmas is the calibrated quantile
   * (`band-calibration.ts`) instead of `bandSigmas`. Default false for now: in a model's first week
   * its forecasts at the flagship's lead are poor, calibrated bands are honestly wide, and the
   * labelled scenarios (5 days) lose recall (see issue 16's note). Coverage is reported either way.
   */
  readonly calibratedBands?: boolean;
  /** Half-life, in learned windows, of the band calibration's error histogram. Default 576 (two days of 5-minute windows: short enough to follow a model whose errors shrink as it learns its season). */
  readonly calibrationHalfLifeWindows?: number;
  /** Floor of the relative standard deviation, so a perfectly flat series still has a band. Default 0.02. */
  readonly minRelativeSigma?: number;
  /** Residuals are clipped to this many spreads before they update the spread. Default 4. */
  readonly clipSpreads?: number;
  /** A season slot moves by at most this many relative spreads per update. Default 2. */
  readonly seasonClipSpreads?: number;
  /** Smallest season factor a slot can hold. Default 0.05. A window at 0 (an error rate with no error) would otherwise set its slot to 0, and a multiplicative season cannot divide by it or climb back from it. */
  readonly minSeasonFactor?: number;
}

export interface BaselineForecast {
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  /** Which profile the season factor came from. */
  readonly level: ProfileLevel;
  /** Relative standard deviation of the error, from the spread (floored). */
  readonly sigma: number;
  /** Half-width of the band in sigmas, as calibrated. */
  readonly multiplier: number;
  /** Share of recently learned windows that fell inside the band issued for them (decayed); null before any. */
  readonly coverage: number | null;
}

/** A forecast issued earlier for the window being learned (what alerting compared it with): its error is scored. */
export type IssuedForecast = Pick<BaselineForecast, 'expected' | 'lower' | 'upper' | 'level' | 'sigma'>;

interface Profile {
  factor: number[];
  spread: number[];
  samples: number[];
  spreadSamples: number[];
}

/** Plain data, so it round-trips through a store and seeds a shadow model. */
export interface SeasonalBaselineState {
  level: number;
  samples: number;
  week: Profile;
  day: Profile;
  globalSpread: number;
  globalSpreadSamples: number;
  /** Absent in states stored before bands were calibrated: such a model restarts from the prior. */
  calibration?: BandCalibrationState;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The mean absolute deviation of a normal variable is sigma * sqrt(2 / pi). */
const MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);

export function hourOfWeek(timestamp: number): number {
  // 1970-01-01 was a Thursday; slot 0 is Sunday 00:00 UTC.
  const day = (((Math.floor(timestamp / DAY_MS) + 4) % 7) + 7) % 7;
  return day * 24 + hourOfDay(timestamp);
}

export function hourOfDay(timestamp: number): number {
  return ((Math.floor(timestamp / HOUR_MS) % 24) + 24) % 24;
}

/**
 * ```ts
 * const model = new SeasonalBaseline();
 * const next = model.predict(windowStart);  // before the window is seen
 * model.learn(actual, windowStart);         // when it closes, if learning is allowed
 * ```
 */
export class SeasonalBaseline {
  private readonly s: SeasonalBaselineState;
  private readonly levelAlpha: number;
  private readonly seasonAlpha: number;
  private readonly spreadAlpha: number;
  private readonly minSlotSamples: number;
  private readonly bandSigmas: number;
  private readonly minRelativeSigma: number;
  private readonly clipSpreads: number;
  private readonly seasonClipSpreads: number;
  private readonly minSeasonFactor: number;
  private readonly calibrationHalfLifeWindows: number;
  private readonly calibratedBands: boolean;
  private readonly calibration: BandCalibration;

  constructor(options: SeasonalBaselineOptions = {}, state?: SeasonalBaselineState) {
    this.levelAlpha = fraction('levelAlpha', options.levelAlpha ?? 0.05);
    this.seasonAlpha = fraction('seasonAlpha', options.seasonAlpha ?? 0.25);
    this.spreadAlpha = fraction('spreadAlpha', options.spreadAlpha ?? 0.1);
    this.minSlotSamples = options.minSlotSamples ?? 3;
    this.bandSigmas = options.bandSigmas ?? 3;
    this.minRelativeSigma = options.minRelativeSigma ?? 0.02;
    this.clipSpreads = options.clipSpreads ?? 4;
    this.seasonClipSpreads = options.seasonClipSpreads ?? 2;
    this.minSeasonFactor = fraction('minSeasonFactor', options.minSeasonFactor ?? 0.05);
    this.calibratedBands = options.calibratedBands ?? false;
    this.calibrationHalfLifeWindows = options.calibrationHalfLifeWindows ?? 576;
    if (!(this.calibrationHalfLifeWindows >= 1)) throw new WeirError('INVALID_CONFIG', 'calibrationHalfLifeWindows must be >= 1', { option: 'calibrationHalfLifeWindows', value: this.calibrationHalfLifeWindows });
    this.s = state ? healed(structuredClone(state), this.minSeasonFactor) : emptyState();
    this.calibration = new BandCalibration((this.s.calibration ??= BandCalibration.initialState()), { nominalSigmas: this.bandSigmas, halfLifeWindows: this.calibrationHalfLifeWindows });
  }

  get samples(): number {
    return this.s.samples;
  }

  get level(): number {
    return this.s.level;
  }

  /** Expected value and band for the window starting at `timestamp`; null before the first sample. */
  predict(timestamp: number): BaselineForecast | null {
    if (this.s.samples === 0) return null;
    const [factor, level] = this.seasonFactor(timestamp);
    const expected = this.s.level * factor;
    const sigma = Math.max(this.relativeSpread(timestamp) * MAD_TO_SIGMA, this.minRelativeSigma);
    const multiplier = this.calibratedBands ? this.calibration.multiplier() : this.bandSigmas;
    const half = Math.abs(expected) * multiplier * sigma;
    return { expected, lower: Math.max(0, expected - half), upper: expected + half, level, sigma, multiplier, coverage: this.calibration.coverage() };
  }

  /**
   * Learns the actual value of the window at `timestamp`. `issued` is the forecast alerting compared
   * it with, made some windows earlier (`learnDelayWindows`): its error, not the one-step error,
   * feeds the spread and the band calibration, so the band is as wide as the error at that lead.
   * Without it, the forecast the model would make now is scored.
   */
  learn(value: number, timestamp: number, issued?: IssuedForecast): void {
    if (!Number.isFinite(value)) return;
    const s = this.s;
    const oneStep = this.predict(timestamp);
    // Coverage is always measured on what alerting compared; the spread learns from it only with calibrated bands.
    const scored = issued ?? oneStep;
    const before = this.calibratedBands ? scored : oneStep;
    const [factor] = this.seasonFactor(timestamp);
    const deseasonalized = value / factor;
    s.level = s.samples === 0 ? deseasonalized : s.level + this.levelAlpha * (deseasonalized - s.level);
    const week = hourOfWeek(timestamp);
    const day = hourOfDay(timestamp);
    if (s.level > 0) {
      const relative = value / s.level;
      const spread = this.relativeSpread(timestamp);
      const clip = spread > 0 ? this.seasonClipSpreads * spread : Infinity;
      updateFactor(s.week, week, relative, this.seasonAlpha, clip, this.minSeasonFactor);
      updateFactor(s.day, day, relative, this.seasonAlpha, clip, this.minSeasonFactor);
    }
    if (scored && scored.expected > 0) this.calibration.observe(Math.abs(value - scored.expected) / scored.expected / scored.sigma, value >= scored.lower && value <= scored.upper);
    if (before && before.expected > 0) {
      let residual = Math.abs(value - before.expected) / before.expected;
      const spread = this.relativeSpread(timestamp);
      if (spread > 0) residual = Math.min(residual, this.clipSpreads * spread);
      updateSpread(s.week, week, residual, this.spreadAlpha);
      updateSpread(s.day, day, residual, this.spreadAlpha);
      s.globalSpread = s.globalSpreadSamples === 0 ? residual : s.globalSpread + this.spreadAlpha * (residual - s.globalSpread);
      s.globalSpreadSamples++;
    }
    s.samples++;
  }

  /** Relative standard deviation of the one-step forecast error over all slots (floored). */
  relativeSigma(): number {
    return Math.max(this.s.globalSpread * MAD_TO_SIGMA, this.minRelativeSigma);
  }

  /** A copy of the state with the level replaced: a model refitted on recent data keeps the learned shape. */
  withLevel(level: number): SeasonalBaseline {
    const state = this.state();
    state.level = level;
    return new SeasonalBaseline(this.options(), state);
  }

  /** Season factor at `timestamp` from the finest profile whose slot has enough samples. */
  seasonFactor(timestamp: number): [number, ProfileLevel] {
    const week = hourOfWeek(timestamp);
    if (this.s.week.samples[week] >= this.minSlotSamples) return [this.s.week.factor[week], 'hour_of_week'];
    const day = hourOfDay(timestamp);
    if (this.s.day.samples[day] >= this.minSlotSamples) return [this.s.day.factor[day], 'hour_of_day'];
    return [1, 'global'];
  }

  state(): SeasonalBaselineState {
    return structuredClone(this.s);
  }

  /** The live state, without a copy: for a store that serializes at commit. Do not mutate. */
  stateRef(): SeasonalBaselineState {
    return this.s;
  }

  options(): Required<SeasonalBaselineOptions> {
    return {
      levelAlpha: this.levelAlpha,
      seasonAlpha: this.seasonAlpha,
      spreadAlpha: this.spreadAlpha,
      minSlotSamples: this.minSlotSamples,
      bandSigmas: this.bandSigmas,
      minRelativeSigma: this.minRelativeSigma,
      clipSpreads: this.clipSpreads,
      seasonClipSpreads: this.seasonClipSpreads,
      minSeasonFactor: this.minSeasonFactor,
      calibrationHalfLifeWindows: this.calibrationHalfLifeWindows,
      calibratedBands: this.calibratedBands,
    };
  }

  private relativeSpread(timestamp: number): number {
    const week = hourOfWeek(timestamp);
    if (this.s.week.spreadSamples[week] >= this.minSlotSamples) return this.s.week.spread[week];
    const day = hourOfDay(timestamp);
    if (this.s.day.spreadSamples[day] >= this.minSlotSamples) return this.s.day.spread[day];
    return this.s.globalSpread;
  }
}

function emptyProfile(slots: number): Profile {
  return { factor: new Array(slots).fill(1), spread: new Array(slots).fill(0), samples: new Array(slots).fill(0), spreadSamples: new Array(slots).fill(0) };
}

function emptyState(): SeasonalBaselineState {
  return { level: 0, samples: 0, week: emptyProfile(168), day: emptyProfile(24), globalSpread: 0, globalSpreadSamples: 0 };
}

/** Factors stay at or above `floor`: the level is deseasonalized by dividing by them. */
function updateFactor(profile: Profile, slot: number, value: number, alpha: number, clip: number, floor: number): void {
  const current = profile.factor[slot];
  const bounded = Math.min(Math.max(value, current * (1 - clip)), current * (1 + clip));
  profile.factor[slot] = Math.max(floor, profile.samples[slot] === 0 ? value : current + alpha * (bounded - current));
  profile.samples[slot]++;
}

/**
 * A state stored before factors were floored may hold a zero factor or a level already turned NaN
 * by one: raise the factors to the floor, and let a broken level restart from the next window.
 */
function healed(state: SeasonalBaselineState, floor: number): SeasonalBaselineState {
  for (const profile of [state.week, state.day]) {
    for (let i = 0; i < profile.factor.length; i++) if (!(profile.factor[i]! >= floor)) profile.factor[i] = Math.max(floor, Number.isFinite(profile.factor[i]) ? profile.factor[i]! : 1);
  }
  if (!Number.isFinite(state.level)) {
    state.level = 0;
    state.samples = 0;
  }
  if (!Number.isFinite(state.globalSpread)) state.globalSpread = 0;
  return state;
}

function updateSpread(profile: Profile, slot: number, residual: number, alpha: number): void {
  profile.spread[slot] = profile.spreadSamples[slot] === 0 ? residual : profile.spread[slot] + alpha * (residual - profile.spread[slot]);
  profile.spreadSamples[slot]++;
}

function fraction(option: string, value: number): number {
  if (!(value > 0 && value <= 1)) throw new WeirError('INVALID_CONFIG', `${option} must be in (0, 1]`, { option, value });
  return value;
}
