/** Synthetic per-window series for the baseline tests: daily and weekly seasonality with noise. */
import { SeededRandom } from '../../../stats/random';

export const WINDOW_MS = 300_000;
export const WINDOWS_PER_DAY = 288;
/** A Sunday, 00:00 UTC. */
export const START = Date.UTC(2026, 0, 4);

/** Request rate with a daily sine (peak at 12:00 UTC) and quieter weekends. */
export function seasonalTruth(t: number, base = 1000): number {
  const hour = (t / 3_600_000) % 24;
  const weekday = (Math.floor(t / 86_400_000) + 4) % 7;
  return base * (1 + 0.5 * Math.sin((2 * Math.PI * (hour - 6)) / 24)) * (weekday === 0 || weekday === 6 ? 0.7 : 1);
}

export function noisy(random: SeededRandom, value: number, relativeSd = 0.05): number {
  return value * (1 + relativeSd * random.normal());
}
