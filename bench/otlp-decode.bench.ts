/**
 * OTLP decode throughput, in spans/s: messages made by the OpenTelemetry JS SDK and serialized by its
 * own OTLP serializers (`workloads/otlp-spans.ts`), decoded by `otlpTracesSerde` (protobufjs for
 * `otlp_proto`, JSON.parse for `otlp_json`, then the checks and the flattening), and then mapped to
 * wide events and call edges as `fromOtlpSpans` does. protobufjs's decode alone is the floor. The
 * machine is shared, so the cases take turns pass by pass and each reports its median pass.
 */
import { exportTraceServiceRequestType } from '../observability/otlp/otlp-proto-decoder';
import { otlpTracesSerde, type OtlpEncoding } from '../observability/otlp/otlp-traces-serde';
import { SpanMapper } from '../observability/otlp/span-mapping';
import { syntheticOtlpMessages } from '../workloads/otlp-spans';
import type { BenchResult } from './bench-result';

const MESSAGES = 500;
const SPANS_PER_MESSAGE = 100;
const PASSES = 7;
const TOPIC = 'otlp_spans';

interface Case {
  readonly name: string;
  readonly notes: string;
  /** One pass over every message; returns something derived from the output so nothing is optimized away. */
  pass(): number;
  times: number[];
}

export async function run(): Promise<BenchResult[]> {
  const data = (encoding: OtlpEncoding) => syntheticOtlpMessages({ messages: MESSAGES, spansPerMessage: SPANS_PER_MESSAGE, services: 8, encoding });
  const proto = data('otlp_proto');
  const json = data('otlp_json');
  const spans = proto.spans;
  const mapper = new SpanMapper();
  const protoSerde = otlpTracesSerde('otlp_proto');
  const jsonSerde = otlpTracesSerde('otlp_json');
  const requestType = exportTraceServiceRequestType();
  const size = (messages: Buffer[]) => `${(messages.reduce((n, m) => n + m.length, 0) / spans).toFixed(0)} bytes/span`;
  const decode = (serde: typeof protoSerde, messages: Buffer[]) => () => {
    let n = 0;
    for (const m of messages) n += serde.deserialize(TOPIC, m).resourceSpans.length;
    return n;
  };
  const decodeAndMap = (serde: typeof protoSerde, messages: Buffer[]) => () => {
    let n = 0;
    for (const m of messages) {
      const out = mapper.map(serde.deserialize(TOPIC, m));
      n += out.events.length + out.calls.length;
    }
    return n;
  };
  const cases: Case[] = [
    { name: 'protobufjs decode only', notes: size(proto.messages), pass: () => proto.messages.reduce((n, m) => n + (requestType.decode(m) as unknown as { resourceSpans: unknown[] }).resourceSpans.length, 0), times: [] },
    { name: 'otlp_proto decode', notes: 'decode, checks, flattening', pass: decode(protoSerde, proto.messages), times: [] },
    { name: 'otlp_proto decode + map', notes: 'then wide events and call edges', pass: decodeAndMap(protoSerde, proto.messages), times: [] },
    { name: 'otlp_json decode', notes: size(json.messages), pass: decode(jsonSerde, json.messages), times: [] },
    { name: 'otlp_json decode + map', notes: 'then wide events and call edges', pass: decodeAndMap(jsonSerde, json.messages), times: [] },
  ];
  for (const c of cases) c.pass(); // warm-up (JIT)
  for (let pass = 0; pass < PASSES; pass++) {
    for (const c of cases) {
      const started = performance.now();
      if (c.pass() === 0) throw new Error(`${c.name} produced nothing`);
      c.times.push(performance.now() - started);
    }
  }
  const described = `${spans.toLocaleString('en')} SDK spans in ${MESSAGES} messages of ${SPANS_PER_MESSAGE} (8 services; SERVER, INTERNAL, CLIENT spans with HTTP attributes), median of ${PASSES} passes`;
  return cases.map((c) => ({ name: c.name, events: spans, elapsedMs: median(c.times), notes: `${described}; ${c.notes}` }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
