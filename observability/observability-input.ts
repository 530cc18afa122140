/**
 * Where the flagship's wide events come from: a topic of wide events (JSON or Avro), or the spans
 * the OpenTelemetry Collector's Kafka exporter writes (`otlp_proto` or `otlp_json`), turned into
 * wide events keyed `service|operation` and call edges by `fromOtlpSpans`.
 */
import { WeirError } from '../errors/weir-error';
import type { StreamsBuilder } from '../topology/streams-builder';
import type { KStream } from '../topology/kstream';
import type { Serde } from '../serdes/serde';
import { jsonSerde } from '../serdes/json-serde';
import { stringSerde } from '../serdes/string-serde';
import type { WideEvent } from '../schemas/wide-event';
import type { CallEdge } from './alerts/call-graph';
import { otlpTracesSerde } from './otlp/otlp-traces-serde';
import { fromOtlpSpans } from './otlp/from-otlp-spans';
import type { SpanMappingOptions } from './otlp/span-mapping';

export const OBSERVABILITY_INPUT_FORMATS = ['avro', 'json', 'otlp_proto', 'otlp_json'] as const;
export type ObservabilityInputFormat = (typeof OBSERVABILITY_INPUT_FORMATS)[number];

/** The Collector's Kafka exporter's default topic for spans. */
export const OTLP_SPANS_TOPIC = 'otlp_spans';

export interface ObservabilityInputOptions {
  /**
   * `json` (the default) or `avro` wide events, keyed `service|operation`; `avro` needs the Avro serde
   * as `serdes.event` (it holds the registry client). `otlp_proto` / `otlp_json`: OTLP spans.
   */
  readonly format?: ObservabilityInputFormat;
  /** Input topic. Default `topics.events` for wide events, `otlp_spans` for OTLP. */
  readonly topic?: string;
  /** How OTLP spans map to wide events (user id, tier and region attributes, event time). */
  readonly otlp?: SpanMappingOptions;
}

export interface ObservabilityInput {
  /** Wide events keyed `service|operation`, with their event time as record timestamp. */
  readonly events: KStream<string, WideEvent>;
  /** Calls between services (OTLP input only). */
  readonly calls?: KStream<string, CallEdge>;
}

export function observabilityInput(
  builder: StreamsBuilder,
  input: ObservabilityInputOptions = {},
  defaults: {
    /** The `events` topic of the flagship's topics. */
    readonly eventsTopic: string;
    /** `serdes.event` as the caller gave it, if it did. */
    readonly eventSerde?: Serde<WideEvent>;
    /** Writes the OTLP events' repartition topic (the flagship's sampled-event serde). */
    readonly repartitionSerde: Serde<WideEvent>;
  },
): ObservabilityInput {
  const format = input.format ?? 'json';
  if (!OBSERVABILITY_INPUT_FORMATS.includes(format)) {
    throw new WeirError('INVALID_CONFIG', `unknown input format '${String(format)}': expected one of ${OBSERVABILITY_INPUT_FORMATS.join(', ')}`, { option: 'input.format' });
  }
  if (format === 'otlp_proto' || format === 'otlp_json') {
    const spans = builder.stream(input.topic ?? OTLP_SPANS_TOPIC, { keySerde: stringSerde, valueSerde: otlpTracesSerde(format) });
    return spans.pipe(fromOtlpSpans({ ...input.otlp, name: 'otlp-spans', eventSerde: defaults.repartitionSerde }));
  }
  if (format === 'avro' && !defaults.eventSerde?.name.startsWith('avro')) {
    throw new WeirError('INVALID_CONFIG', `input format avro needs an Avro serde as serdes.event (avroSerde with a registry client), got ${defaults.eventSerde?.name ?? 'none'}`, { option: 'input.format' });
  }
  const valueSerde = defaults.eventSerde ?? jsonSerde<WideEvent>();
  const events = builder.stream<string, WideEvent>(input.topic ?? defaults.eventsTopic, { keySerde: stringSerde, valueSerde, timestampExtractor: (_k, e) => e.timestamp });
  return { events };
}
