export type AlertSeverity = 'critical' | 'high' | 'medium' | 'low';
/** What the suppression rules decided; recorded on every alert. */
export type AlertDecision = 'fire' | 'suppress' | 'dedupe' | 'delay' | 'downgrade';
export type AlertStatus = 'firing' | 'resolved';

/** One signal that went into an alert, with its share of the combined confidence. */
export interface AlertSignal {
  /** `latency`, `error_rate`, `dependency_health`, `user_impact`... */
  name: string;
  value: number;
  expected: number;
  deviation: number;
  confidence: number;
  contribution: number;
}

/** One correlated decision per service and window, read by users from the alerts topic (`schemas/alert.avsc`). */
export interface Alert {
  id: string;
  service: string;
  /** Epoch ms, start inclusive, end exclusive. */
  window_start: number;
  window_end: number;
  signals: AlertSignal[];
  confidence: number;
  severity: AlertSeverity;
  decision: AlertDecision;
  /** Why, e.g. `victim of upstream payments`. */
  note: string | null;
  status: AlertStatus;
}
