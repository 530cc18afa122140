/**
 * OTLP spans to wide events and call edges. A wide event is one unit of work of a service: a SERVER
 * span (a request served), a CONSUMER span (a message processed), or a root span of kind INTERNAL or
 * UNSPECIFIED (work nobody asked for over the wire: a cron job, a batch run; without it such
 * services would not be seen at all). INTERNAL spans with a parent are steps inside such a unit and
 * PRODUCER spans fire-and-forget sends; both are skipped (and counted). CLIENT spans are calls, not
 * units of work: they become call edges for the call graph.
 *
 * Event time is the span's **end** by default: a span is exported when it ends, so its end is what
 * stream time and window grace are measured against (a 30 s request stamped with its start would be
 * 30 s late on arrival, past the rollups' default 10 s grace), and a latency is observed when the
 * request completes, as a metrics histogram records it.
 */
import type { WideEvent } from '../../schemas/wide-event';
import type { CallEdge } from '../alerts/call-graph';
import { SPAN_KIND, STATUS_CODE, type OtlpAttributes, type OtlpSpan, type OtlpTraces } from './otlp-traces';

export interface SpanMappingOptions {
  /** Attributes holding the user id, first found wins (span, then resource). Default `user.id`, `enduser.id`. */
  readonly userIdAttributes?: readonly string[];
  /** Attributes holding the customer tier (span, then resource). Default `customer.tier`; absent reads `unknown`. */
  readonly customerTierAttributes?: readonly string[];
  /** Attributes holding the region (span, then resource). Default `cloud.region`; absent reads `unknown`. */
  readonly regionAttributes?: readonly string[];
  /** Which end of the span is the event time. Default `end` (see above). */
  readonly timestamp?: 'end' | 'start';
}

export const SPAN_MAPPING_DEFAULTS = {
  userIdAttributes: ['user.id', 'enduser.id'],
  customerTierAttributes: ['customer.tier'],
  regionAttributes: ['cloud.region'],
  timestamp: 'end',
} as const satisfies Required<SpanMappingOptions>;

const UNKNOWN = 'unknown';
const HTTP_ROUTE = 'http.route';
const HTTP_METHOD = ['http.request.method', 'http.method'] as const;
const HTTP_STATUS = ['http.response.status_code', 'http.status_code'] as const;
const PEER = ['peer.service', 'server.address', 'net.peer.name'] as const;
const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** What one message mapped to: events and call edges in span order, and the spans that are neither. */
export interface MappedSpans {
  readonly events: WideEvent[];
  readonly calls: CallEdge[];
  readonly skipped: number;
}

/** Maps the spans of OTLP messages; one instance per processor (it keeps no state between messages). */
export class SpanMapper {
  private readonly userIds: readonly string[];
  private readonly tiers: readonly string[];
  private readonly regions: readonly string[];
  private readonly useStart: boolean;
  /** Attributes that become wide-event fields and so are left out of the attribute map. */
  private readonly consumed: ReadonlySet<string>;

  constructor(options: SpanMappingOptions = {}) {
    this.userIds = options.userIdAttributes ?? SPAN_MAPPING_DEFAULTS.userIdAttributes;
    this.tiers = options.customerTierAttributes ?? SPAN_MAPPING_DEFAULTS.customerTierAttributes;
    this.regions = options.regionAttributes ?? SPAN_MAPPING_DEFAULTS.regionAttributes;
    this.useStart = (options.timestamp ?? SPAN_MAPPING_DEFAULTS.timestamp) === 'start';
    this.consumed = new Set(['service.name', HTTP_ROUTE, ...HTTP_METHOD, ...HTTP_STATUS, ...this.userIds, ...this.tiers, ...this.regions]);
  }

  map(traces: OtlpTraces): MappedSpans {
    const events: WideEvent[] = [];
    const calls: CallEdge[] = [];
    let skipped = 0;
    // A CLIENT span's callee is best known from its child SERVER span, when the same message has it.
    let childService: Map<string, string> | undefined;
    let clients: { span: OtlpSpan; service: string }[] | undefined;
    for (const { resource, spans } of traces.resourceSpans) {
      if (spans.length === 0) continue;
      const service = resource['service.name'];
      const base = this.resourceRest(resource);
      for (const span of spans) {
        const kind = span.kind;
        if (kind === SPAN_KIND.CLIENT) {
          (clients ??= []).push({ span, service });
        } else if (kind === SPAN_KIND.SERVER || kind === SPAN_KIND.CONSUMER || (span.parentSpanId === null && (kind === SPAN_KIND.INTERNAL || kind === SPAN_KIND.UNSPECIFIED))) {
          events.push(this.event(span, service, resource, base));
          if (span.parentSpanId !== null) (childService ??= new Map()).set(span.parentSpanId, service);
        } else {
          skipped++;
        }
      }
    }
    if (clients) for (const { span, service } of clients) calls.push(this.call(span, service, childService?.get(span.spanId)));
    return { events, calls, skipped };
  }

  private event(span: OtlpSpan, service: string, resource: OtlpAttributes, base: OtlpAttributes): WideEvent {
    const a = span.attributes;
    const method = first(a, HTTP_METHOD);
    const route = a[HTTP_ROUTE];
    const httpStatus = first(a, HTTP_STATUS);
    const status = statusCode(span, httpStatus);
    const attributes: OtlpAttributes = { ...base };
    for (const key in a) if (!this.consumed.has(key)) attributes[key] = a[key];
    // An ERROR span answered below 500 keeps its HTTP status here: the status code says error.
    if (httpStatus !== undefined && String(status) !== httpStatus) attributes['http.response.status_code'] = httpStatus;
    if (span.statusCode === STATUS_CODE.ERROR && span.statusMessage) attributes['otel.status_description'] = span.statusMessage;
    if (span.exception) for (const key in span.exception) if (!(key in attributes)) attributes[key] = span.exception[key];
    return {
      timestamp: this.useStart ? span.start.ms : span.end.ms,
      service,
      operation: route ? (method ? `${method} ${route}` : route) : span.name,
      method: method ?? a['rpc.system'] ?? a['messaging.system'] ?? KIND_NAMES[span.kind],
      status_code: status,
      duration_ms: durationMs(span),
      trace_id: span.traceId,
      span_id: span.spanId,
      parent_span_id: span.parentSpanId,
      user_id: first(a, this.userIds) ?? first(resource, this.userIds) ?? null,
      region: first(a, this.regions) ?? first(resource, this.regions) ?? UNKNOWN,
      customer_tier: first(a, this.tiers) ?? first(resource, this.tiers) ?? UNKNOWN,
      attributes,
    };
  }

  private call(span: OtlpSpan, caller: string, childService: string | undefined): CallEdge {
    return {
      timestamp: this.useStart ? span.start.ms : span.end.ms,
      caller,
      callee: childService ?? first(span.attributes, PEER) ?? null,
      operation: span.name,
      trace_id: span.traceId,
      span_id: span.spanId,
      parent_span_id: span.parentSpanId,
      duration_ms: durationMs(span),
      status_code: statusCode(span, first(span.attributes, HTTP_STATUS)),
    };
  }

  /** A resource's attributes minus those that become fields, copied into each of its events. */
  private resourceRest(resource: OtlpAttributes): OtlpAttributes {
    const rest: OtlpAttributes = {};
    for (const key in resource) if (!this.consumed.has(key)) rest[key] = resource[key];
    return rest;
  }
}

/**
 * The wide events of one OTLP message, for `flatMapValues` (the records keep the message's
 * timestamp there: `fromOtlpSpans` stamps each with its own event time and keys it).
 *
 * ```ts
 * spans.pipe(flatMapValues(spansToWideEvents({ userIdAttributes: ['enduser.id'] })))
 * ```
 */
export function spansToWideEvents(options: SpanMappingOptions = {}): (traces: OtlpTraces) => WideEvent[] {
  const mapper = new SpanMapper(options);
  return (traces) => mapper.map(traces).events;
}

/** The call edges (CLIENT spans) of one OTLP message, for `flatMapValues`. */
export function spansToCallEdges(options: SpanMappingOptions = {}): (traces: OtlpTraces) => CallEdge[] {
  const mapper = new SpanMapper(options);
  return (traces) => mapper.map(traces).calls;
}

function first(attributes: OtlpAttributes, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = attributes[name];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** The HTTP status when the span has one, raised to 500 when the span's status is ERROR; else 500 or 200. */
function statusCode(span: OtlpSpan, httpStatus: string | undefined): number {
  const http = httpStatus === undefined ? NaN : Number(httpStatus);
  const error = span.statusCode === STATUS_CODE.ERROR;
  if (Number.isInteger(http)) return error && http < 500 ? 500 : http;
  return error ? 500 : 200;
}

function durationMs(span: OtlpSpan): number {
  return span.end.ms - span.start.ms + (span.end.nanos - span.start.nanos) / 1_000_000;
}
