/**
 * Hourly alert quality from feedback: per hour of event time, the alerts raised, how many got
 * actionable or false-positive feedback, missed incidents reported, the false-positive rate among
 * judged alerts, feedback coverage and mean time to feedback. An hour is emitted once stream time
 * passes its end; feedback on an alert counts in the hour the alert was raised in, if that hour is
 * still open, and in the hour the feedback arrived otherwise (so late feedback is not lost).
 */
import type { Alert } from '../../schemas/alert';
import type { AlertFeedback } from '../../schemas/alert-feedback';
import type { AlertQuality } from '../../schemas/alert-quality';

const HOUR = 3_600_000;

interface HourCounts {
  alerts: number;
  truePositives: number;
  falsePositives: number;
  missed: number;
  judged: Set<string>;
  feedbackDelays: number[];
}

export class AlertQualityTracker {
  private readonly hours = new Map<number, HourCounts>();
  /** Raised alerts by id: the hour they count in and when they were raised. */
  private readonly raised = new Map<string, { hour: number; at: number }>();
  private emittedUntil = Number.NEGATIVE_INFINITY;

  private hour(start: number): HourCounts {
    let h = this.hours.get(start);
    if (!h) this.hours.set(start, (h = { alerts: 0, truePositives: 0, falsePositives: 0, missed: 0, judged: new Set(), feedbackDelays: [] }));
    return h;
  }

  /** A raised alert (fired or downgraded), at the end of its window. */
  recordAlert(alert: Alert): void {
    if (this.raised.has(alert.id)) return;
    const hour = Math.floor(alert.window_end / HOUR) * HOUR;
    this.raised.set(alert.id, { hour, at: alert.window_end });
    this.hour(hour).alerts++;
  }

  recordFeedback(feedback: AlertFeedback): void {
    const arrivalHour = Math.max(Math.floor(feedback.given_at / HOUR) * HOUR, this.emittedUntil);
    if (feedback.kind === 'missed_incident' || feedback.alert_id === null) {
      if (feedback.kind === 'missed_incident') this.hour(arrivalHour).missed++;
      return;
    }
    const alert = this.raised.get(feedback.alert_id);
    const hour = alert && alert.hour >= this.emittedUntil ? alert.hour : arrivalHour;
    const h = this.hour(hour);
    if (h.judged.has(feedback.alert_id)) return;
    h.judged.add(feedback.alert_id);
    if (feedback.kind === 'actionable') h.truePositives++;
    else h.falsePositives++;
    if (alert) h.feedbackDelays.push(feedback.given_at - alert.at);
  }

  /** Quality records of every hour that ended at or before `streamTime`, oldest first. */
  flush(streamTime: number): AlertQuality[] {
    const out: AlertQuality[] = [];
    for (const start of [...this.hours.keys()].sort((a, b) => a - b)) {
      if (start + HOUR > streamTime) break;
      const h = this.hours.get(start)!;
      this.hours.delete(start);
      const judged = h.truePositives + h.falsePositives;
      out.push({
        window_start: start,
        window_end: start + HOUR,
        alerts: h.alerts,
        true_positives: h.truePositives,
        false_positives: h.falsePositives,
        missed_incidents: h.missed,
        false_positive_rate: judged ? h.falsePositives / judged : null,
        feedback_coverage: h.alerts ? Math.min(1, judged / h.alerts) : null,
        mean_time_to_feedback_ms: h.feedbackDelays.length ? h.feedbackDelays.reduce((a, b) => a + b, 0) / h.feedbackDelays.length : null,
      });
      this.emittedUntil = start + HOUR;
    }
    return out;
  }
}
