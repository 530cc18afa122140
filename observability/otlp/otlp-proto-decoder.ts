/**
 * `otlp_proto`: a protobuf `ExportTraceServiceRequest` (what the Collector's Kafka exporter writes,
 * its `TracesData` being the same message on the wire), decoded by protobufjs from the official OTLP
 * `.proto` files in `proto/`, then checked and flattened to `OtlpTraces`.
 */
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { SPAN_KIND, STATUS_CODE, type OtlpAttributes, type OtlpResourceSpans, type OtlpSpan, type OtlpTime, type OtlpTraces } from './otlp-traces';
import { OtlpProblem, attributeString, checkName, checkParentSpanId, checkService, checkSpanId, checkTimes, checkTraceId, enumValue, integerValue, timeFromBits } from './otlp-checks';

const PROTO_DIR = join(__dirname, 'proto');
const REQUEST = 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest';

/** Decoded protobufjs messages, as far as this file reads them (protobufjs gives `Long` for 64-bit fields). */
interface LongBits {
  readonly low: number;
  readonly high: number;
}
interface PbAnyValue {
  readonly value?: string; // the oneof's set field name
  readonly stringValue: string;
  readonly boolValue: boolean;
  readonly intValue: LongBits | number;
  readonly doubleValue: number;
  readonly bytesValue: Uint8Array;
  readonly arrayValue: { readonly values: readonly PbAnyValue[] };
  readonly kvlistValue: { readonly values: readonly PbKeyValue[] };
}
interface PbKeyValue {
  readonly key: string;
  readonly value: PbAnyValue | null;
}
interface PbSpan {
  readonly traceId: Uint8Array;
  readonly spanId: Uint8Array;
  readonly parentSpanId: Uint8Array;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: LongBits | number;
  readonly endTimeUnixNano: LongBits | number;
  readonly attributes: readonly PbKeyValue[];
  readonly events: readonly { readonly name: string; readonly attributes: readonly PbKeyValue[] }[];
  readonly status: { readonly code: number; readonly message: string } | null;
}
interface PbRequest {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly PbKeyValue[] } | null;
    readonly scopeSpans: readonly { readonly spans: readonly PbSpan[] }[];
  }[];
}

let requestType: protobuf.Type | undefined;

/** The `ExportTraceServiceRequest` type, loaded once from the bundled `.proto` files. */
export function exportTraceServiceRequestType(): protobuf.Type {
  if (requestType === undefined) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
    root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
    requestType = root.lookupType(REQUEST);
  }
  return requestType;
}

/** Decodes and checks one message; throws `OtlpProblem` with the reason when it is not valid OTLP. */
export function decodeOtlpProto(data: Buffer): OtlpTraces {
  let request: PbRequest;
  try {
    request = exportTraceServiceRequestType().decode(data) as unknown as PbRequest;
  } catch (cause) {
    throw new OtlpProblem(`not a protobuf ExportTraceServiceRequest: ${(cause as Error).message}`);
  }
  const resourceSpans: OtlpResourceSpans[] = [];
  for (let r = 0; r < request.resourceSpans.length; r++) {
    const rs = request.resourceSpans[r];
    const resource = attributes(rs.resource?.attributes);
    const spans: OtlpSpan[] = [];
    for (let s = 0; s < rs.scopeSpans.length; s++) {
      const scopeSpans = rs.scopeSpans[s].spans;
      for (let i = 0; i < scopeSpans.length; i++) spans.push(span(scopeSpans[i], `resource_spans[${r}].scope_spans[${s}].spans[${i}]`));
    }
    if (spans.length > 0) checkService(resource, `resource_spans[${r}].resource`);
    resourceSpans.push({ resource, spans });
  }
  return { resourceSpans };
}

function span(pb: PbSpan, path: string): OtlpSpan {
  const start = time(pb.startTimeUnixNano);
  const end = time(pb.endTimeUnixNano);
  checkTimes(start, end, path);
  const exceptionEvent = pb.events.find((e) => e.name === 'exception');
  return {
    traceId: checkTraceId(hex(pb.traceId), path),
    spanId: checkSpanId(hex(pb.spanId), path),
    parentSpanId: checkParentSpanId(hex(pb.parentSpanId), path),
    name: checkName(pb.name, path),
    kind: enumValue(pb.kind, SPAN_KIND, 'SPAN_KIND_', SPAN_KIND.CONSUMER),
    start,
    end,
    statusCode: enumValue(pb.status?.code ?? 0, STATUS_CODE, 'STATUS_CODE_', STATUS_CODE.ERROR),
    statusMessage: pb.status?.message ?? '',
    attributes: attributes(pb.attributes),
    exception: exceptionEvent ? attributes(exceptionEvent.attributes) : null,
  };
}

function hex(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)).toString('hex');
}

function time(value: LongBits | number): OtlpTime {
  if (typeof value === 'number') return timeFromBits(Math.floor(value / 2 ** 32), value % 2 ** 32);
  return timeFromBits(value.high >>> 0, value.low >>> 0);
}

function attributes(list: readonly PbKeyValue[] | undefined): OtlpAttributes {
  const out: OtlpAttributes = {};
  if (list === undefined) return out;
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    out[kv.key] = attributeString(kv.value ? plain(kv.value) : null);
  }
  return out;
}

/** An AnyValue as a plain JavaScript value (arrays and maps nested). */
function plain(v: PbAnyValue): unknown {
  switch (v.value) {
    case 'stringValue':
      return v.stringValue;
    case 'boolValue':
      return v.boolValue;
    case 'intValue':
      return integerValue(typeof v.intValue === 'number' ? v.intValue : v.intValue.toString());
    case 'doubleValue':
      return v.doubleValue;
    case 'bytesValue':
      return Buffer.from(v.bytesValue).toString('base64');
    case 'arrayValue':
      return v.arrayValue.values.map(plain);
    case 'kvlistValue': {
      const o: Record<string, unknown> = {};
      for (const kv of v.kvlistValue.values) o[kv.key] = kv.value ? plain(kv.value) : null;
      return o;
    }
    default:
      return null;
  }
}

