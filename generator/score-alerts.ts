/**
 * Scores raised alerts against the generator's ground truth. An alert is raised when it fires
 * (decision fire or downgrade). It is a true positive when it is on an incident's root service and
 * its window overlaps the incident (up to `toleranceMs` after its end, for slow recoveries); every
 * other raised alert is a false positive. Delay is from the incident start to the end of the first
 * matching alert's window, in windows.
 */
import type { Alert } from '../schemas/alert';
import type { GroundTruth, GroundTruthIncident, GroundTruthQuietPeriod } from '.';

export interface IncidentResult {
  readonly incident: GroundTruthIncident;
  readonly detected: boolean;
  readonly delayWindows: number | null;
  /** Raised alerts on the root during the incident (1 is ideal). */
  readonly rootAlerts: number;
  /** Raised alerts on victims during the incident (0 is ideal). */
  readonly victimAlerts: number;
  /** Victims recorded as suppressed with a note naming the root. */
  readonly victimsSuppressedNamingRoot: string[];
}

/** A quiet period with no length (a level-shift deployment) is watched for this long after it. */
export const INSTANT_QUIET_MS = 3_600_000;

export interface QuietResult {
  readonly period: GroundTruthQuietPeriod;
  /** Raised alerts on the period's services (all services when it names none) during it (the hour after it when it has no length). */
  readonly alerts: number;
}

export interface AlertScore {
  readonly raised: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  /** False positives / raised alerts. */
  readonly falsePositiveRate: number;
  readonly precision: number;
  /** Detected incidents / incidents. */
  readonly recall: number;
  readonly medianDelayWindows: number | null;
  readonly incidents: IncidentResult[];
  readonly quiet: QuietResult[];
  readonly falseAlerts: Alert[];
}

export function isRaised(a: Alert): boolean {
  return a.status === 'firing' && (a.decision === 'fire' || a.decision === 'downgrade');
}

function overlaps(a: Alert, start: number, end: number): boolean {
  return a.window_start < end && a.window_end > start;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function scoreAlerts(alerts: readonly Alert[], truth: GroundTruth, windowMs: number, toleranceMs = 2 * windowMs): AlertScore {
  const raised = alerts.filter(isRaised);
  const matched = new Set<Alert>();
  const incidents: IncidentResult[] = truth.incidents.map((incident) => {
    const during = (a: Alert) => overlaps(a, incident.start, incident.end + toleranceMs);
    const onRoot = raised.filter((a) => a.service === incident.service && during(a));
    for (const a of onRoot) matched.add(a);
    const first = onRoot.reduce<Alert | undefined>((m, a) => (!m || a.window_end < m.window_end ? a : m), undefined);
    const victims = new Set(incident.victims);
    return {
      incident,
      detected: onRoot.length > 0,
      delayWindows: first ? Math.max(0, (first.window_end - incident.start) / windowMs) : null,
      rootAlerts: onRoot.length,
      victimAlerts: raised.filter((a) => victims.has(a.service) && during(a)).length,
      victimsSuppressedNamingRoot: [...new Set(alerts.filter((a) => victims.has(a.service) && a.decision === 'suppress' && during(a) && (a.note ?? '').includes(incident.service)).map((a) => a.service))].sort(),
    };
  });
  const falseAlerts = raised.filter((a) => !matched.has(a));
  const quiet = truth.quiet.map((period) => ({
    period,
    alerts: raised.filter((a) => (period.services.length === 0 || period.services.includes(a.service)) && overlaps(a, period.start, period.end > period.start ? period.end : period.start + INSTANT_QUIET_MS)).length,
  }));
  const detected = incidents.filter((i) => i.detected);
  return {
    raised: raised.length,
    truePositives: matched.size,
    falsePositives: falseAlerts.length,
    falsePositiveRate: raised.length ? falseAlerts.length / raised.length : 0,
    precision: raised.length ? matched.size / raised.length : 1,
    recall: incidents.length ? detected.length / incidents.length : 1,
    medianDelayWindows: median(detected.map((i) => i.delayWindows!)),
    incidents,
    quiet,
    falseAlerts,
  };
}
