/**
 * `weir`: the stream-processing engine. The DSL and its operators, state stores, serdes, the
 * runtime on the embedded log or Kafka, Avro in Confluent's wire format with the embedded schema
 * registry, and the test driver. Everything not exported here (or from `weir/testing`,
 * `weir/observability`, `weir/clickhouse`) is internal and may change without notice.
 */
export { WeirError, isWeirError, ERROR_CODES, type ErrorCode, type ErrorContext } from './errors/weir-error';

// Topology DSL
export { StreamsBuilder, type SourceOptions, type TableOptions, type GlobalTableOptions } from './topology/streams-builder';
export { Topology } from './topology/topology';
export { KStream, type StreamSerdes } from './topology/kstream';
export { KTable } from './topology/ktable';
export { GlobalKTable } from './topology/global-ktable';
export { KGroupedStream, TimeWindowedKStream } from './topology/kgrouped-stream';
export { tumbling, hopping, type TimeWindows, type WindowOptions } from './topology/windows';
export { describeTopology } from './topology/describe-topology';
export type { Aggregator } from './topology/aggregator';
export type { Processor, ProcessorContext, ProcessorSupplier, ProcessorMetrics, Counter, CounterOptions, MeasureOptions, MetricOptions, PunctuationType, Cancellable, CommitParticipant } from './topology/processor';
export { NO_HEADERS, type StreamRecord, type RecordHeaders, type RecordOrigin } from './topology/record';
export type { TimestampExtractor } from './topology/topology-graph';

// Operators
export { aggregate, type AggregateOptions } from './operators/aggregate';
export { branch, type Branches } from './operators/branch';
export { count } from './operators/count';
export { filter, filterNot, type NamedOptions } from './operators/filter';
export { flatMap, flatMapValues } from './operators/flat-map';
export { groupByKey, type GroupedOptions } from './operators/group-by-key';
export { groupBy, type GroupByOptions } from './operators/group-by';
export { join, leftJoin, type JoinOptions } from './operators/join';
export { mapValues } from './operators/map-values';
export { map, type KeyValue } from './operators/map';
export { merge } from './operators/merge';
export { peek } from './operators/peek';
export { process, type ProcessOptions } from './operators/process';
export { reduce } from './operators/reduce';
export { selectKey } from './operators/select-key';
export { suppress, untilWindowCloses, type SuppressConfig } from './operators/suppress';
export { toStream } from './operators/to-stream';
export { to, type ToOptions } from './operators/to';
export { windowedBy } from './operators/windowed-by';

// State
export { Stores, type StoreOptions, type WindowStoreOptions } from './state/stores';
export type { KeyValueStore, ReadOnlyKeyValueStore } from './state/key-value-store';
export type { WindowStore, ReadOnlyWindowStore, Windowed, WindowedEntry } from './state/window-store';
export type { StateStore, StoreSupplier } from './state/state-store';
export type { GlobalKeyValueStore, VersionedRecord } from './state/versioned-key-value-store';

// Serdes
export type { Serde } from './serdes/serde';
export { jsonSerde } from './serdes/json-serde';
export { stringSerde } from './serdes/string-serde';

// Runtime
export { StreamsApp, type StreamsAppOptions, type StreamsAppState } from './runtime/streams-app';
export type { StreamsConfig, StreamsConfigInput, DeserializationErrorPolicy } from './runtime/streams-config';
export { createLogger, silentLogger, type Logger, type LogLevel } from './runtime/logger';
export { ReplicaServer, type RouteHandler, type RouteResponse } from './runtime/http/replica-server';
export { METRICS, prometheusName, processorMetricName, type MetricDefinition } from './runtime/metrics/metric-names';
export type { LogClient, ProcessingGuarantee, ProducedRecord, ConsumedRecord, TopicSpec, LogHeaders } from './runtime/log';
export { DLQ_HEADERS } from './runtime/dead-letter';
export { EmbeddedLog, type EmbeddedLogOptions, partitionForKey } from './runtime/embedded';
export { KafkaLog, type KafkaLogOptions } from './runtime/kafka/kafka-log';

// Avro and the schema registry
export { avroSerde, AvroSerde, type AvroSerdeOptions } from './avro/avro-serde';
export { createAvroProducer, AvroProducer, type AvroProducerOptions } from './avro/avro-producer';
export { startSchemaRegistry, SchemaRegistryServer, type SchemaRegistryServerOptions } from './registry/registry-server';
export { MemorySchemaStore, FileSchemaStore, type SchemaStore } from './registry/schema-store';
export { TopicSchemaStore } from './registry/topic-schema-store';

// Testing (also `weir/testing`)
export { TopologyTestDriver, type TestDriverOptions } from './testing/topology-test-driver';
export { TestInputTopic, TestOutputTopic, type TestRecord } from './testing/test-topics';
