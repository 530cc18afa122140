/**
 * Avro (Confluent wire format, through weir's serde) against JSON for the same wide events, in one process so the
 * ratios compare like with like. The machine is shared, so the cases take turns pass by pass (a load spike hits
 * them all) and each reports its median pass. Registry lookups happen once before timing, as `prepareBatch` does.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TrafficGenerator } from '../generator';
import { startSchemaRegistry } from '../registry/registry-server';
import { MemorySchemaStore } from '../registry/schema-store';
import { avroSchema } from '../schemas/avro-schemas';
import type { WideEvent } from '../schemas/wide-event';
import { avroSerde } from '../avro/avro-serde';
import { jsonSerde } from '../serdes/json-serde';
import type { Serde } from '../serdes/serde';
import type { BenchResult } from './bench-result';

const EVENTS = 200_000;
const PASSES = 7;
const TOPIC = 'wide-events';

interface Case {
  readonly name: string;
  readonly notes: string;
  /** One pass over every record; returns something derived from the output so nothing is optimized away. */
  pass(): number;
  times: number[];
}

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
    const avroPayloads = events.map((e) => avro.serialize(TOPIC, e)!);
    const jsonPayloads = events.map((e) => json.serialize(TOPIC, e)!);
    await avro.prepareBatch(TOPIC, avroPayloads);
    await avroV2Reader.prepareBatch(TOPIC, avroPayloads);

    const size = (payloads: Buffer[]) => `${(payloads.reduce((n, p) => n + p.length, 0) / payloads.length).toFixed(1)} bytes/record`;
    const cases: Case[] = [
      { name: 'avro encode', notes: size(avroPayloads), pass: () => encode(avro, events), times: [] },
      { name: 'json encode', notes: size(jsonPayloads), pass: () => encode(json, events), times: [] },
      { name: 'avro decode', notes: '', pass: () => decode(avro, avroPayloads), times: [] },
      { name: 'avro decode v1 -> v2 reader', notes: 'resolution adds a defaulted field', pass: () => decode(avroV2Reader, avroPayloads), times: [] },
      { name: 'json decode', notes: '', pass: () => decode(json, jsonPayloads), times: [] },
    ];
    for (const c of cases) c.pass(); // warm-up (JIT)
    for (let pass = 0; pass < PASSES; pass++) {
      for (const c of cases) {
        const started = performance.now();
        if (c.pass() === 0) throw new Error(`${c.name} produced nothing`);
        c.times.push(performance.now() - started);
      }
    }
    const data = `${EVENTS.toLocaleString('en')} wide events (generator seed 7, 40 services x 4 ops), median of ${PASSES} passes`;
    return cases.map((c) => ({ name: c.name, events: EVENTS, elapsedMs: median(c.times), notes: [data, c.notes].filter(Boolean).join('; ') }));
  } finally {
    await registry.close();
  }
}

function encode(serde: Serde<WideEvent>, events: readonly WideEvent[]): number {
  let bytes = 0;
  for (let i = 0; i < events.length; i++) bytes += serde.serialize(TOPIC, events[i])!.length;
  return bytes;
}

function decode(serde: Serde<WideEvent>, payloads: readonly Buffer[]): number {
  let checksum = 0;
  for (let i = 0; i < payloads.length; i++) checksum += serde.deserialize(TOPIC, payloads[i]).status_code;
  return checksum;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
