/**
 * The OTLP input stage: messages of the Collector's Kafka exporter in, wide events and call edges
 * out, each record stamped with its own span's event time. Events are keyed `service|operation`
 * and repartitioned through `<name>-events-repartition` (a message holds spans of many services, so
 * the spans of one service's operation must be brought together before the rollups); call edges
 * are keyed by the calling service and left for their consumer to route (the alerting stage moves
 * them to its single task anyway).
 */
import type { KStream } from '../../topology/kstream';
import type { Counter, Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import type { Serde } from '../../serdes/serde';
import { NO_HEADERS } from '../../topology/record';
import { repartitionIfRequired } from '../../topology/repartition';
import { PassThrough } from '../../operators/branch';
import { jsonSerde } from '../../serdes/json-serde';
import { stringSerde } from '../../serdes/string-serde';
import type { WideEvent } from '../../schemas/wide-event';
import type { CallEdge } from '../alerts/call-graph';
import type { OtlpTraces } from './otlp-traces';
import { SpanMapper, type SpanMappingOptions } from './span-mapping';

export interface FromOtlpSpansOptions extends SpanMappingOptions {
  /** Stable name of the stage's nodes and of the repartition topic `<name>-events-repartition`. Default `otlp-spans`. */
  readonly name?: string;
  /** Key of each wide event. Default `service|operation`, the flagship's rollup key. */
  readonly eventKey?: (event: WideEvent) => string;
  /** Value serde of the events' repartition topic. Default JSON. */
  readonly eventSerde?: Serde<WideEvent>;
}

export interface OtlpSpanStreams {
  /** One wide event per SERVER, CONSUMER or root INTERNAL span, repartitioned by key. */
  readonly events: KStream<string, WideEvent>;
  /** One call edge per CLIENT span, keyed by the caller. */
  readonly calls: KStream<string, CallEdge>;
}

export const eventKeyOf = (event: WideEvent): string => `${event.service}|${event.operation}`;

/**
 * ```ts
 * const spans = builder.stream('otlp_spans', { keySerde: stringSerde, valueSerde: otlpTracesSerde('otlp_proto') });
 * const { events, calls } = spans.pipe(fromOtlpSpans({ customerTierAttributes: ['app.tier'] }));
 * events.pipe(groupByKey(), windowedRollup({ ... }));
 * ```
 */
export function fromOtlpSpans<K>(options: FromOtlpSpansOptions = {}) {
  return (stream: KStream<K, OtlpTraces>): OtlpSpanStreams => {
    const name = options.name ?? 'otlp-spans';
    const eventsChild = `${name}-events`;
    const callsChild = `${name}-calls`;
    const eventKey = options.eventKey ?? eventKeyOf;
    const split = stream.addProcessor<string, WideEvent | CallEdge>({
      operator: 'fromOtlpSpans',
      name,
      keyChanging: true,
      detail: `events -> ${eventsChild}, calls -> ${callsChild}`,
      supplier: () => new OtlpSpansProcessor<K>(new SpanMapper(options), eventKey, eventsChild, callsChild),
    });
    const events = split.addProcessor<string, WideEvent>({ operator: 'otlp-events', name: eventsChild, supplier: () => new PassThrough<string, WideEvent>() });
    const calls = split.addProcessor<string, CallEdge>({ operator: 'otlp-calls', name: callsChild, serdes: { keySerde: stringSerde, valueSerde: jsonSerde<CallEdge>() }, supplier: () => new PassThrough<string, CallEdge>() });
    const eventSerde = options.eventSerde ?? jsonSerde<WideEvent>();
    return { events: repartitionIfRequired(events, eventsChild, { keySerde: stringSerde, valueSerde: eventSerde }), calls };
  };
}

class OtlpSpansProcessor<K> implements Processor<K, OtlpTraces, string, WideEvent | CallEdge> {
  private context!: ProcessorContext<string, WideEvent | CallEdge>;

  constructor(
    private readonly mapper: SpanMapper,
    private readonly eventKey: (event: WideEvent) => string,
    private readonly eventsChild: string,
    private readonly callsChild: string,
  ) {}

  private skippedSpans!: Counter;

  init(context: ProcessorContext<string, WideEvent | CallEdge>): void {
    this.context = context;
    this.skippedSpans = context.metrics.counter('otlp-spans-skipped', { description: 'INTERNAL child and PRODUCER spans, which are neither events nor calls' });
  }

  process(record: StreamRecord<K, OtlpTraces>): void {
    if (record.value === null) return;
    const { events, calls, skipped } = this.mapper.map(record.value);
    // The message's headers describe the batch, not each span: they are not copied onto every record.
    for (const event of events) this.context.forward({ key: this.eventKey(event), value: event, timestamp: event.timestamp, headers: NO_HEADERS }, this.eventsChild);
    for (const call of calls) this.context.forward({ key: call.caller, value: call, timestamp: call.timestamp, headers: NO_HEADERS }, this.callsChild);
    if (skipped > 0) this.skippedSpans.increment(skipped);
  }
}
