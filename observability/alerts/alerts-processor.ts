/**
 * The alert engine as a processor. A window is correlated once stream time passes its end plus
 * the grace (forecasts of all services have arrived by then); forecasts for a window already
 * correlated are late, dropped and counted. Alerts are keyed by service; hourly quality records by
 * hour. Feedback thresholds live in a key-value store (changelogged, so feedback survives a task
 * moving); the rest of the engine's state (call graph, per-service lifecycle) lives in memory and a
 * task that moves rebuilds it from the stream it reads.
 */
import type { Counter, Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import { NO_HEADERS } from '../../topology/record';
import { AlertEngine, type AlertEngineOptions } from './alert-engine';
import { AlertQualityTracker } from './alert-quality-tracker';
import type { AlertInput, AlertOutput } from './alert-input';
import type { Alert } from '../../schemas/alert';
import type { KeyValueStore } from '../../state/key-value-store';
import { BASELINES_TASK_HEADER } from '../baseline/baselines-processor';

export interface AlertsProcessorOptions extends AlertEngineOptions {
  /** How long after a window's end its forecasts are still awaited. */
  readonly graceMs: number;
  /**
   * The time that closes windows: `stream-time` (default), the task's, moved by every input; or
   * `forecasts`, the latest forecast's timestamp only. Wide events run ahead of the forecasts by the
   * baselines' grace, and by much more when the sub-topologies race (a replay): on the forecasts'
   * clock a window closes only once a later window's forecasts have arrived, whatever the events do.
   */
  readonly clock?: 'stream-time' | 'forecasts';
  /**
   * On the forecasts' clock, with forecasts from several baselines tasks (per-service baselines,
   * told apart by their `weir.baselines.task` header): each task's forecasts move that task's clock,
   * and windows close on the slowest one, so a window waits for every task's forecasts of it; a
   * task more than this far behind the fastest (stalled, or its services quiet) stops holding the
   * others. Tasks are known from their first forecast, so for the first `forecastSkewMs` of
   * forecasts windows close only that far behind the fastest task, whose forecasts could otherwise
   * close windows before a slower task has sent any (alerting is warming up then anyway). Default
   * three windows (the baselines' grace). One task: its clock, as before, after those first windows.
   */
  readonly forecastSkewMs?: number;
  /** Key-value store of thresholds (`service/metric` -> threshold); none keeps them in memory only. */
  readonly thresholdStore?: string;
}

export class AlertsProcessor implements Processor<string, AlertInput, string, AlertOutput> {
  private context!: ProcessorContext<string, AlertOutput>;
  private readonly engine: AlertEngine;
  private readonly quality = new AlertQualityTracker();
  /** Window starts with forecasts not yet correlated, ascending. */
  private pending: number[] = [];
  private closedUntil = Number.NEGATIVE_INFINITY;
  private forecastTime = Number.NEGATIVE_INFINITY;
  /** Latest forecast timestamp per baselines task. */
  private readonly sourceClocks = new Map<string, number>();
  private firstForecast = Number.NaN;

  constructor(private readonly options: AlertsProcessorOptions) {
    this.engine = new AlertEngine(options);
  }

  private thresholds?: KeyValueStore<string, number>;
  private lateForecasts!: Counter;
  private resolved!: Counter;
  /** Alert counters by decision and deciding rule, created as decisions appear (alerts are rare, records are not). */
  private readonly decided = new Map<string, Counter>();

  init(context: ProcessorContext<string, AlertOutput>): void {
    this.context = context;
    this.lateForecasts = context.metrics.counter('late-forecasts', { droppedRecords: true, description: 'forecasts for a window already correlated' });
    this.resolved = context.metrics.counter('alerts-resolved', { description: 'alerts resolved after their recovery windows' });
    if (this.options.thresholdStore) {
      this.thresholds = context.getStateStore<KeyValueStore<string, number>>(this.options.thresholdStore);
      for (const [key, value] of this.thresholds.all()) {
        const slash = key.indexOf('/');
        this.engine.thresholds.restore(key.slice(0, slash), key.slice(slash + 1), value);
      }
    }
  }

  process(record: StreamRecord<string, AlertInput>): void {
    const input = record.value;
    switch (input.kind) {
      case 'event':
        this.engine.observeEvent(input.event);
        break;
      case 'call':
        this.engine.graph.observeCall(input.call);
        break;
      case 'deployment':
        this.engine.observeDeployment(input.deployment);
        break;
      case 'known-event':
        this.engine.observeKnownEvent(input.event);
        break;
      case 'feedback':
        this.quality.recordFeedback(input.feedback);
        for (const change of this.engine.applyFeedback(input.feedback)) {
          const key = `${change.service}/${change.metric}`;
          this.thresholds?.put(key, change.to);
          this.emit(key, { kind: 'threshold', change }, record.timestamp);
        }
        break;
      case 'prediction': {
        const p = input.prediction;
        if (p.actual === null) break;
        if (p.window_start < this.closedUntil) {
          this.lateForecasts.increment();
          break;
        }
        if (!this.pending.includes(p.window_start)) {
          this.pending.push(p.window_start);
          this.pending.sort((a, b) => a - b);
        }
        this.engine.observeWindow(p);
        this.advanceForecastClock(record.headers[BASELINES_TASK_HEADER], record.timestamp);
        break;
      }
    }
    this.closeDue(this.options.clock === 'forecasts' ? this.forecastTime : this.context.streamTime());
  }

  /** The forecasts' clock: the slowest baselines task's latest forecast, at most `forecastSkewMs` behind the fastest. */
  private advanceForecastClock(header: Buffer | string | undefined, timestamp: number): void {
    const source = header === undefined ? '' : header.toString();
    if (!(timestamp <= (this.sourceClocks.get(source) ?? Number.NEGATIVE_INFINITY))) this.sourceClocks.set(source, timestamp);
    let slowest = Number.POSITIVE_INFINITY;
    let fastest = Number.NEGATIVE_INFINITY;
    for (const t of this.sourceClocks.values()) {
      if (t < slowest) slowest = t;
      if (t > fastest) fastest = t;
    }
    const skew = this.options.forecastSkewMs ?? 3 * this.options.windowMs;
    if (Number.isNaN(this.firstForecast)) this.firstForecast = timestamp;
    const everyTaskKnown = fastest - this.firstForecast >= skew;
    const clock = everyTaskKnown ? Math.max(slowest, fastest - skew) : fastest - skew;
    if (clock > this.forecastTime) this.forecastTime = clock;
  }

  /** Bounded input ended: every pending window is correlated and every hour's quality emitted. */
  onEndOfInput(): void {
    this.closeDue(Number.POSITIVE_INFINITY);
  }

  private closeDue(streamTime: number): void {
    while (this.pending.length && this.pending[0]! + this.options.windowMs + this.options.graceMs <= streamTime) {
      const start = this.pending.shift()!;
      this.closedUntil = start + this.options.windowMs;
      const result = this.engine.closeWindow(start);
      const at = start + this.options.windowMs;
      for (const anomaly of result.anomalies) this.emit(`${anomaly.service}/${anomaly.metric}`, { kind: 'anomaly', anomaly }, at);
      for (const alert of result.alerts) {
        if (alert.status === 'firing' && (alert.decision === 'fire' || alert.decision === 'downgrade')) this.quality.recordAlert(alert);
        this.count(alert, result.rules.get(alert) ?? []);
        this.emit(alert.service, { kind: 'alert', alert }, at);
      }
      for (const event of result.incidents) this.emit(event.id, { kind: 'incident', event }, at);
    }
    for (const quality of this.quality.flush(streamTime)) this.emit(String(quality.window_start), { kind: 'quality', quality }, quality.window_end);
  }

  /** `alerts-fired` (fire, downgrade) or `alerts-suppressed` (suppress, dedupe, delay), by decision and the rule that decided it. */
  private count(alert: Alert, rules: readonly string[]): void {
    if (alert.status === 'resolved') return this.resolved.increment();
    const rule = rules[rules.length - 1] ?? 'none';
    const key = `${alert.decision}/${rule}`;
    let counter = this.decided.get(key);
    if (!counter) {
      const fired = alert.decision === 'fire' || alert.decision === 'downgrade';
      counter = this.context.metrics.counter(fired ? 'alerts-fired' : 'alerts-suppressed', {
        labels: { decision: alert.decision, rule },
        description: fired ? 'alerts fired, by decision and the last suppression rule that downgraded them (none)' : 'alerts held back, by decision and the suppression rule that decided it',
      });
      this.decided.set(key, counter);
    }
    counter.increment();
  }

  private emit(key: string, value: AlertOutput, timestamp: number): void {
    this.context.forward({ key, value, timestamp, headers: NO_HEADERS });
  }
}
