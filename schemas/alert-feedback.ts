export type FeedbackKind = 'false_positive' | 'missed_incident' | 'actionable';

/** Human feedback on an alert, or on an incident that raised none (`schemas/alert-feedback.avsc`). */
export interface AlertFeedback {
  /** Null for a missed incident. */
  alert_id: string | null;
  service: string;
  /** Null means every metric of the service. */
  metric: string | null;
  kind: FeedbackKind;
  /** Epoch ms. */
  given_at: number;
  author: string | null;
  note: string | null;
}
