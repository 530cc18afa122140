import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as avro from 'avsc';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { isWeirError } from '../../errors/weir-error';
import { avroSchema } from '../../schemas/avro-schemas';
import type { WideEvent } from '../../schemas/wide-event';
import { avroSerde } from '../../avro/avro-serde';
import { startSchemaRegistry } from '../../registry/registry-server';
import { MemorySchemaStore } from '../../registry/schema-store';

type RecordSchema = { type: 'record'; name: string; namespace: string; fields: { name: string; type: avro.Schema; default?: unknown }[] };
const v1 = avroSchema('wide-event') as RecordSchema;
const v2: RecordSchema = { ...v1, fields: [...v1.fields, { name: 'build_id', type: 'string', default: 'unknown' }] };
type WideEventV2 = WideEvent & { build_id: string };

const event: WideEvent = {
  timestamp: 1_764_331_200_000, service: 'checkout', operation: 'POST /cart', method: 'POST', status_code: 201, duration_ms: 18.25,
  trace_id: 'tr-1', span_id: 'sp-1', parent_span_id: 'sp-0', user_id: null, region: 'eu-west-1', customer_tier: 'pro',
  attributes: { 'http.route': '/cart', zone: 'b' }, sample_weight: 2,
};

function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(isWeirError(error, 'DESERIALIZATION_FAILED'), String(error));
    return String(error.context.reason);
  }
  assert.fail('expected DESERIALIZATION_FAILED');
}

test('avro serde: Confluent wire format, writer ids resolved per batch, v1 records read by a v2 reader with defaults, reasons for bad input', async () => {
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  try {
    const client = () => new SchemaRegistry({ host: server.url }, {});
    const topic = 'wide-events';
    const writerV1 = avroSerde<WideEvent>({ registry: client(), schema: v1, topic });
    const writerV2 = avroSerde<WideEventV2>({ registry: client(), schema: v2, topic });
    const reader = avroSerde<WideEventV2>({ registry: client(), schema: v2 });
    assert.equal(reader.name, 'avro(dev.weir.WideEvent)');

    assert.throws(() => writerV1.serialize(topic, event), (e: unknown) => isWeirError(e, 'SERIALIZATION_FAILED'));
    await writerV1.init();
    await writerV2.init();
    assert.equal(writerV1.schemaId, 1);
    assert.equal(writerV2.schemaId, 2);

    const a = writerV1.serialize(topic, event)!;
    const b = writerV2.serialize(topic, { ...event, build_id: 'b-7' })!;
    assert.equal(a[0], 0);
    assert.equal(a.readInt32BE(1), 1);
    // The unmodified client decodes what the serde wrote.
    assert.deepEqual(plain(await client().decode(a)), event);

    assert.match(reasonOf(() => reader.deserialize(topic, a)), /^unknown schema id 1 \(not resolved before deserialize\)/);
    await reader.prepareBatch(topic, [a, b, null, Buffer.from([1, 2])]);
    assert.deepEqual(plain(reader.deserialize(topic, a)), { ...event, build_id: 'unknown' });
    assert.deepEqual(plain(reader.deserialize(topic, b)), { ...event, build_id: 'b-7' });
    assert.equal(reader.deserialize(topic, null), null);
    assert.equal(writerV1.serialize(topic, null as unknown as WideEvent), null);

    assert.throws(() => writerV1.serialize(topic, { ...event, status_code: 'ok' } as unknown as WideEvent), (e: unknown) => {
      assert.ok(isWeirError(e, 'SERIALIZATION_FAILED'));
      assert.deepEqual(e.context.invalidFields, ['status_code']);
      return true;
    });

    // Bad input, one reason each.
    assert.match(reasonOf(() => reader.deserialize(topic, Buffer.from([0, 0, 0]))), /^truncated header: 3 bytes/);
    assert.match(reasonOf(() => reader.deserialize(topic, Buffer.from([7, 0, 0, 0, 1, 2]))), /^bad magic byte 7/);
    assert.match(reasonOf(() => reader.deserialize(topic, a.subarray(0, a.length - 3))), /^truncated body/);
    assert.match(reasonOf(() => reader.deserialize(topic, Buffer.concat([a, Buffer.from([0])]))), /^corrupt Avro body: 1 bytes left after the record/);
    // A map block declaring 2^40 entries (attributes): refused at once, not allocated.
    // Same fields up to the map; with an empty map the record ends [0 (map end), 8-byte sample_weight].
    const mapAt = writerV1.serialize(topic, { ...event, attributes: {} })!.length - 9;
    const huge = Buffer.concat([a.subarray(0, mapAt), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x40])]);
    assert.match(reasonOf(() => reader.deserialize(topic, huge)), /^truncated body: map block declares 1099511627776 items but only 0 bytes are left/);

    const unknownId = Buffer.from(a);
    unknownId.writeInt32BE(4242, 1);
    await reader.prepareBatch(topic, [unknownId]);
    assert.match(reasonOf(() => reader.deserialize(topic, unknownId)), /^unknown schema id 4242: the registry does not have it/);

    // A writer schema the reader cannot resolve: same record name, service as an int.
    const clash: RecordSchema = { ...v1, fields: v1.fields.map((f) => (f.name === 'service' ? { name: 'service', type: 'int' } : f)) };
    const odd = avroSerde<unknown>({ registry: client(), schema: clash, subject: 'elsewhere-value' });
    await odd.init();
    const oddPayload = odd.serialize(topic, { ...event, service: 7 })!;
    await reader.prepareBatch(topic, [oddPayload]);
    assert.match(reasonOf(() => reader.deserialize(topic, oddPayload)), /^unresolvable schema: writer schema id 3 \(dev\.weir\.WideEvent\) cannot be read as avro\(dev\.weir\.WideEvent\)/);
  } finally {
    await server.close();
  }
});

test('avro serde: a registry that cannot be reached fails the batch instead of dead-lettering its records', async () => {
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const url = server.url;
  const writer = avroSerde<WideEvent>({ registry: new SchemaRegistry({ host: url }), schema: v1, topic: 't' });
  await writer.init();
  const payload = writer.serialize('t', event)!;
  await server.close();
  const reader = avroSerde<WideEvent>({ registry: new SchemaRegistry({ host: url, retry: { retries: 0 } }), schema: v1 });
  await assert.rejects(reader.prepareBatch('t', [payload]), (e: unknown) => isWeirError(e, 'SCHEMA_NOT_FOUND'));
});
