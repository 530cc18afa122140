/**
 * The JSON Alertmanager posts to a webhook receiver (version 4 of its webhook format), so that a
 * receiver written for Alertmanager (a chat bridge, an incident tool) takes weir's alerts as they are.
 */
import { fingerprint, type LabelSet, type PostableAlert } from './alertmanager-alert';

export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

export interface WebhookMessage {
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts: number;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: LabelSet;
  readonly commonLabels: LabelSet;
  readonly commonAnnotations: LabelSet;
  readonly externalURL: string;
  readonly alerts: readonly WebhookAlert[];
}

/** One message for the alerts of one delivery, at wall-clock time `now` (epoch ms). */
export function webhookMessage(alerts: readonly PostableAlert[], now: number, receiver: string, externalURL: string): WebhookMessage {
  const items: WebhookAlert[] = alerts.map((a) => ({
    status: Date.parse(a.endsAt) <= now ? 'resolved' : 'firing',
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    generatorURL: a.generatorURL ?? '',
    fingerprint: fingerprint(a.labels),
  }));
  return {
    version: '4',
    groupKey: `{}:{receiver="${receiver}"}`,
    truncatedAlerts: 0,
    status: items.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver,
    groupLabels: {},
    commonLabels: common(items.map((a) => a.labels)),
    commonAnnotations: common(items.map((a) => a.annotations)),
    externalURL,
    alerts: items,
  };
}

/** The pairs every set has, as Alertmanager computes commonLabels. */
function common(sets: readonly LabelSet[]): LabelSet {
  if (sets.length === 0) return {};
  const result: Record<string, string> = { ...sets[0] };
  for (const set of sets.slice(1)) for (const key of Object.keys(result)) if (set[key] !== result[key]) delete result[key];
  return result;
}
