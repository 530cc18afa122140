/**
 * Avro (Confluent wire format, through weir's serde) against JSON for the same wide events, in one process so
 * the ratios compare like with like. The registry lookups happen once, before timing, as on the hot path.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TrafficGenerator } from '../generator';
import { startSchemaRegistry } from '../registry/registry-server';
import { MemorySchemaStore } from '../registry/schema-store';
import { avroSchema } from '../schemas/avro-schemas';
import type { WideEvent } from '../schemas/wide-event';
import { avroSerde } from '../serdes/avro-serde';
import { jsonSerde } from '../serdes/json-serde';
import type { Serde } from '../topology/serde';
import type { BenchResult } from './bench-result';

const EVENTS = 200_000;
const PASSES = 3;
const TOPIC = 'wide-events';

export async function run(): Promise<BenchResult[]> {
  const events = [...new TrafficGenerator({ seed: 7, events: EVENTS, services: 40, operationsPerService: 4 }).events()];
  const registry = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  try {
    const client = new SchemaRegistry({ host: registry.url });
    const v1 = avroSchema('wide-event') as { fields: unknown[] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'build_id', type: 'string', default: 'unknown' }] };
    const avro = avroSerde<WideEvent>({ registry: client, schema: avroSchema('wide-event'), topic: TOPIC });
    await avro.init();
    const avroV2Reader = avroSerde<WideEvent>({ registry: client, schema: v2 as never });
    const json = jsonSerde<WideEvent>();

    const results: BenchResult[] = [];
    const size = `${EVENTS.toLocaleString('en')} wide events x ${PASSES} passes (generator seed 7, 40 services x 4 ops)`;
    for (const [name, serde] of [['avro', avro], ['json', json]] as const) {
      const { elapsedMs, payloads } = timeEncode(serde as Serde<WideEvent>, events);
      const bytes = payloads.reduce((n, p) => n + p.length, 0) / payloads.length;
      results.push({ name: `${name} encode`, events: EVENTS * PASSES, elapsedMs, notes: `${size}; ${bytes.toFixed(1)} bytes/record` });
      await serde.prepareBatch?.(TOPIC, payloads);
      results.push({ name: `${name} decode`, events: EVENTS * PASSES, elapsedMs: timeDecode(serde as Serde<WideEvent>, payloads), notes: size });
      if (name === 'avro') {
        await avroV2Reader.prepareBatch(TOPIC, payloads);
        results.push({ name: 'avro decode v1 -> v2 reader', events: EVENTS * PASSES, elapsedMs: timeDecode(avroV2Reader, payloads), notes: `${size}; schema resolution adds a defaulted field` });
      }
    }
    return results;
  } finally {
    await registry.close();
  }
}

/** One untimed warm-up pass (JIT), then PASSES timed passes. */
function timeEncode(serde: Serde<WideEvent>, events: readonly WideEvent[]): { elapsedMs: number; payloads: Buffer[] } {
  let payloads: Buffer[] = events.map((e) => serde.serialize(TOPIC, e)!);
  const started = performance.now();
  for (let pass = 0; pass < PASSES; pass++) {
    payloads = new Array(events.length);
    for (let i = 0; i < events.length; i++) payloads[i] = serde.serialize(TOPIC, events[i])!;
  }
  return { elapsedMs: performance.now() - started, payloads };
}

function timeDecode(serde: Serde<WideEvent>, payloads: readonly Buffer[]): number {
  let checksum = 0;
  for (const p of payloads) checksum += serde.deserialize(TOPIC, p).status_code;
  const started = performance.now();
  for (let pass = 0; pass < PASSES; pass++) {
    for (let i = 0; i < payloads.length; i++) checksum += serde.deserialize(TOPIC, payloads[i]).status_code;
  }
  const elapsedMs = performance.now() - started;
  if (checksum === 0) throw new Error('nothing decoded');
  return elapsedMs;
}
