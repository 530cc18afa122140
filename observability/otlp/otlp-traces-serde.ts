/**
 * The value serde of the Collector's Kafka exporter topic (`otlp_spans` by default): one
 * `ExportTraceServiceRequest` per message, as `otlp_proto` (protobuf) or `otlp_json`.
 */
import { WeirError } from '../../errors/weir-error';
import type { Serde } from '../../serdes/serde';
import type { OtlpTraces } from './otlp-traces';
import { OtlpProblem } from './otlp-checks';
import { decodeOtlpProto } from './otlp-proto-decoder';
import { decodeOtlpJson } from './otlp-json-decoder';

/** The encodings of the Collector's Kafka exporter (its `encoding` setting) that weir reads. */
export type OtlpEncoding = 'otlp_proto' | 'otlp_json';
export const OTLP_ENCODINGS: readonly OtlpEncoding[] = ['otlp_proto', 'otlp_json'];

/**
 * A read-only `Serde<OtlpTraces>`: `deserialize` decodes and checks a whole message, and a message
 * that is not valid OTLP (undecodable, or a span without its ids, name or times) fails with
 * `DESERIALIZATION_FAILED` and the reason, so the task sends it to the dead-letter topic untouched
 * and goes on. weir never writes OTLP, so `serialize` fails.
 *
 * ```ts
 * const spans = builder.stream('otlp_spans', { keySerde: stringSerde, valueSerde: otlpTracesSerde('otlp_proto') });
 * const { events, calls } = spans.pipe(fromOtlpSpans({ userIdAttributes: ['enduser.id'] }));
 * ```
 */
export function otlpTracesSerde(encoding: OtlpEncoding): Serde<OtlpTraces> {
  if (!OTLP_ENCODINGS.includes(encoding)) {
    throw new WeirError('INVALID_CONFIG', `unknown OTLP encoding '${String(encoding)}': expected ${OTLP_ENCODINGS.join(' or ')}`, { option: 'encoding' });
  }
  const decode = encoding === 'otlp_proto' ? decodeOtlpProto : decodeOtlpJson;
  const name = encoding;
  return {
    name,
    serialize(topic) {
      throw new WeirError('SERIALIZATION_FAILED', `${name} is read-only: weir does not write OTLP`, { topic });
    },
    deserialize(topic, data) {
      if (data === null) return null as unknown as OtlpTraces;
      try {
        return decode(data);
      } catch (cause) {
        // Anything else thrown on these bytes (a shape no check foresaw) is as undecodable as they are.
        const reason = cause instanceof OtlpProblem ? cause.message : `unexpected content: ${(cause as Error).message}`;
        throw new WeirError('DESERIALIZATION_FAILED', `cannot decode ${name}: ${reason}`, { topic, reason, bytes: data.length }, { cause });
      }
    },
  };
}
