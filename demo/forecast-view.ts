/**
 * The demo's check of the baselines against the generator's ground truth: for each closed
 * forecast window (actual known), whether the actual left the band upwards, tallied per injected
 * incident (its root service, during the incident), per expected change (maintenance, sale...),
 * and everywhere else. Until alerts are wired in, this shows what the anomaly signals will see.
 */
import type { GroundTruth, GroundTruthIncident, GroundTruthQuietPeriod } from '../generator';
import type { BaselinePrediction } from '../observability/baseline/baseline-prediction';

/** Metrics whose rise is a symptom (request rate may rise or fall for good reasons). */
const SYMPTOMS = new Set(['p99_latency', 'error_rate']);

/** Service windows seen and breached (keys `service@window_start`), and when the first breach happened. */
class Tally {
  readonly windows = new Set<string>();
  readonly breached = new Set<string>();
  readonly suppressed = new Set<string>();
  firstBreach: number | undefined;

  add(p: BaselinePrediction, breach: boolean, suppressed: boolean): void {
    const key = `${p.service}@${p.window_start}`;
    this.windows.add(key);
    if (suppressed) this.suppressed.add(key);
    if (!breach) return;
    this.breached.add(key);
    if (this.firstBreach === undefined || p.window_start < this.firstBreach) this.firstBreach = p.window_start;
  }
}

export class ForecastView {
  private readonly incidents: { incident: GroundTruthIncident; tally: Tally }[];
  private readonly quiet: { period: GroundTruthQuietPeriod; tally: Tally }[];
  private readonly elsewhere = new Tally();

  constructor(truth: GroundTruth) {
    this.incidents = truth.incidents.map((incident) => ({ incident, tally: new Tally() }));
    // Level shifts have no window (start = end): the baseline is expected to adapt, not to stay quiet.
    this.quiet = truth.quiet.filter((q) => q.end > q.start).map((period) => ({ period, tally: new Tally() }));
  }

  onPrediction(p: BaselinePrediction): void {
    if (p.actual === null || !SYMPTOMS.has(p.metric)) return;
    const breach = p.expected !== null && p.upper !== null && p.actual > p.upper;
    const suppressed = p.expected === null && p.suppressed;
    const overlaps = (start: number, end: number): boolean => p.window_start < end && p.window_end > start;
    let explained = false;
    for (const { incident, tally } of this.incidents) {
      if (!overlaps(incident.start, incident.end)) continue;
      // Victims are explained by the incident; only the root service is tallied for it.
      if (p.service === incident.service) tally.add(p, breach, suppressed);
      if (p.service === incident.service || incident.victims.includes(p.service)) explained = true;
    }
    for (const { period, tally } of this.quiet) {
      if (!overlaps(period.start, period.end) || (period.services.length > 0 && !period.services.includes(p.service))) continue;
      tally.add(p, breach, suppressed);
      explained = true;
    }
    if (!explained) this.elsewhere.add(p, breach, suppressed);
  }

  summary(): string[] {
    const lines = this.incidents.map(({ incident, tally: t }) => {
      const delay = t.firstBreach === undefined ? 'never' : `first in the window starting +${Math.round((t.firstBreach - incident.start) / 60_000)} min`;
      return `  incident ${incident.kind.padEnd(22)} ${incident.service.padEnd(16)} breached ${t.breached.size} of ${t.windows.size} windows (${delay})`;
    });
    for (const { period, tally: t } of this.quiet) {
      const suppressed = t.suppressed.size ? `, ${t.suppressed.size} without forecast (maintenance)` : '';
      lines.push(`  expected ${period.kind.padEnd(22)} ${(period.services.join(',') || 'all').padEnd(16)} breached ${t.breached.size} of ${t.windows.size} service windows${suppressed}`);
    }
    const e = this.elsewhere;
    const share = e.windows.size ? ((100 * e.breached.size) / e.windows.size).toFixed(1) : '0';
    lines.push(`  elsewhere (no incident, no known event)             breached ${e.breached.size} of ${e.windows.size} service windows (${share}%)`);
    return lines;
  }
}
