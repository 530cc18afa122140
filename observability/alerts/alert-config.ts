/** One typed config for alerting, with defaults and a one-line doc per option, validated once. */
import { WeirError } from '../../errors/weir-error';

export interface AlertConfig {
  /** Metric whose forecasts carry the latency signal (`p99_latency`; `p95_latency` is steadier on small windows). */
  readonly latencyMetric: string;
  /** Metric of the service's own time (duration minus its calls), a second latency signal that victims do not share; null when not computed. */
  readonly selfTimeMetric: string | null;
  /** Metric whose forecasts carry the error-rate signal. */
  readonly errorMetric: string;
  /** Combined confidence at or above which a service's window becomes an alert. */
  readonly threshold: number;
  /** Windows of history for the latency / error-rate correlation. */
  readonly correlationWindows: number;
  /** A similar alert on the same service within this time is deduplicated. */
  readonly cooldownMs: number;
  /** After a deployment of the service, alerts are delayed this long and re-evaluated. */
  readonly deploymentGraceMs: number;
  /** A (service, metric) gives no signal until this long after its first forecast (its baseline is still learning the season). */
  readonly warmupMs: number;
  /** Consecutive windows at or above the threshold before a service alerts (one noisy window is not an incident). */
  readonly minWindows: number;
  /** A combined confidence at or above this alerts at once, without waiting for `minWindows`. */
  readonly immediateConfidence: number;
  /** Consecutive windows below threshold after which a firing alert is resolved. */
  readonly recoveryWindows: number;
  /** A service counts as unhealthy (for dependency health) when a signal's confidence reaches this. */
  readonly unhealthyConfidence: number;
  /** Business hours in UTC, [start hour, end hour), Monday to Friday. */
  readonly businessHours: readonly [number, number];
  /** Outside business hours an alert with impact below this (per hour) is downgraded. */
  readonly lowImpactPerHour: number;
  /** Value of one affected user per hour, by customer tier. */
  readonly tierValuePerHour: Readonly<Record<string, number>>;
  /** Tiers counted as premium for over-representation. */
  readonly premiumTiers: readonly string[];
  /** Per-(service, metric) deviation threshold: its default and the bounds feedback moves it within. */
  readonly deviationThreshold: { readonly initial: number; readonly min: number; readonly max: number; readonly step: number };
  /** Bonuses added to the strongest signal's confidence. */
  readonly boosts: { readonly correlation: number; readonly source: number; readonly premium: number };
}

export const DEFAULT_ALERT_CONFIG: AlertConfig = {
  latencyMetric: 'p99_latency',
  errorMetric: 'error_rate',
  selfTimeMetric: null,
  threshold: 0.8,
  correlationWindows: 6,
  cooldownMs: 15 * 60_000,
  deploymentGraceMs: 5 * 60_000,
  warmupMs: 86_400_000,
  minWindows: 2,
  immediateConfidence: 0.99,
  recoveryWindows: 2,
  unhealthyConfidence: 0.5,
  businessHours: [9, 18],
  lowImpactPerHour: 1000,
  tierValuePerHour: { free: 0.5, pro: 5, enterprise: 50 },
  premiumTiers: ['enterprise'],
  deviationThreshold: { initial: 1.5, min: 0.25, max: 16, step: 1.5 },
  boosts: { correlation: 0.1, source: 0.05, premium: 0.05 },
};

export type AlertConfigInput = Partial<Omit<AlertConfig, 'deviationThreshold' | 'boosts'>> & {
  readonly deviationThreshold?: Partial<AlertConfig['deviationThreshold']>;
  readonly boosts?: Partial<AlertConfig['boosts']>;
};

function invalid(option: string, allowed: string, value: unknown): WeirError {
  return new WeirError('INVALID_CONFIG', `alert option ${option} must be ${allowed}`, { option, value });
}

export function alertConfig(input: AlertConfigInput = {}): AlertConfig {
  const c: AlertConfig = {
    ...DEFAULT_ALERT_CONFIG,
    ...input,
    deviationThreshold: { ...DEFAULT_ALERT_CONFIG.deviationThreshold, ...input.deviationThreshold },
    boosts: { ...DEFAULT_ALERT_CONFIG.boosts, ...input.boosts },
  };
  const unit = (name: string, v: number): void => { if (!(v >= 0 && v <= 1)) throw invalid(name, 'in [0, 1]', v); };
  unit('threshold', c.threshold);
  unit('unhealthyConfidence', c.unhealthyConfidence);
  if (!(Number.isInteger(c.correlationWindows) && c.correlationWindows >= 2)) throw invalid('correlationWindows', 'an integer >= 2', c.correlationWindows);
  if (!(c.cooldownMs >= 0)) throw invalid('cooldownMs', '>= 0', c.cooldownMs);
  if (!(c.deploymentGraceMs >= 0)) throw invalid('deploymentGraceMs', '>= 0', c.deploymentGraceMs);
  unit('immediateConfidence', c.immediateConfidence);
  if (!(c.warmupMs >= 0)) throw invalid('warmupMs', '>= 0', c.warmupMs);
  if (!(Number.isInteger(c.minWindows) && c.minWindows >= 1)) throw invalid('minWindows', 'an integer >= 1', c.minWindows);
  if (!(Number.isInteger(c.recoveryWindows) && c.recoveryWindows >= 1)) throw invalid('recoveryWindows', 'an integer >= 1', c.recoveryWindows);
  const [from, to] = c.businessHours;
  if (!(from >= 0 && to <= 24 && from < to)) throw invalid('businessHours', 'hours with 0 <= start < end <= 24', c.businessHours);
  const t = c.deviationThreshold;
  if (!(t.min > 0 && t.min <= t.initial && t.initial <= t.max)) throw invalid('deviationThreshold', '0 < min <= initial <= max', t);
  if (!(t.step > 1)) throw invalid('deviationThreshold.step', '> 1', t.step);
  return c;
}
