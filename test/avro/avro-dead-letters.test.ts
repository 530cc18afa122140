/**
 * Issue 4, test 3: undecodable input at an Avro source goes to `<application.id>-dlq` with its origin and reason;
 * processing continues; every valid record is processed exactly once; offsets of bad records are committed too.
 *
 * What counts as valid: a payload whose header is magic byte 0 with the registered schema id and whose body decodes
 * under that schema consuming every byte. Avro carries no checksum (Kafka's record CRC guards the wire), so a bit
 * flip inside a string or a double can leave a record that is valid by that definition, with other content: such a
 * record must be processed once, with the content it decodes to; every other flipped record must be dead-lettered.
 * A truncated record is never valid: the decoder reads a prefix exactly as it reads the whole, so it runs out of bytes.
 * Map blocks declaring 2^40 or more entries ("bombs") must be refused at once rather than allocated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as avro from 'avsc';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { avroSchema } from '../../schemas/avro-schemas';
import type { WideEvent } from '../../schemas/wide-event';
import { avroSerde } from '../../avro/avro-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { stringSerde } from '../../serdes/string-serde';
import { startSchemaRegistry } from '../../registry/registry-server';
import { MemorySchemaStore } from '../../registry/schema-store';
import { StreamsBuilder } from '../../topology/streams-builder';
import { mapValues } from '../../operators/map-values';
import { to } from '../../operators/to';
import { StreamsApp } from '../../runtime/streams-app';
import { EmbeddedLog } from '../../runtime/embedded';
import { silentLogger } from '../../runtime/logger';
import { DLQ_HEADERS } from '../../runtime/dead-letter';

const VALID = 3_000;
const RANDOM = 10_000;
const TRUNCATED = 1_500;
const FLIPPED = 1_500;
const BOMBS = 30;
const PARTITIONS = 3;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function wideEvent(i: number): WideEvent {
  return {
    timestamp: 1_764_331_200_000 + i * 17, service: `svc-${i % 11}`, operation: `op-${i % 5}`, method: i % 2 ? 'GET' : 'POST',
    status_code: i % 13 === 0 ? 503 : 200, duration_ms: 3 + (i % 97) * 1.5, trace_id: `trace-${i}`, span_id: `span-${i}`,
    parent_span_id: i % 4 === 0 ? null : `span-${i - 1}`, user_id: i % 3 === 0 ? null : `user-${i % 200}`, region: 'eu-west-1',
    customer_tier: ['free', 'pro', 'enterprise'][i % 3], attributes: i % 2 ? { route: `/r/${i % 9}` } : {}, sample_weight: 1,
  };
}

type Kind = 'valid' | 'random' | 'truncated' | 'flipped' | 'bomb';
interface Input { key: string; kind: Kind; value: Buffer }

test('10k random byte strings, truncated and bit-flipped records among valid ones: no crash, bad ones in the DLQ with a reason, valid ones processed once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-dlq-'));
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const log = new EmbeddedLog();
  try {
    const registry = new SchemaRegistry({ host: server.url });
    const writer = avroSerde<WideEvent>({ registry, schema: avroSchema('wide-event'), topic: 'wide-events' });
    await writer.init();
    const schemaId = writer.schemaId!;
    const type = avro.Type.forSchema(avroSchema('wide-event'));

    /** The definition of valid above, computed independently of the serde under test. */
    const oracle = (b: Buffer): unknown => {
      if (b.length < 5 || b[0] !== 0 || b.readInt32BE(1) !== schemaId) return undefined;
      try {
        const { value, offset } = type.decode(b, 5);
        return offset === b.length && type.isValid(value) ? value : undefined;
      } catch {
        return undefined;
      }
    };

    const random = mulberry32(4);
    const int = (n: number) => Math.floor(random() * n);
    const valid = Array.from({ length: VALID }, (_, i) => writer.serialize('wide-events', wideEvent(i))!);
    const inputs: Input[] = valid.map((value, i) => ({ key: `v${i}`, kind: 'valid', value }));
    for (let i = 0; i < RANDOM; i++) {
      const bytes = Buffer.from(Array.from({ length: int(300) }, () => int(256)));
      // A quarter carry a valid header, so that body decoding (not only the magic byte) meets garbage.
      if (i % 4 === 0 && bytes.length >= 5) {
        bytes[0] = 0;
        bytes.writeInt32BE(schemaId, 1);
      }
      inputs.push({ key: `r${i}`, kind: 'random', value: bytes });
    }
    for (let i = 0; i < TRUNCATED; i++) {
      const whole = valid[int(VALID)];
      inputs.push({ key: `t${i}`, kind: 'truncated', value: Buffer.from(whole.subarray(0, int(whole.length))) });
    }
    for (let i = 0; i < FLIPPED; i++) {
      const flipped = Buffer.from(valid[int(VALID)]);
      flipped[int(flipped.length)] ^= 1 << int(8);
      inputs.push({ key: `f${i}`, kind: 'flipped', value: flipped });
    }
    // Map blocks declaring 2^40..2^50 entries: avsc alone would try to allocate them; they must fail at once.
    for (let i = 0; i < BOMBS; i++) {
      const mapAt = writer.serialize('wide-events', { ...wideEvent(i), attributes: {} })!.length - 9;
      const count = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01].slice(0, 6 + (i % 3));
      inputs.push({ key: `b${i}`, kind: 'bomb', value: Buffer.concat([valid[i].subarray(0, mapAt), Buffer.from(count), Buffer.from('tail')]) });
    }
    // Interleave: a seeded shuffle.
    for (let i = inputs.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [inputs[i], inputs[j]] = [inputs[j], inputs[i]];
    }

    await log.admin().createTopics([{ name: 'wide-events', partitions: PARTITIONS }, { name: 'processed', partitions: PARTITIONS }]);
    const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'test-producer' });
    await producer.send(inputs.map((r, i) => ({ topic: 'wide-events', key: Buffer.from(r.key), value: r.value, timestamp: 1_764_331_200_000 + i, headers: {} })));
    const offsetOf = new Map(log.records('wide-events').map((r) => [r.key!.toString(), r]));

    const builder = new StreamsBuilder();
    builder
      .stream('wide-events', { keySerde: stringSerde, valueSerde: avroSerde<WideEvent>({ registry, schema: avroSchema('wide-event') }) })
      .pipe(mapValues((e: WideEvent) => e), to('processed', { keySerde: stringSerde, valueSerde: jsonSerde<WideEvent>() }));
    const app = new StreamsApp(builder.build(), { applicationId: 'dlq-app', stateDir: dir }, log, { logger: silentLogger });
    await app.start();
    await app.waitUntilCaughtUp();
    const deadLettered = app.metrics().counters.get('dead-lettered');
    await app.close();
    assert.equal(app.state, 'closed', 'the app did not fail');

    const expectedGood = new Map<string, unknown>();
    const expectedBad = new Map<string, Input>();
    for (const input of inputs) {
      // Bombs are bad by construction (plain avsc, the oracle, would spend minutes on them).
      const decoded = input.kind === 'bomb' ? undefined : oracle(input.value);
      if (decoded === undefined) expectedBad.set(input.key, input);
      else expectedGood.set(input.key, JSON.parse(JSON.stringify(decoded)));
    }
    const count = (kind: Kind, set: Map<string, unknown>) => inputs.filter((r) => r.kind === kind && set.has(r.key)).length;
    assert.equal(count('valid', expectedGood), VALID);
    assert.equal(count('truncated', expectedBad), TRUNCATED, 'every truncated record is invalid');
    // Both outcomes of a bit flip occur (most flips land in string bytes and leave a valid record).
    const flippedBad = count('flipped', expectedBad);
    assert.ok(flippedBad > 0 && flippedBad < FLIPPED, `${flippedBad} of ${FLIPPED} flips break the record`);

    const processed = new Map<string, unknown[]>();
    for (const r of log.records('processed')) {
      const key = r.key!.toString();
      processed.set(key, [...(processed.get(key) ?? []), JSON.parse(r.value!.toString())]);
    }
    assert.equal(processed.size, expectedGood.size);
    for (const [key, value] of expectedGood) assert.deepEqual(processed.get(key), [value], `record ${key} processed exactly once`);

    const reasons: Record<Kind, Map<string, number>> = { valid: new Map(), random: new Map(), truncated: new Map(), flipped: new Map(), bomb: new Map() };
    const dlq = log.records('dlq-app-dlq');
    assert.equal(dlq.length, expectedBad.size);
    for (const d of dlq) {
      const key = d.key!.toString();
      const input = expectedBad.get(key);
      assert.ok(input, `${key} is in the DLQ but decodes`);
      const origin = offsetOf.get(key)!;
      assert.deepEqual(d.value, input.value, 'the original bytes are kept');
      assert.equal(d.headers[DLQ_HEADERS.topic].toString(), 'wide-events');
      assert.equal(Number(d.headers[DLQ_HEADERS.partition].toString()), origin.partition);
      assert.equal(Number(d.headers[DLQ_HEADERS.offset].toString()), origin.offset);
      assert.equal(d.headers[DLQ_HEADERS.code].toString(), 'DESERIALIZATION_FAILED');
      const error = d.headers[DLQ_HEADERS.error].toString();
      const reason = /: (bad magic byte|unknown schema id|truncated header|truncated body|corrupt Avro body|unresolvable schema)/.exec(error)?.[1];
      assert.ok(reason, `no reason in '${error}'`);
      reasons[input.kind].set(reason, (reasons[input.kind].get(reason) ?? 0) + 1);
    }
    assert.equal(new Set(dlq.map((d) => d.key!.toString())).size, dlq.length, 'each bad record once');
    assert.equal(deadLettered, expectedBad.size, 'every dead letter is counted');
    // Truncated records fail as truncated, never as something else.
    assert.deepEqual([...reasons.truncated.keys()].filter((r) => !r.startsWith('truncated')), []);
    assert.deepEqual([...reasons.bomb], [['truncated body', BOMBS]]);
    assert.ok((reasons.random.get('bad magic byte') ?? 0) > 0 && (reasons.flipped.get('unknown schema id') ?? 0) > 0);

    // Offsets of bad records are committed with the rest: the group is at the end of every partition.
    const committed = await log.admin().committedOffsets('dlq-app', 'wide-events');
    for (let p = 0; p < PARTITIONS; p++) {
      const end = await log.admin().endOffset({ topic: 'wide-events', partition: p });
      assert.equal(committed.find((c) => c.partition === p)?.offset, end);
    }
  } finally {
    await log.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
