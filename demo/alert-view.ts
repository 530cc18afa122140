/**
 * The demo's alerts: one line per raised or resolved alert as it lands on the `alerts` topic, a
 * count of what the suppression rules held back, and a score against the generator's ground truth
 * (the evaluation harness's scorer: true and false positives, detection delay, quiet periods).
 */
import type { Alert } from '../schemas/alert';
import type { GroundTruth } from '../generator';
import { isRaised, scoreAlerts } from '../generator/score-alerts';

/** The baselines' (and so the alerts') window. */
const WINDOW_MS = 5 * 60_000;

export class AlertView {
  /** Alerts raised (fired or downgraded), as shown in the status line. */
  fired = 0;
  private readonly alerts: Alert[] = [];
  private readonly held = new Map<string, number>();

  constructor(
    private readonly truth: GroundTruth,
    private readonly print: (text: string) => void,
  ) {}

  onAlert(alert: Alert): void {
    this.alerts.push(alert);
    if (isRaised(alert)) {
      this.fired++;
      const signals = alert.signals
        .filter((s) => s.contribution > 0)
        .sort((a, b) => b.contribution - a.contribution)
        .slice(0, 3)
        .map((s) => `${s.name} ${fmtValue(s.value)} vs ${fmtValue(s.expected)}`)
        .join(', ');
      const truth = this.truth.incidents.find((i) => i.service === alert.service && alert.window_start < i.end + 2 * WINDOW_MS && alert.window_end > i.start);
      const verdict = truth ? `matches injected ${truth.kind}` : 'no injected incident here';
      this.print(`ALERT ${alert.severity.toUpperCase()} ${alert.service} ${clock(alert.window_start)} confidence ${alert.confidence.toFixed(2)} (${signals})${alert.note ? ` - ${alert.note}` : ''} [${verdict}]`);
    } else if (alert.status === 'resolved') {
      this.print(`resolved ${alert.service} ${clock(alert.window_start)}`);
    } else {
      this.held.set(alert.decision, (this.held.get(alert.decision) ?? 0) + 1);
    }
  }

  summary(): string[] {
    const score = scoreAlerts(this.alerts, this.truth, WINDOW_MS);
    const held = [...this.held].map(([decision, n]) => `${n} ${decision}`).join(', ') || 'none';
    const lines = [
      `  ${score.raised} raised (${score.truePositives} true, ${score.falsePositives} false: false-positive rate ${pct(score.falsePositiveRate)}), recall ${pct(score.recall)}, median delay ${score.medianDelayWindows?.toFixed(1) ?? '-'} windows; held back by the rules: ${held}`,
    ];
    for (const r of score.incidents) {
      lines.push(
        `  incident ${r.incident.kind.padEnd(22)} ${r.incident.service.padEnd(16)} ${r.detected ? `detected after ${r.delayWindows?.toFixed(1)} windows` : 'missed'}; ${r.rootAlerts} alerts on it, ${r.victimAlerts} on its ${r.incident.victims.length} upstream services, ${r.victimsSuppressedNamingRoot.length} suppressed naming it`,
      );
    }
    for (const q of score.quiet) lines.push(`  expected ${q.period.kind.padEnd(22)} ${(q.period.services.join(',') || 'all').padEnd(16)} ${q.alerts} alerts`);
    return lines;
  }
}

const fmtValue = (x: number): string => (Math.abs(x) >= 10 ? x.toFixed(0) : x.toPrecision(2));
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const clock = (t: number): string => new Date(t).toISOString().slice(5, 16).replace('T', ' ');
