/**
 * `deliverAlerts`: sends the alerts stream's fired and resolved alerts to Prometheus Alertmanager
 * (`POST /api/v2/alerts`) and/or a webhook in Alertmanager's webhook JSON.
 *
 * Delivery is part of the commit: the alerts of a batch are posted when the task commits, before
 * its offsets, retried with backoff while the receiver is down (the task's input pauses meanwhile),
 * so an alert is never lost; within one commit each alert is posted once. A replay after a crash
 * posts again what the lost commit had posted, and Alertmanager merges it into the same alert (its
 * identity is the label set), as it does for Prometheus' resends.
 *
 * Like Prometheus, weir resends its firing alerts every `resendIntervalMs` of wall-clock time with
 * `endsAt` a `resolveTimeoutMs` ahead: an alert whose replica stopped resending (the alert's task
 * gone for good) resolves by itself instead of firing forever. The firing alerts live in a
 * changelogged store, so a replica that takes the task over keeps resending them and resolves them
 * with the labels they fired with.
 */
import type { KStream } from '../../../topology/kstream';
import type { CommitParticipant, Counter, Processor, ProcessorContext } from '../../../topology/processor';
import type { StreamRecord } from '../../../topology/record';
import { Stores } from '../../../state/stores';
import type { KeyValueStore } from '../../../state/key-value-store';
import { jsonSerde } from '../../../serdes/json-serde';
import { stringSerde } from '../../../serdes/string-serde';
import { process } from '../../../operators/process';
import { WeirError } from '../../../errors/weir-error';
import type { Alert } from '../../../schemas/alert';
import { alertAnnotations, alertLabels, type LabelSet, type PostableAlert } from './alertmanager-alert';
import { AlertmanagerReceiver, WebhookReceiver, isRetriableDelivery, type AlertReceiver } from './alert-receivers';

export interface DeliverAlertsOptions {
  /** Node and store name prefix; default `alert-delivery`. */
  readonly name?: string;
  /** Alertmanager's base URL (`http://alertmanager:9093`). */
  readonly alertmanagerUrl?: string;
  /** A webhook taking Alertmanager's webhook JSON. */
  readonly webhookUrl?: string;
  /** Receivers of your own (tests, other systems), besides the two above. */
  readonly receivers?: readonly AlertReceiver[];
  /** Wall-clock interval of the resends of firing alerts. Default 60 s. */
  readonly resendIntervalMs?: number;
  /** `endsAt` of a firing alert is this far ahead of its last send. Default 4 resend intervals. */
  readonly resolveTimeoutMs?: number;
  /** Backoff of a failing delivery: first and longest delay. Defaults 500 ms and 10 s. */
  readonly retryInitialDelayMs?: number;
  readonly retryMaxDelayMs?: number;
  /** The `generatorURL` of every alert (a dashboard of weir's). */
  readonly generatorUrl?: string;
  readonly persistent?: boolean;
}

/** What is kept of a firing alert: enough to resend it and to resolve it with the same labels. */
interface FiringAlert {
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAt: string;
}

export function deliverAlerts(options: DeliverAlertsOptions) {
  const name = options.name ?? 'alert-delivery';
  const receivers: AlertReceiver[] = [
    ...(options.alertmanagerUrl ? [new AlertmanagerReceiver(options.alertmanagerUrl)] : []),
    ...(options.webhookUrl ? [new WebhookReceiver(options.webhookUrl, options.generatorUrl)] : []),
    ...(options.receivers ?? []),
  ];
  if (receivers.length === 0) throw new WeirError('INVALID_CONFIG', 'deliverAlerts needs an alertmanagerUrl, a webhookUrl or a receiver', { option: name });
  const store = Stores.keyValue<string, FiringAlert>(`${name}-firing`, { keySerde: stringSerde, valueSerde: jsonSerde<FiringAlert>(), persistent: options.persistent });
  return (stream: KStream<string, Alert>): void => {
    stream.pipe(
      process<string, Alert, never, never>(
        { name, stores: [store], detail: receivers.map((r) => r.name).join(', ') },
        () => new AlertDeliveryProcessor(name, store.name, receivers, options),
      ),
    );
  };
}

export class AlertDeliveryProcessor implements Processor<string, Alert, never, never>, CommitParticipant {
  readonly name: string;
  private context!: ProcessorContext<never, never>;
  private firing!: KeyValueStore<string, FiringAlert>;
  private pending: PostableAlert[] = [];
  private failing = false;
  private closed = false;
  private readonly resendIntervalMs: number;
  private readonly resolveTimeoutMs: number;

  constructor(
    name: string,
    private readonly storeName: string,
    private readonly receivers: readonly AlertReceiver[],
    private readonly options: DeliverAlertsOptions,
  ) {
    this.name = name;
    this.resendIntervalMs = options.resendIntervalMs ?? 60_000;
    this.resolveTimeoutMs = options.resolveTimeoutMs ?? 4 * this.resendIntervalMs;
  }

  private fired!: Counter;
  private resolved!: Counter;
  private retries!: Counter;

  init(context: ProcessorContext<never, never>): void {
    this.context = context;
    this.fired = context.metrics.counter('alerts-fired-delivered', { description: 'fired alerts queued for delivery to the receivers' });
    this.resolved = context.metrics.counter('alerts-resolved-delivered', { description: 'resolved alerts queued for delivery to the receivers' });
    this.retries = context.metrics.counter('alert-delivery-retries', { description: 'failed deliveries retried' });
    this.firing = context.getStateStore<KeyValueStore<string, FiringAlert>>(this.storeName);
    context.registerCommitParticipant(this);
    context.schedule(this.resendIntervalMs, 'wall-clock', () => this.resendFiring());
    // A task taking over (or restarting) resends what its predecessor had firing.
    this.resendFiring();
  }

  process(record: StreamRecord<string, Alert>): void {
    const alert = record.value;
    if (alert.status === 'resolved') {
      const fired = this.firing.get(alert.id);
      if (!fired) return; // fired before delivery was configured, or resolved already
      this.firing.delete(alert.id);
      // An endsAt in the future would keep it firing until then: the window's end, but never past now.
      const endsAt = Math.max(Math.min(alert.window_end, this.context.wallClockTime()), Date.parse(fired.startsAt) + 1);
      this.pending.push({ ...fired, endsAt: iso(endsAt), ...this.generator() });
      this.resolved.increment();
      return;
    }
    // Suppressed, deduplicated and delayed decisions are recorded on the topic, not paged.
    if (alert.decision !== 'fire' && alert.decision !== 'downgrade') return;
    const firing: FiringAlert = { labels: alertLabels(alert), annotations: alertAnnotations(alert), startsAt: iso(alert.window_start) };
    this.firing.put(alert.id, firing);
    this.pending.push(this.postable(firing));
    this.fired.increment();
  }

  /** Posts what the batch produced to every receiver, retrying until each has it; offsets wait. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    // Runs in the task's executor: nothing adds to `pending` while it is delivered.
    for (const receiver of this.receivers) await this.deliverWithRetry(receiver, this.pending);
    this.pending = [];
  }

  isBackpressured(): boolean {
    return this.failing;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async deliverWithRetry(receiver: AlertReceiver, batch: readonly PostableAlert[]): Promise<void> {
    const initial = this.options.retryInitialDelayMs ?? 500;
    const max = this.options.retryMaxDelayMs ?? 10_000;
    for (let attempt = 1; ; attempt++) {
      try {
        await receiver.deliver(batch, Date.now());
        if (this.failing) this.context.log('info', 'alert delivery recovered', { receiver: receiver.name, attempts: attempt });
        this.failing = false;
        return;
      } catch (error) {
        if (!isRetriableDelivery(error) || this.closed) throw error;
        this.failing = true;
        const delay = Math.min(max, initial * 2 ** (attempt - 1));
        this.retries.increment();
        this.context.log('warn', 'alert delivery failed; retrying', { receiver: receiver.name, alerts: batch.length, attempt, retryInMs: delay, error });
        // Not unref'd: an undelivered alert is work the process must not exit before.
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private resendFiring(): void {
    for (const [, firing] of this.firing.all()) this.pending.push(this.postable(firing));
  }

  private postable(firing: FiringAlert): PostableAlert {
    return { ...firing, endsAt: iso(this.context.wallClockTime() + this.resolveTimeoutMs), ...this.generator() };
  }

  private generator(): { generatorURL?: string } {
    return this.options.generatorUrl ? { generatorURL: this.options.generatorUrl } : {};
  }
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
