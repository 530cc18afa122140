/**
 * `otlp_json`: OTLP/JSON (the Collector's `otlp_json` encoding and the JS SDK's JsonTraceSerializer):
 * the protobuf JSON mapping with OTLP's exceptions (trace and span ids in hex, not base64; enums as
 * integers). Field names are lowerCamelCase; the request's and spans' proto names (`resource_spans`,
 * `trace_id`) are accepted too, as protobuf JSON parsers do, and 64-bit integers as strings or numbers.
 */
import { SPAN_KIND, STATUS_CODE, type OtlpAttributes, type OtlpResourceSpans, type OtlpSpan, type OtlpTraces } from './otlp-traces';
import {
  OtlpProblem,
  attributeString,
  checkName,
  checkParentSpanId,
  checkService,
  checkSpanId,
  checkTimes,
  checkTraceId,
  enumValue,
  integerValue,
  problem,
  timeFromJson,
} from './otlp-checks';

type Json = Record<string, unknown>;

/** Parses and checks one message; throws `OtlpProblem` with the reason when it is not valid OTLP/JSON. */
export function decodeOtlpJson(data: Buffer): OtlpTraces {
  let request: unknown;
  try {
    request = JSON.parse(data.toString('utf8'));
  } catch (cause) {
    throw new OtlpProblem(`not JSON: ${(cause as Error).message}`);
  }
  if (!isObject(request)) throw new OtlpProblem('not an OTLP/JSON ExportTraceServiceRequest: the top level is not an object');
  const resourceSpans: OtlpResourceSpans[] = [];
  const list = array(field(request, 'resourceSpans', 'resource_spans'), 'resource_spans');
  for (let r = 0; r < list.length; r++) {
    const rPath = `resource_spans[${r}]`;
    const rs = object(list[r], rPath);
    const resource = field(rs, 'resource', 'resource');
    const resourceAttributes = resource === undefined ? {} : attributes(field(object(resource, `${rPath}.resource`), 'attributes', 'attributes'), `${rPath}.resource`);
    const spans: OtlpSpan[] = [];
    const scopes = array(field(rs, 'scopeSpans', 'scope_spans'), `${rPath}.scope_spans`);
    for (let s = 0; s < scopes.length; s++) {
      const sPath = `${rPath}.scope_spans[${s}]`;
      const items = array(field(object(scopes[s], sPath), 'spans', 'spans'), `${sPath}.spans`);
      for (let i = 0; i < items.length; i++) {
        const path = `${sPath}.spans[${i}]`;
        spans.push(span(object(items[i], path), path));
      }
    }
    if (spans.length > 0) checkService(resourceAttributes, `${rPath}.resource`);
    resourceSpans.push({ resource: resourceAttributes, spans });
  }
  return { resourceSpans };
}

function span(o: Json, path: string): OtlpSpan {
  const start = timeFromJson(field(o, 'startTimeUnixNano', 'start_time_unix_nano'), path, 'start_time_unix_nano');
  const end = timeFromJson(field(o, 'endTimeUnixNano', 'end_time_unix_nano'), path, 'end_time_unix_nano');
  checkTimes(start, end, path);
  const status = field(o, 'status', 'status');
  const statusObject = status === undefined || status === null ? {} : object(status, `${path}.status`);
  const message = field(statusObject, 'message', 'message');
  const events = array(field(o, 'events', 'events'), `${path}.events`);
  const exceptionEvent = events.find((e) => isObject(e) && e.name === 'exception') as Json | undefined;
  return {
    traceId: checkTraceId(id(field(o, 'traceId', 'trace_id'), path, 'trace_id'), path),
    spanId: checkSpanId(id(field(o, 'spanId', 'span_id'), path, 'span_id'), path),
    parentSpanId: checkParentSpanId(id(field(o, 'parentSpanId', 'parent_span_id'), path, 'parent_span_id'), path),
    name: checkName(field(o, 'name', 'name'), path),
    kind: enumValue(field(o, 'kind', 'kind'), SPAN_KIND, 'SPAN_KIND_', SPAN_KIND.CONSUMER),
    start,
    end,
    statusCode: enumValue(field(statusObject, 'code', 'code'), STATUS_CODE, 'STATUS_CODE_', STATUS_CODE.ERROR),
    statusMessage: typeof message === 'string' ? message : '',
    attributes: attributes(field(o, 'attributes', 'attributes'), path),
    exception: exceptionEvent ? attributes(exceptionEvent.attributes, `${path}.events`) : null,
  };
}

function field(o: Json, camel: string, snake: string): unknown {
  const v = o[camel];
  return v === undefined && snake !== camel ? o[snake] : v;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: unknown, path: string): Json {
  if (!isObject(v)) throw problem(path, `expected an object, got ${JSON.stringify(v)?.slice(0, 40)}`);
  return v;
}

function array(v: unknown, path: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw problem(path, `expected an array, got ${JSON.stringify(v).slice(0, 40)}`);
  return v;
}

function id(v: unknown, path: string, name: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string' || !HEX.test(v)) throw problem(path, `${name} must be a hex string, got ${JSON.stringify(v)?.slice(0, 40)}`);
  return v.toLowerCase();
}

const HEX = /^[0-9a-fA-F]*$/;

function attributes(list: unknown, path: string): OtlpAttributes {
  const out: OtlpAttributes = {};
  for (const kv of array(list, `${path}.attributes`)) {
    if (!isObject(kv) || typeof kv.key !== 'string') throw problem(`${path}.attributes`, `an attribute without a key: ${JSON.stringify(kv)?.slice(0, 60)}`);
    out[kv.key] = attributeString(isObject(kv.value) ? plain(kv.value) : null);
  }
  return out;
}

/** An OTLP/JSON AnyValue as a plain JavaScript value. */
function plain(v: Json): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return typeof v.intValue === 'string' || typeof v.intValue === 'number' ? integerValue(v.intValue) : null;
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.bytesValue !== undefined) return v.bytesValue; // already base64 in JSON
  const arrayValue = v.arrayValue as Json | undefined;
  if (arrayValue !== undefined) return (Array.isArray(arrayValue?.values) ? arrayValue.values : []).map((x: unknown) => (isObject(x) ? plain(x) : null));
  const kvlist = v.kvlistValue as Json | undefined;
  if (kvlist !== undefined) {
    const o: Record<string, unknown> = {};
    for (const kv of Array.isArray(kvlist?.values) ? kvlist.values : []) if (isObject(kv) && typeof kv.key === 'string') o[kv.key] = isObject(kv.value) ? plain(kv.value) : null;
    return o;
  }
  return null;
}
