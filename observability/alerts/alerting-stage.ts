/**
 * Adds the alerting stage to an observability topology: closed-window forecasts, a (sampled) stream
 * of wide events, deployments, known events and the `alert-feedback` topic reach one alerts task
 * (each through its own repartition topic, all on one key); alerts, anomaly signals, hourly quality
 * and threshold changes go to their topics, and incident known events back to the known-events
 * topic so the baselines hold their learning while a service is in trouble.
 *
 * ```ts
 * addAlerting(builder, { predictions, events: sampled, deployments, knownEvents }, { serdes: { alert: avroSerde(...) } });
 * ```
 */
import type { StreamsBuilder } from '../../topology/streams-builder';
import type { KStream } from '../../topology/kstream';
import type { Serde } from '../../serdes/serde';
import { repartitionIfRequired } from '../../topology/repartition';
import { jsonSerde } from '../../serdes/json-serde';
import { stringSerde } from '../../serdes/string-serde';
import { map } from '../../operators/map';
import { merge } from '../../operators/merge';
import { branch } from '../../operators/branch';
import { mapValues } from '../../operators/map-values';
import { to } from '../../operators/to';
import { peek } from '../../operators/peek';
import type { Alert } from '../../schemas/alert';
import type { AlertFeedback } from '../../schemas/alert-feedback';
import type { AlertQuality } from '../../schemas/alert-quality';
import type { Anomaly } from '../../schemas/anomaly';
import type { Deployment } from '../../schemas/deployment';
import type { KnownEvent } from '../../schemas/known-event';
import type { WideEvent } from '../../schemas/wide-event';
import type { WindowObservation } from './signal-scorer';
import type { CallEdge } from './call-graph';
import type { ThresholdChange } from './feedback-thresholds';
import type { AlertInput, AlertOutput } from './alert-input';
import { correlateAlerts, type CorrelateAlertsOptions } from './correlate-alerts';

export const ALERTING_TOPICS = {
  alerts: 'alerts',
  anomalies: 'anomalies',
  feedback: 'alert-feedback',
  quality: 'alert-quality',
  thresholds: 'alert-thresholds',
  knownEvents: 'known-events',
} as const;

export type AlertingTopics = { -readonly [T in keyof typeof ALERTING_TOPICS]: string };

export interface AlertingSerdes {
  alert: Serde<Alert>;
  anomaly: Serde<Anomaly>;
  feedback: Serde<AlertFeedback>;
  quality: Serde<AlertQuality>;
  knownEvent: Serde<KnownEvent>;
}

export interface AlertingInputs {
  /** Forecasts with their actuals (`baseline-predictions`); forecasts without an actual are ignored. */
  readonly predictions: KStream<string, WindowObservation>;
  /** Wide events, or a weighted sample of them, for the call graph and user impact. */
  readonly events?: KStream<string, WideEvent>;
  /** Calls between services (OTLP CLIENT spans, deduplicated) for the call graph. */
  readonly calls?: KStream<string, CallEdge>;
  readonly deployments: KStream<string, Deployment>;
  readonly knownEvents: KStream<string, KnownEvent>;
}

export interface AlertingOptions extends Partial<Omit<CorrelateAlertsOptions, 'name'>> {
  readonly topics?: Partial<AlertingTopics>;
  readonly serdes?: Partial<AlertingSerdes>;
  /** Called in-process for every alert record (fired, suppressed, deduplicated, delayed, resolved) before it is written. */
  readonly onAlert?: (alert: Alert) => void;
}

function unwrap<T>(field: 'alert' | 'anomaly' | 'event' | 'quality' | 'change'): (value: AlertOutput) => T {
  return (value) => (value as unknown as Record<string, T>)[field]!;
}

/** Adds the alerting stage; returns the stream of alert records (also written to the alerts topic). */
export function addAlerting(builder: StreamsBuilder, inputs: AlertingInputs, options: AlertingOptions = {}): KStream<string, Alert> {
  const topics: AlertingTopics = { ...ALERTING_TOPICS, ...options.topics };
  const serdes: AlertingSerdes = {
    alert: jsonSerde<Alert>(),
    anomaly: jsonSerde<Anomaly>(),
    feedback: jsonSerde<AlertFeedback>(),
    quality: jsonSerde<AlertQuality>(),
    knownEvent: jsonSerde<KnownEvent>(),
    ...options.serdes,
  };
  const key = 'alerts';
  const inputSerdes = { keySerde: stringSerde, valueSerde: jsonSerde<AlertInput>() };
  const toInput = <V>(stream: KStream<string, V>, name: string, wrap: (value: V) => AlertInput) =>
    repartitionIfRequired(stream.pipe(map((_k, value: V) => ({ key, value: wrap(value) }), { name })), name, inputSerdes);
  const feedback = builder.stream<string, AlertFeedback>(topics.feedback, { keySerde: stringSerde, valueSerde: serdes.feedback });
  let routed = toInput(inputs.predictions, 'alert-input-predictions', (prediction): AlertInput => ({ kind: 'prediction', prediction })).pipe(
    merge(toInput(inputs.deployments, 'alert-input-deployments', (deployment): AlertInput => ({ kind: 'deployment', deployment })), { name: 'alert-input-merge-deployments' }),
    merge(toInput(inputs.knownEvents, 'alert-input-known-events', (event): AlertInput => ({ kind: 'known-event', event })), { name: 'alert-input-merge-known-events' }),
    merge(toInput(feedback, 'alert-input-feedback', (f): AlertInput => ({ kind: 'feedback', feedback: f })), { name: 'alert-input-merge-feedback' }),
  );
  if (inputs.events) {
    routed = routed.pipe(merge(toInput(inputs.events, 'alert-input-events', (event): AlertInput => ({ kind: 'event', event })), { name: 'alert-input-merge-events' }));
  }
  if (inputs.calls) {
    routed = routed.pipe(merge(toInput(inputs.calls, 'alert-input-calls', (call): AlertInput => ({ kind: 'call', call })), { name: 'alert-input-merge-calls' }));
  }
  const { topics: _topics, serdes: _serdes, onAlert, ...correlate } = options;
  const outputs = routed.pipe(correlateAlerts({ name: 'alerts', ...correlate }));
  const split = outputs.pipe(
    branch<string, AlertOutput, 'threshold'>(
      { alert: (_k, o) => o.kind === 'alert', anomaly: (_k, o) => o.kind === 'anomaly', incident: (_k, o) => o.kind === 'incident', quality: (_k, o) => o.kind === 'quality' },
      { name: 'alert-outputs', defaultBranch: 'threshold' },
    ),
  );
  const alerts = split.alert.pipe(mapValues(unwrap<Alert>('alert'), { name: 'alert-records' }));
  (onAlert ? alerts.pipe(peek((_k, alert) => onAlert(alert), { name: 'alert-hook' })) : alerts).pipe(to(topics.alerts, { keySerde: stringSerde, valueSerde: serdes.alert }));
  split.anomaly.pipe(mapValues(unwrap<Anomaly>('anomaly'), { name: 'anomaly-records' }), to(topics.anomalies, { keySerde: stringSerde, valueSerde: serdes.anomaly }));
  split.incident.pipe(mapValues(unwrap<KnownEvent>('event'), { name: 'incident-records' }), to(topics.knownEvents, { keySerde: stringSerde, valueSerde: serdes.knownEvent }));
  split.quality.pipe(mapValues(unwrap<AlertQuality>('quality'), { name: 'alert-quality-records' }), to(topics.quality, { keySerde: stringSerde, valueSerde: serdes.quality }));
  split.threshold.pipe(mapValues(unwrap<ThresholdChange>('change'), { name: 'alert-threshold-records' }), to(topics.thresholds, { keySerde: stringSerde, valueSerde: jsonSerde<ThresholdChange>() }));
  return alerts;
}
