/**
 * What both OTLP decoders check and convert alike: required ids and times, attribute values as
 * strings. A problem is returned as a sentence naming the span's path in the request
 * (`resource_spans[0].scope_spans[1].spans[3]`), which becomes the dead-letter reason.
 */
import type { OtlpTime } from './otlp-traces';

const NS_PER_MS = 1_000_000;
const TWO_32_MS = 4294; // 2^32 ns = 4294 ms + 967,296 ns
const TWO_32_REST = 967_296;

export class OtlpProblem extends Error {}

export function problem(path: string, what: string): OtlpProblem {
  return new OtlpProblem(`${path}: ${what}`);
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
/** A trace id as OTLP requires it: 16 bytes, not all zero (hex digits only: the JSON decoder checks that). */
export function checkTraceId(hex: string, path: string): string {
  if (hex.length !== 32) throw problem(path, `trace_id must be 16 bytes, got ${describeId(hex)}`);
  if (hex === ZERO_TRACE) throw problem(path, 'trace_id is all zeros (invalid)');
  return hex;
}

/** A span id: 8 bytes, not all zero. */
export function checkSpanId(hex: string, path: string, field = 'span_id'): string {
  if (hex.length !== 16) throw problem(path, `${field} must be 8 bytes, got ${describeId(hex)}`);
  if (hex === ZERO_SPAN) throw problem(path, `${field} is all zeros (invalid)`);
  return hex;
}

/** A parent span id: empty (a root span) or a span id. */
export function checkParentSpanId(hex: string, path: string): string | null {
  return hex.length === 0 ? null : checkSpanId(hex, path, 'parent_span_id');
}

function describeId(hex: string): string {
  return hex.length % 2 === 0 ? `${hex.length / 2} bytes` : `${hex.length} hex digits`;
}

/** Epoch nanoseconds given as the two 32-bit halves of a fixed64, split exactly into ms + ns. */
export function timeFromBits(high: number, low: number): OtlpTime {
  // high * 2^32 + low, with the high part's milliseconds taken out first so every sum stays below 2^53.
  const rest = high * TWO_32_REST + low;
  let ms = Math.floor(rest / NS_PER_MS);
  let nanos = rest - ms * NS_PER_MS;
  if (nanos < 0) {
    ms -= 1;
    nanos += NS_PER_MS;
  } else if (nanos >= NS_PER_MS) {
    ms += 1;
    nanos -= NS_PER_MS;
  }
  return { ms: high * TWO_32_MS + ms, nanos };
}

const DIGITS = /^\d+$/;

/** Epoch nanoseconds as OTLP/JSON writes them: a decimal string (or, from lenient writers, a number). */
export function timeFromJson(value: unknown, path: string, field: string): OtlpTime {
  if (typeof value === 'string' && DIGITS.test(value)) {
    if (value.length <= 6) return { ms: 0, nanos: Number(value) };
    return { ms: Number(value.slice(0, -6)), nanos: Number(value.slice(-6)) };
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    const ms = Math.floor(value / NS_PER_MS);
    return { ms, nanos: Math.max(0, Math.min(NS_PER_MS - 1, value - ms * NS_PER_MS)) };
  }
  if (value === undefined) return { ms: 0, nanos: 0 };
  throw problem(path, `${field} must be a decimal string of nanoseconds, got ${JSON.stringify(value)}`);
}

/** Start and end as OTLP requires them: both set, end not before start. */
export function checkTimes(start: OtlpTime, end: OtlpTime, path: string): void {
  if (start.ms === 0 && start.nanos === 0) throw problem(path, 'start_time_unix_nano is missing');
  if (end.ms === 0 && end.nanos === 0) throw problem(path, 'end_time_unix_nano is missing');
  if (end.ms < start.ms || (end.ms === start.ms && end.nanos < start.nanos)) throw problem(path, 'end_time_unix_nano is before start_time_unix_nano');
}

/** The resource of spans must name their service (SDKs default it to `unknown_service:<process>`). */
export function checkService(resource: Readonly<Record<string, string>>, path: string): void {
  if (!resource['service.name']) throw problem(path, 'resource attribute service.name is missing');
}

export function checkName(name: unknown, path: string): string {
  if (typeof name !== 'string' || name.length === 0) throw problem(path, 'name is missing');
  return name;
}

/** Span kinds and status codes outside the enum read as 0 (UNSPECIFIED / UNSET), as protobuf does for open enums. */
export function enumValue(value: unknown, names: Readonly<Record<string, number>>, prefix: string, max: number): number {
  // Both enums run 0..max without gaps.
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= max ? value : 0;
  if (typeof value === 'string') return names[value.startsWith(prefix) ? value.slice(prefix.length) : value] ?? 0;
  return 0;
}

/** A 64-bit integer attribute: a number when exact, else its decimal string (so `[1, 2]` reads alike from both encodings). */
export function integerValue(decimal: string | number): number | string {
  const n = Number(decimal);
  return Number.isSafeInteger(n) ? n : String(decimal);
}

/** An attribute value kept in the wide event's string map: arrays and maps as JSON. */
export function attributeString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
