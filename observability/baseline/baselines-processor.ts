/**
 * The baselines of the services of one task (every service when the input is on one key). Rollups of all operations of a service are
 * merged per baseline window (counts add, t-digests merge), and when the window closes (this
 * processor's stream time, from rollup timestamps only, passes its end plus grace) each service's
 * p99 and p50 latency, error rate and request rate go through its BaselineManager (the error-rate
 * forecasts carry the window's request and error counts, for the alert engine's Poisson check). Deployments and known
 * events arrive on the same input and are kept as tables; their record times do not move stream time.
 */
import type { Counter, Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import type { KeyValueStore } from '../../state/key-value-store';
import { QuantileDigest } from '../../stats/quantile-digest';
import type { Deployment } from '../../schemas/deployment';
import type { KnownEvent } from '../../schemas/known-event';
import type { Rollup } from '../../schemas/rollup';
import { BaselineManager, type BaselineManagerOptions, type BaselineManagerState } from './baseline-manager';
import type { BaselineInput, BaselineOutput } from './baseline-input';
import { KnownEventsView, MapKnownEventsSource } from './known-events-view';
import { GlobalKnownEventsSource } from './global-known-events-source';
import type { GlobalKeyValueStore } from '../../state/versioned-key-value-store';
import type { RecordHeaders } from '../../topology/record';

/** p50 latency is the alert engine's latency signal: steadier than p99 on windows of a few hundred spans. */
export const BASELINE_METRICS = ['p99_latency', 'p50_latency', 'error_rate', 'request_rate'] as const;

export interface BaselinesProcessorConfig {
  readonly windowMs: number;
  readonly graceMs: number;
  readonly stabilizationMs: number;
  readonly manager: BaselineManagerOptions;
  readonly stores: { readonly models: string; readonly context: string; readonly windows: string };
  /**
   * Global stores of the deployments (keyed by service) and known events (keyed by id): when set,
   * the learning gates read them and the input carries rollups only, so the processor can run in
   * every task, each with its own services; otherwise they arrive on the input and are kept in the
   * context store.
   */
  readonly globalTables?: { readonly deployments: string; readonly knownEvents: string };
}

/** Header naming the baselines task that made a forecast: alerting waits for every task's forecasts of a window. */
export const BASELINES_TASK_HEADER = 'weir.baselines.task';

/** A service's traffic in one baseline window, merged from its operations' rollups. */
export interface ServiceWindow {
  service: string;
  start: number;
  count: number;
  errors: number;
  digest: QuantileDigest;
}

export type ContextEntry = { deployment: Deployment } | { event: KnownEvent };

export class BaselinesProcessor implements Processor<string, BaselineInput, string, BaselineOutput> {
  private context!: ProcessorContext<string, BaselineOutput>;
  private incidentEventsLate!: Counter;
  private knownEventsLate!: Counter;
  private late!: Counter;
  private models!: KeyValueStore<string, BaselineManagerState>;
  private contextStore: KeyValueStore<string, ContextEntry> | undefined;
  private headers: RecordHeaders = {};
  private windowStore!: KeyValueStore<string, ServiceWindow>;
  private readonly managers = new Map<string, BaselineManager>();
  /** Deployments and known events, mirrored in the context store for restarts. */
  private readonly tables = new MapKnownEventsSource();
  private readonly open = new Map<number, Map<string, ServiceWindow>>();
  private view!: KnownEventsView;
  private streamTime = -Infinity;

  constructor(private readonly config: BaselinesProcessorConfig) {}

  init(context: ProcessorContext<string, BaselineOutput>): void {
    this.context = context;
    this.incidentEventsLate = context.metrics.counter('incident-events-late', { description: 'incident known events that arrived after windows they concern were closed' });
    this.knownEventsLate = context.metrics.counter('known-events-late', { description: 'deployments and known events that arrived after windows they concern were closed' });
    this.late = context.metrics.counter('late-records-dropped', { droppedRecords: true, description: 'rollups for a baseline window already closed' });
    this.models = context.getStateStore(this.config.stores.models);
    this.windowStore = context.getStateStore(this.config.stores.windows);
    this.headers = { [BASELINES_TASK_HEADER]: context.taskId };
    const globals = this.config.globalTables;
    if (globals) {
      const source = new GlobalKnownEventsSource(
        context.getStateStore<GlobalKeyValueStore<string, Deployment>>(globals.deployments),
        context.getStateStore<GlobalKeyValueStore<string, KnownEvent>>(globals.knownEvents),
      );
      this.view = new KnownEventsView(source, this.config.stabilizationMs);
    } else {
      const contextStore = (this.contextStore = context.getStateStore<KeyValueStore<string, ContextEntry>>(this.config.stores.context));
      this.view = new KnownEventsView(this.tables, this.config.stabilizationMs);
      for (const [, entry] of contextStore.all()) {
        if ('deployment' in entry) this.tables.addDeployment(entry.deployment);
        else this.tables.knownEvents.set(entry.event.id, entry.event);
      }
    }
    for (const [, w] of this.windowStore.all()) this.windowsAt(w.start).set(w.service, w);
  }

  process(record: StreamRecord<string, BaselineInput>): void {
    const input = record.value;
    // Windows already closed cannot be relearned: count control records that come too late for their period.
    const from = input.kind === 'deployment' ? input.deployment.deployed_at : input.kind === 'known-event' ? input.event.start : Infinity;
    if (from + this.config.windowMs + this.config.graceMs <= this.streamTime) {
      // Incidents come from alerting, which correlates a window only after these baselines closed it:
      // they are late by design and gate the windows still open, so they are counted apart, quietly.
      if (input.kind === 'known-event' && input.event.kind === 'incident') {
        this.incidentEventsLate.increment();
      } else {
        this.knownEventsLate.increment();
        this.context.log('warn', 'a deployment or known event arrived after windows it concerns were closed', { kind: input.kind, from, streamTime: this.streamTime });
      }
    }
    if (input.kind === 'deployment') {
      const d = input.deployment;
      for (const id of this.tables.addDeployment(d)) this.contextStore?.delete(`deployment/${d.service}/${id}`);
      this.contextStore?.put(`deployment/${d.service}/${d.id}`, { deployment: d });
      return;
    }
    if (input.kind === 'known-event') {
      this.tables.knownEvents.set(input.event.id, input.event);
      this.contextStore?.put(`event/${input.event.id}`, { event: input.event });
      return;
    }
    this.addRollup(input.rollup, record.timestamp);
  }

  onEndOfInput(): void {
    this.closeWindows(Infinity);
  }

  private addRollup(rollup: Rollup, timestamp: number): void {
    const { windowMs, graceMs } = this.config;
    const start = rollup.window_start - (((rollup.window_start % windowMs) + windowMs) % windowMs);
    if (start + windowMs + graceMs <= this.streamTime) {
      this.late.increment();
      this.context.log('debug', 'dropping late rollup: its baseline window closed', { service: rollup.service, windowStart: start, streamTime: this.streamTime });
      return;
    }
    const windows = this.windowsAt(start);
    let w = windows.get(rollup.service);
    if (!w) windows.set(rollup.service, (w = { service: rollup.service, start, count: 0, errors: 0, digest: new QuantileDigest() }));
    w.count += rollup.count;
    w.errors += rollup.error_count;
    w.digest.merge(rollup.digest);
    this.windowStore.put(`${start}|${rollup.service}`, w);
    if (timestamp > this.streamTime) {
      this.streamTime = timestamp;
      this.closeWindows(timestamp);
    }
  }

  private windowsAt(start: number): Map<string, ServiceWindow> {
    let m = this.open.get(start);
    if (!m) this.open.set(start, (m = new Map()));
    return m;
  }

  private closeWindows(time: number): void {
    const { windowMs, graceMs } = this.config;
    const starts = [...this.open.keys()].filter((s) => s + windowMs + graceMs <= time).sort((a, b) => a - b);
    for (const start of starts) {
      const windows = this.open.get(start)!;
      this.open.delete(start);
      for (const service of [...windows.keys()].sort()) {
        const w = windows.get(service)!;
        this.windowStore.delete(`${start}|${service}`);
        this.observe(w, start, start + windowMs);
      }
    }
  }

  private observe(w: ServiceWindow, start: number, end: number): void {
    const values: Record<(typeof BASELINE_METRICS)[number], number> = {
      p99_latency: w.digest.quantile(0.99),
      p50_latency: w.digest.quantile(0.5),
      // Laplace-smoothed, as the alert evaluation measures it: a service that has never failed would
      // otherwise forecast exactly 0 and make its first error infinitely surprising to the Poisson
      // check, and a window of a few requests cannot swing the rate to 0 or 1.
      error_rate: (w.errors + 1) / (w.count + 2),
      request_rate: w.count / (this.config.windowMs / 1000),
    };
    for (const metric of BASELINE_METRICS) {
      const id = `${w.service}/${metric}`;
      let manager = this.managers.get(id);
      if (!manager) {
        const stored = this.models.get(id);
        if (stored) manager = BaselineManager.restore(w.service, metric, stored, this.config.manager);
        else {
          const [created, first] = BaselineManager.create(w.service, metric, end, this.config.manager);
          manager = created;
          this.emit(first.model_id, { kind: 'model', version: first }, end - 1);
        }
        this.managers.set(id, manager);
      }
      const outcome = manager.observe(values[metric], start, end, this.view);
      const key = outcome.evaluated.model_id;
      const evaluated = metric === 'error_rate' ? { ...outcome.evaluated, count: w.count, events: w.errors } : outcome.evaluated;
      this.emit(key, { kind: 'prediction', prediction: evaluated }, end - 1);
      this.emit(key, { kind: 'prediction', prediction: outcome.next }, end - 1);
      for (const version of outcome.changes) this.emit(key, { kind: 'model', version }, end - 1);
      if (outcome.drift) this.emit(key, { kind: 'drift', report: outcome.drift }, end - 1);
      this.models.put(id, manager.state());
    }
  }

  private emit(key: string, value: BaselineOutput, timestamp: number): void {
    this.context.forward({ key, value, timestamp, headers: this.headers });
  }
}
