/**
 * Where alerts are delivered: Alertmanager's v2 API, or a webhook taking Alertmanager's webhook
 * JSON. A delivery is one HTTP POST; a network error, a timeout, 429 or 5xx is worth retrying, any
 * other answer means the request itself is wrong and fails at once.
 */
import { WeirError } from '../../../errors/weir-error';
import type { PostableAlert } from './alertmanager-alert';
import { webhookMessage } from './webhook-message';

export interface AlertReceiver {
  /** For logs and errors: `alertmanager http://...`. */
  readonly name: string;
  deliver(alerts: readonly PostableAlert[], now: number): Promise<void>;
}

/** A failed delivery: SINK_UNAVAILABLE, with `context.retriable` saying whether trying again can help. */
function deliveryError(message: string, retriable: boolean, context: Record<string, unknown>, cause?: unknown): WeirError {
  return new WeirError('SINK_UNAVAILABLE', message, { ...context, retriable }, { cause });
}

export function isRetriableDelivery(error: unknown): boolean {
  return error instanceof WeirError && error.context.retriable === true;
}

async function post(name: string, url: string, body: unknown, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw deliveryError(`${name} unreachable: ${(cause as Error).message}`, true, { url }, cause);
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const text = (await response.text().catch(() => '')).slice(0, 500);
  const retriable = response.status === 429 || response.status >= 500;
  throw deliveryError(`${name} answered ${response.status}: ${text}`, retriable, { url, status: response.status });
}

export class AlertmanagerReceiver implements AlertReceiver {
  readonly name: string;
  private readonly url: string;

  constructor(baseUrl: string, private readonly timeoutMs = 10_000) {
    this.url = `${baseUrl.replace(/\/+$/, '')}/api/v2/alerts`;
    this.name = `alertmanager ${baseUrl}`;
  }

  deliver(alerts: readonly PostableAlert[]): Promise<void> {
    return post(this.name, this.url, alerts, this.timeoutMs);
  }
}

export class WebhookReceiver implements AlertReceiver {
  readonly name: string;

  constructor(private readonly url: string, private readonly externalUrl = '', private readonly timeoutMs = 10_000) {
    this.name = `webhook ${url}`;
  }

  deliver(alerts: readonly PostableAlert[], now: number): Promise<void> {
    return post(this.name, this.url, webhookMessage(alerts, now, 'weir', this.externalUrl), this.timeoutMs);
  }
}
