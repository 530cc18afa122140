/**
 * Spans made by the OpenTelemetry JS SDK and serialized by its own OTLP serializers (the bytes an
 * SDK sends and the Collector's Kafka exporter passes on as `otlp_proto` / `otlp_json`), for the OTLP
 * input's tests and its decode bench. Ids come from a counter so that expected values can be written
 * down; everything else is the SDK's.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type HrTime, type Span, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type IdGenerator, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

/** Trace ids `0…01`, `0…02`, span ids likewise, in creation order. */
export class SequentialIds implements IdGenerator {
  private traces = 0;
  private spans = 0;
  generateTraceId(): string {
    return (++this.traces).toString(16).padStart(32, '0');
  }
  generateSpanId(): string {
    return (++this.spans).toString(16).padStart(16, '0');
  }
}

/** One tracer per service (the SDK's resource is per provider), all exporting to one in-memory exporter. */
export class OtlpSpanFactory {
  readonly exporter = new InMemorySpanExporter();
  private readonly ids = new SequentialIds();
  private readonly tracers = new Map<string, Tracer>();

  tracer(service: string, resource: Attributes = {}): Tracer {
    let tracer = this.tracers.get(service);
    if (!tracer) {
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service, ...resource }),
        idGenerator: this.ids,
        spanProcessors: [new SimpleSpanProcessor(this.exporter)],
      });
      this.tracers.set(service, (tracer = provider.getTracer('weir-test', '1.0.0')));
    }
    return tracer;
  }

  /** Starts a span at `startMs` (+ `startNanos`) under `parent`; the caller ends it with `end(span, ms)`. */
  start(service: string, name: string, kind: SpanKind, startMs: number, options: { parent?: Span; attributes?: Attributes; startNanos?: number } = {}): Span {
    const context = options.parent ? trace.setSpan(ROOT_CONTEXT, options.parent) : ROOT_CONTEXT;
    return this.tracer(service).startSpan(name, { kind, startTime: hrTime(startMs, options.startNanos), attributes: options.attributes }, context);
  }

  /** Finished spans since the last call, in the order they ended. */
  take(): ReadableSpan[] {
    const spans = this.exporter.getFinishedSpans();
    this.exporter.reset();
    return spans;
  }
}

export function hrTime(ms: number, nanos = 0): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, (ms - seconds * 1000) * 1_000_000 + nanos];
}

export function end(span: Span, ms: number, nanos = 0): void {
  span.end(hrTime(ms, nanos));
}

export function fail(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** The bytes of one `ExportTraceServiceRequest`, as the SDK's OTLP exporter sends them. */
export function serializeSpans(spans: ReadableSpan[], encoding: 'otlp_proto' | 'otlp_json'): Buffer {
  const bytes = encoding === 'otlp_proto' ? ProtobufTraceSerializer.serializeRequest(spans) : JsonTraceSerializer.serializeRequest(spans);
  if (!bytes) throw new Error('the OTLP serializer returned nothing');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export interface SyntheticSpans {
  /** Serialized messages, `spansPerMessage` spans each. */
  readonly messages: Buffer[];
  readonly spans: number;
  /** SERVER spans among them (the wide events they map to). */
  readonly serverSpans: number;
  /** Each SERVER span as the SDK holds it: service, name (`GET <route>`), end in epoch ms, and whether it failed (HTTP 5xx). */
  readonly servers: { service: string; name: string; endMs: number; failed: boolean }[];
}

/**
 * `messages` OTLP messages of `spansPerMessage` spans over `services` services: request trees of
 * a SERVER span with an INTERNAL step and a CLIENT call to the next service's SERVER span, with the
 * HTTP attributes and a user id and tier on each request, as instrumented services send them.
 */
export function syntheticOtlpMessages(options: {
  messages: number;
  spansPerMessage: number;
  services: number;
  encoding: 'otlp_proto' | 'otlp_json';
  startMs?: number;
  /** Between request starts. Default 7 ms. */
  spacingMs?: number;
}): SyntheticSpans {
  const factory = new OtlpSpanFactory();
  const t0 = options.startMs ?? 1_767_225_600_000;
  const tiers = ['free', 'pro', 'enterprise'];
  const messages: Buffer[] = [];
  const servers: SyntheticSpans['servers'] = [];
  let serverSpans = 0;
  let spans = 0;
  let n = 0;
  for (let m = 0; m < options.messages; m++) {
    let inMessage = 0;
    while (inMessage < options.spansPerMessage) {
      const s = n % options.services;
      const callee = (s + 1) % options.services;
      const t = t0 + n * (options.spacingMs ?? 7);
      const attributes = { 'http.route': `/api/v1/items/{id}`, 'http.request.method': 'GET', 'http.response.status_code': n % 97 === 0 ? 503 : 200, 'user.id': `user-${n % 5000}`, 'customer.tier': tiers[n % 3], 'url.path': `/api/v1/items/${n}` };
      const server = factory.start(`service-${s}`, 'GET /api/v1/items/{id}', SpanKind.SERVER, t, { attributes });
      const step = factory.start(`service-${s}`, 'load item', SpanKind.INTERNAL, t + 1, { parent: server, attributes: { 'db.system': 'postgresql' } });
      end(step, t + 3);
      const client = factory.start(`service-${s}`, 'GET', SpanKind.CLIENT, t + 3, { parent: server, attributes: { 'http.request.method': 'GET', 'server.address': `service-${callee}`, 'http.response.status_code': 200 } });
      const downstream = factory.start(`service-${callee}`, 'GET /api/v1/stock', SpanKind.SERVER, t + 4, { parent: client, attributes: { 'http.route': '/api/v1/stock', 'http.request.method': 'GET', 'http.response.status_code': 200 } });
      end(downstream, t + 9, 250_000);
      end(client, t + 10);
      end(server, t + 12, 500_000);
      inMessage += 4;
      serverSpans += 2;
      n++;
    }
    const taken = factory.take();
    for (const s of taken) {
      if (s.kind !== SpanKind.SERVER) continue;
      const status = Number(s.attributes['http.response.status_code']);
      servers.push({ service: String(s.resource.attributes['service.name']), name: s.name, endMs: s.endTime[0] * 1000 + Math.floor(s.endTime[1] / 1_000_000), failed: status >= 500 });
    }
    spans += taken.length;
    messages.push(serializeSpans(taken, options.encoding));
  }
  return { messages, spans, serverSpans, servers };
}

