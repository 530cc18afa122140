/** What kind of known event explains a change (`schemas/known-event.avsc`). */
export type KnownEventKind = 'maintenance' | 'sale' | 'holiday' | 'incident';

/**
 * A planned or declared event: baselines do not learn during maintenance or incidents, and predictions
 * are scaled by `expected_multiplier` during sales and holidays.
 */
export interface KnownEvent {
  id: string;
  kind: KnownEventKind;
  /** Services concerned; empty means every service. */
  services: string[];
  /** Inclusive start, epoch ms. */
  start: number;
  /** Exclusive end, epoch ms; null while an incident is still open. */
  end: number | null;
  /** Expected factor on request rate (sales, holidays). */
  expected_multiplier: number | null;
  description: string | null;
}
