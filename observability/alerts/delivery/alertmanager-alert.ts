/**
 * weir's alerts as Prometheus Alertmanager sees them: the `PostableAlert` of its v2 API
 * (`POST /api/v2/alerts`) and the label-set fingerprint Alertmanager identifies an alert by.
 *
 * An alert's labels are fixed when it fires and reused when it resolves, so that both reach the
 * same Alertmanager alert (its identity is the label set): severity is the one it fired with.
 */
import type { Alert, AlertSignal } from '../../../schemas/alert';

export type LabelSet = Readonly<Record<string, string>>;

export interface PostableAlert {
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  /** RFC 3339. */
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL?: string;
}

export const ALERT_NAME = 'WeirServiceAnomaly';

/** The signal that contributed most: what the alert is about (`latency`, `error_rate`...). */
export function primarySignal(alert: Alert): AlertSignal | undefined {
  let best: AlertSignal | undefined;
  for (const s of alert.signals) if (!best || s.contribution > best.contribution) best = s;
  return best;
}

export function alertLabels(alert: Alert): LabelSet {
  return {
    alertname: ALERT_NAME,
    service: alert.service,
    severity: alert.severity,
    metric: primarySignal(alert)?.name ?? 'unknown',
    alert_id: alert.id,
  };
}

/** Human-readable annotations: what moved, how far, why this severity, and what the rules decided. */
export function alertAnnotations(alert: Alert): LabelSet {
  const primary = primarySignal(alert);
  const summary = primary
    ? `${alert.service}: ${describeSignal(primary)} (confidence ${alert.confidence.toFixed(2)})`
    : `${alert.service}: anomalous (confidence ${alert.confidence.toFixed(2)})`;
  const breakdown = [...alert.signals]
    .sort((a, b) => b.contribution - a.contribution)
    .map((s) => `${s.name} +${s.contribution.toFixed(2)} (${describeSignal(s)}, signal confidence ${s.confidence.toFixed(2)})`)
    .join('; ');
  const window = `${new Date(alert.window_start).toISOString()} to ${new Date(alert.window_end).toISOString()}`;
  const annotations: Record<string, string> = {
    summary,
    description: `${summary}, window ${window}; decision: ${alert.decision}${alert.note ? ` (${alert.note})` : ''}.`,
    confidence_breakdown: breakdown || 'no signal',
    decision: alert.decision,
  };
  if (alert.note) annotations.note = alert.note;
  return annotations;
}

function describeSignal(s: AlertSignal): string {
  const ratio = s.expected !== 0 ? s.value / s.expected : Infinity;
  const times = Number.isFinite(ratio) ? `${ratio.toFixed(1)}x expected` : 'expected 0';
  return `${s.name} ${formatNumber(s.value)} vs ${formatNumber(s.expected)} expected, ${times}`;
}

function formatNumber(v: number): string {
  if (v !== 0 && Math.abs(v) < 0.01) return v.toExponential(1);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

const OFFSET64 = 0xcbf29ce484222325n;
const PRIME64 = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;
const SEPARATOR = 0xff;

/**
 * Alertmanager's fingerprint of a label set (prometheus/common `model.LabelSet.Fingerprint`):
 * FNV-1a 64 over the label names in order, each name and value followed by the byte 0xff, as 16
 * hex digits. A receiver of the webhook deduplicates on it, as Alertmanager does.
 */
export function fingerprint(labels: LabelSet): string {
  let hash = OFFSET64;
  const add = (byte: number) => { hash = ((hash ^ BigInt(byte)) * PRIME64) & MASK64; };
  for (const name of Object.keys(labels).sort()) {
    for (const byte of Buffer.from(name, 'utf8')) add(byte);
    add(SEPARATOR);
    for (const byte of Buffer.from(labels[name], 'utf8')) add(byte);
    add(SEPARATOR);
  }
  return hash.toString(16).padStart(16, '0');
}
