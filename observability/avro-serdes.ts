/**
 * Avro serdes for every record of the flagship topology that has a schema in `schemas/`, in
 * Confluent's wire format through a schema registry. Subjects follow TopicNameStrategy
 * (`<topic>-value`) for the records the topology writes; the ones it only reads register nothing.
 * Rollups are the exception: one serde writes the three rollup topics, so that their
 * schema is registered once under its record name. Forecasts have no schema and stay JSON.
 */
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { avroSerde } from '../avro/avro-serde';
import { avroSchema, type SchemaName, type SchemaTypes } from '../schemas/avro-schemas';
import type { Serde } from '../serdes/serde';
import { OBSERVABILITY_TOPICS, type ObservabilitySerdes, type ObservabilityTopics } from './observability-topology';

export function observabilityAvroSerdes(registry: SchemaRegistry, topicNames: Partial<ObservabilityTopics> = {}): Omit<ObservabilitySerdes, 'prediction'> {
  const topics: ObservabilityTopics = { ...OBSERVABILITY_TOPICS, ...topicNames };
  const serde = <N extends SchemaName>(name: N, topic?: string): Serde<SchemaTypes[N]> => avroSerde<SchemaTypes[N]>({ registry, schema: avroSchema(name), topic });
  return {
    // Read only: a reader registers nothing, so producers' evolved schemas stay theirs to register.
    event: serde('wide-event'),
    sampledEvent: serde('wide-event', topics.sampledEvents),
    deployment: serde('deployment'),
    // Written too: alerting opens and closes `incident` known events.
    knownEvent: serde('known-event', topics.knownEvents),
    rollup: avroSerde({ registry, schema: avroSchema('rollup'), subject: 'dev.weir.Rollup' }),
    modelVersion: serde('baseline-model-version', topics.baselines),
    drift: serde('drift-report', topics.drift),
    cardinality: serde('cardinality-report', topics.cardinality),
    alert: serde('alert', topics.alerts),
    anomaly: serde('anomaly', topics.anomalies),
    alertFeedback: serde('alert-feedback'),
    alertQuality: serde('alert-quality', topics.alertQuality),
  };
}
