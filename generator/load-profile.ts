/**
 * Request rate over event time: a diurnal curve (busy afternoon UTC, quiet night), quieter weekends,
 * and a small per-day level noise, so a week of traffic has the seasonality baselines must learn.
 */
import { hashUnit } from './random';

export interface LoadProfileOptions {
  /** Hour of day (UTC) with the most traffic. */
  peakHourUtc: number;
  /** Relative swing of the diurnal curve: 0.6 means the peak is 1.6x and the trough 0.4x the mean. */
  diurnalAmplitude: number;
  /** Traffic on Saturday and Sunday relative to weekdays. */
  weekendFactor: number;
  /** Standard deviation of the per-day level (lognormal), e.g. 0.05. */
  dailyNoise: number;
}

export const DEFAULT_LOAD_PROFILE: LoadProfileOptions = {
  peakHourUtc: 15,
  diurnalAmplitude: 0.6,
  weekendFactor: 0.65,
  dailyNoise: 0.05,
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export class LoadProfile {
  constructor(
    private readonly options: LoadProfileOptions,
    private readonly seed: number,
  ) {}

  /** Relative load at event time `t` (epoch ms); averages about 1 over a week. */
  at(t: number): number {
    const { peakHourUtc, diurnalAmplitude, weekendFactor, dailyNoise } = this.options;
    const hour = (t % DAY) / HOUR;
    const phase = (2 * Math.PI * (hour - peakHourUtc)) / 24;
    // A second harmonic flattens the night and sharpens the afternoon, as real traffic curves do.
    const diurnal = 1 + diurnalAmplitude * (0.85 * Math.cos(phase) + 0.15 * Math.cos(2 * phase));
    const day = Math.floor(t / DAY);
    const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    const weekly = weekday === 0 || weekday === 6 ? weekendFactor : 1;
    const noise = dailyNoise > 0 ? Math.exp(dailyNoise * gaussianFromUnit(hashUnit(this.seed, day, 1), hashUnit(this.seed, day, 2))) : 1;
    return diurnal * weekly * noise;
  }
}

/** One standard normal from two uniforms (Box-Muller). */
export function gaussianFromUnit(u: number, v: number): number {
  return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
}
