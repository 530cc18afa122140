/**
 * OTLP traces as weir reads them: one Kafka message of the Collector's Kafka exporter, decoded
 * (`otlp_proto` or `otlp_json`), validated and flattened to what span mapping needs. Ids are
 * lowercase hex and attribute values strings (the wide event's attribute map holds strings), so the
 * mapping code is the same for both encodings.
 */

/** OTLP `Span.SpanKind` numbers. */
export const SPAN_KIND = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

/** OTLP `Status.StatusCode` numbers. */
export const STATUS_CODE = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export type OtlpAttributes = Record<string, string>;

/** A point in time split so that both halves are exact doubles (epoch nanoseconds do not fit one). */
export interface OtlpTime {
  /** Whole epoch milliseconds. */
  readonly ms: number;
  /** Nanoseconds past `ms`, 0 to 999,999. */
  readonly nanos: number;
}

export interface OtlpSpan {
  /** 32 hex digits. */
  readonly traceId: string;
  /** 16 hex digits. */
  readonly spanId: string;
  /** 16 hex digits, null for a root span. */
  readonly parentSpanId: string | null;
  readonly name: string;
  /** One of SPAN_KIND (unknown kinds read as UNSPECIFIED). */
  readonly kind: number;
  readonly start: OtlpTime;
  readonly end: OtlpTime;
  /** One of STATUS_CODE. */
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly attributes: OtlpAttributes;
  /** Attributes of the span's first `exception` event, if any (`exception.type`, `exception.message`...). */
  readonly exception: OtlpAttributes | null;
}

export interface OtlpResourceSpans {
  /** The resource's attributes, `service.name` included. */
  readonly resource: OtlpAttributes;
  /** The resource's spans of every instrumentation scope. */
  readonly spans: readonly OtlpSpan[];
}

/** One `ExportTraceServiceRequest` (the Collector's `TracesData`). */
export interface OtlpTraces {
  readonly resourceSpans: readonly OtlpResourceSpans[];
}

export function spanCount(traces: OtlpTraces): number {
  let n = 0;
  for (const r of traces.resourceSpans) n += r.spans.length;
  return n;
}
