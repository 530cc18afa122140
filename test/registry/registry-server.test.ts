import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { avroSchema } from '../../schemas/avro-schemas';
import type { WideEvent } from '../../schemas/wide-event';
import { CONTENT_TYPE, startSchemaRegistry } from '../../registry/registry-server';
import { FileSchemaStore, MemorySchemaStore } from '../../registry/schema-store';
import { SCHEMAS_TOPIC, TopicSchemaStore } from '../../registry/topic-schema-store';
import { EmbeddedLog } from '../../runtime/embedded';
import { createLogger, silentLogger } from '../../runtime/logger';

type RawRecordSchema = { type: 'record'; name: string; namespace: string; fields: { name: string; type: unknown; default?: unknown }[] };

const v1 = avroSchema('wide-event') as RawRecordSchema;
const v2: RawRecordSchema = { ...v1, fields: [...v1.fields, { name: 'build_id', type: 'string', default: 'unknown' }] };
/** Adds a field without a default: v3 cannot read v2 data (BACKWARD breaks). */
const incompatible: RawRecordSchema = { ...v2, fields: [...v2.fields, { name: 'cluster', type: 'string' }] };

const event: WideEvent = {
  timestamp: 1_764_331_200_000, service: 'checkout', operation: 'POST /cart', method: 'POST', status_code: 201, duration_ms: 18.25,
  trace_id: 'tr-1', span_id: 'sp-1', parent_span_id: null, user_id: 'u-42', region: 'eu-west-1', customer_tier: 'pro',
  attributes: { 'http.route': '/cart' }, sample_weight: 1,
};

async function raw(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; type: string | null; json: any }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': CONTENT_TYPE },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), json: await res.json() };
}

test('the unmodified @kafkajs/confluent-schema-registry client registers, fetches, encodes and decodes over HTTP, and is refused an incompatible schema', async () => {
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  try {
    const producer = new SchemaRegistry({ host: server.url });
    const subject = 'wide-events-value';

    const { id: id1 } = await producer.register(v1, { subject });
    assert.equal(id1, 1);
    // The client set the subject's level on first registration (BACKWARD, its default).
    assert.deepEqual((await raw(server.url, 'GET', `/config/${subject}`)).json, { compatibilityLevel: 'BACKWARD' });
    assert.deepEqual(await producer.register(v1, { subject }), { id: 1 }, 'registering the same schema again returns its id');

    const payload = await producer.encode(id1, event);
    assert.equal(payload[0], 0);
    assert.equal(payload.readInt32BE(1), id1);

    // A second client with an empty cache fetches the schema by id over HTTP to decode.
    const consumer = new SchemaRegistry({ host: server.url });
    assert.deepEqual(JSON.parse(JSON.stringify(await consumer.decode(payload))), event);
    assert.equal(await consumer.getLatestSchemaId(subject), 1);
    assert.equal(await consumer.getRegistryId(subject, 1), 1);
    assert.equal(await consumer.getRegistryIdBySchema(subject, v1), 1);

    const { id: id2 } = await producer.register(v2, { subject });
    assert.equal(id2, 2);
    assert.equal(await consumer.getLatestSchemaId(subject), 2);
    const asV2 = await consumer.decode(payload, { AVRO: { readerSchema: v2 } });
    assert.equal(asV2.build_id, 'unknown', 'a v1 record read with v2 gets the default');

    await assert.rejects(producer.register(incompatible, { subject }), (error: { status?: number; message: string }) => {
      assert.equal(error.status, 409);
      assert.match(error.message, /incompatible with an earlier schema/);
      return true;
    });
    const refused = await raw(server.url, 'POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(incompatible) });
    assert.equal(refused.status, 409);
    assert.equal(refused.type, CONTENT_TYPE);
    assert.equal(refused.json.error_code, 409);
    assert.deepEqual((await raw(server.url, 'GET', `/subjects/${subject}/versions`)).json, [1, 2], 'the refused schema took no version');
    assert.deepEqual((await raw(server.url, 'GET', '/subjects')).json, [subject]);
  } finally {
    await server.close();
  }
});

test('REST answers and Confluent error codes', async () => {
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const url = server.url;
  try {
    const s = 'orders-value';
    assert.deepEqual((await raw(url, 'GET', '/config')).json, { compatibilityLevel: 'BACKWARD' });
    assert.deepEqual(await raw(url, 'POST', `/subjects/${s}/versions`, { schema: JSON.stringify(v1) }), { status: 200, type: CONTENT_TYPE, json: { id: 1 } });
    const version1 = { subject: s, version: 1, id: 1, schema: JSON.stringify(v1) };
    assert.deepEqual((await raw(url, 'GET', `/subjects/${s}/versions/1`)).json, version1);
    assert.deepEqual((await raw(url, 'GET', `/subjects/${s}/versions/latest`)).json, version1);
    assert.deepEqual((await raw(url, 'POST', `/subjects/${s}`, { schema: JSON.stringify(v1) })).json, version1);
    assert.deepEqual((await raw(url, 'GET', '/schemas/ids/1')).json, { schema: JSON.stringify(v1) });
    assert.deepEqual((await raw(url, 'GET', '/schemas/ids/1/schema')).json, v1);

    // The same schema under another subject keeps its global id.
    assert.deepEqual((await raw(url, 'POST', '/subjects/other-value/versions', { schema: JSON.stringify(v1) })).json, { id: 1 });
    assert.deepEqual((await raw(url, 'GET', '/schemas/ids/1/versions')).json, [{ subject: s, version: 1 }, { subject: 'other-value', version: 1 }]);

    assert.deepEqual((await raw(url, 'POST', `/compatibility/subjects/${s}/versions/latest`, { schema: JSON.stringify(v2) })).json, { is_compatible: true });
    const verdict = await raw(url, 'POST', `/compatibility/subjects/${s}/versions/1?verbose=true`, { schema: JSON.stringify({ ...v1, fields: [...v1.fields, { name: 'x', type: 'int' }] }) });
    assert.equal(verdict.json.is_compatible, false);
    assert.equal(verdict.json.messages.length, 1);

    const codes: [string, string, unknown, number, number][] = [
      ['GET', '/schemas/ids/999', undefined, 404, 40403],
      ['GET', '/subjects/nope/versions', undefined, 404, 40401],
      ['GET', '/subjects/nope/versions/latest', undefined, 404, 40401],
      ['GET', `/subjects/${s}/versions/7`, undefined, 404, 40402],
      ['GET', `/subjects/${s}/versions/abc`, undefined, 422, 42202],
      ['POST', `/subjects/${s}`, { schema: JSON.stringify(v2) }, 404, 40403],
      ['POST', '/subjects/nope', { schema: JSON.stringify(v2) }, 404, 40401],
      ['POST', `/subjects/${s}/versions`, { schema: '{"type": "record"' }, 422, 42201],
      ['POST', `/subjects/${s}/versions`, { schema: '{"type": "nothing"}' }, 422, 42201],
      ['POST', `/subjects/${s}/versions`, { schema: '{}', schemaType: 'PROTOBUF' }, 422, 42201],
      ['PUT', '/config', { compatibility: 'SOMETIMES' }, 422, 42203],
      ['GET', `/config/${s}`, undefined, 404, 40408],
      ['POST', '/compatibility/subjects/nope/versions/1', { schema: JSON.stringify(v1) }, 404, 40401],
      ['GET', '/no/such/path', undefined, 404, 404],
      ['DELETE', '/config', undefined, 405, 405],
      // Malformed subjects are the client's fault (42208), never a 500.
      ['GET', '/subjects/%E0%A4%A/versions', undefined, 422, 42208],
      ['POST', '/subjects/orders%zz-value/versions', { schema: JSON.stringify(v1) }, 422, 42208],
      ['POST', '/subjects/a%01b/versions', { schema: JSON.stringify(v1) }, 422, 42208],
      ['PUT', '/config/a%7Fb', { compatibility: 'NONE' }, 422, 42208],
      ['GET', '/config/%', undefined, 422, 42208],
      ['GET', '/schemas/ids/%zz', undefined, 404, 40403],
      ['GET', `/subjects/${s}/versions/%zz`, undefined, 422, 42202],
    ];
    for (const [method, path, body, status, errorCode] of codes) {
      const answer = await raw(url, method, path, body);
      assert.equal(answer.status, status, `${method} ${path}`);
      assert.equal(answer.json.error_code, errorCode, `${method} ${path}`);
      assert.equal(typeof answer.json.message, 'string');
    }

    // Per-subject config overrides the global one.
    assert.deepEqual((await raw(url, 'PUT', `/config/${s}`, { compatibility: 'none' })).json, { compatibility: 'NONE' });
    assert.deepEqual((await raw(url, 'GET', `/config/${s}`)).json, { compatibilityLevel: 'NONE' });
    assert.deepEqual((await raw(url, 'GET', '/config/other-value?defaultToGlobal=true')).json, { compatibilityLevel: 'BACKWARD' });
    assert.deepEqual((await raw(url, 'POST', `/subjects/${s}/versions`, { schema: JSON.stringify(incompatible) })).json, { id: 2 });
    assert.deepEqual((await raw(url, 'PUT', '/config', { compatibility: 'FULL' })).json, { compatibility: 'FULL' });
    // FULL: v2 adds a field with a default, readable both ways; a field without a default is not.
    assert.deepEqual((await raw(url, 'POST', '/subjects/other-value/versions', { schema: JSON.stringify(v2) })).json, { id: 3 });
    assert.equal((await raw(url, 'POST', '/subjects/other-value/versions', { schema: JSON.stringify(incompatible) })).json.error_code, 409);
  } finally {
    await server.close();
  }
});

test('FileSchemaStore: a restarted registry keeps ids, versions and configs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-registry-'));
  const path = join(dir, 'schemas.ndjson');
  try {
    const first = await startSchemaRegistry({ store: new FileSchemaStore(path), port: 0 });
    await raw(first.url, 'POST', '/subjects/a-value/versions', { schema: JSON.stringify(v1) });
    await raw(first.url, 'PUT', '/config/a-value', { compatibility: 'FORWARD' });
    await raw(first.url, 'POST', '/subjects/a-value/versions', { schema: JSON.stringify(v2) });
    await first.close();

    const second = await startSchemaRegistry({ store: new FileSchemaStore(path), port: 0 });
    try {
      assert.deepEqual((await raw(second.url, 'GET', '/subjects/a-value/versions')).json, [1, 2]);
      assert.deepEqual((await raw(second.url, 'GET', '/config/a-value')).json, { compatibilityLevel: 'FORWARD' });
      assert.deepEqual((await raw(second.url, 'GET', '/schemas/ids/2')).json, { schema: JSON.stringify(v2) });
      assert.deepEqual((await raw(second.url, 'POST', '/subjects/b-value/versions', { schema: JSON.stringify(incompatible) })).json, { id: 3 });
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('FileSchemaStore: a torn last line (writer killed mid-append) is skipped with a warning; later registrations answer 200 and survive a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-registry-'));
  const path = join(dir, 'schemas.ndjson');
  const warnings: string[] = [];
  const logger = createLogger({ write: (line) => warnings.push(line) });
  try {
    const first = await startSchemaRegistry({ store: new FileSchemaStore(path), port: 0 });
    assert.deepEqual((await raw(first.url, 'POST', '/subjects/a-value/versions', { schema: JSON.stringify(v1) })).json, { id: 1 });
    await first.close();
    const torn = JSON.stringify({ key: { keytype: 'SCHEMA', subject: 'a-value', version: 2, magic: 1 }, value: { subject: 'a-value', version: 2, id: 2 } });
    appendFileSync(path, torn.slice(0, 50));

    const store = new FileSchemaStore(path, { logger });
    const second = await startSchemaRegistry({ store, port: 0 });
    try {
      for (const [subject, schema, id] of [['b-value', v2, 2], ['c-value', incompatible, 3], ['a-value', v2, 2]] as const) {
        const answer = await raw(second.url, 'POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(schema) });
        assert.deepEqual({ status: answer.status, json: answer.json }, { status: 200, json: { id } }, subject);
      }
      assert.equal(store.skippedLines, 1);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /skipped a torn line/);
      assert.match(warnings[0], /schemas\.ndjson:2/);
    } finally {
      await second.close();
    }
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines[1], torn.slice(0, 50), 'the torn fragment keeps a line of its own');

    const third = await startSchemaRegistry({ store: new FileSchemaStore(path, { logger }), port: 0 });
    try {
      assert.deepEqual((await raw(third.url, 'GET', '/subjects')).json, ['a-value', 'b-value', 'c-value']);
      assert.deepEqual((await raw(third.url, 'GET', '/subjects/a-value/versions')).json, [1, 2]);
      assert.deepEqual((await raw(third.url, 'GET', '/schemas/ids/3')).json, { schema: JSON.stringify(incompatible) });
    } finally {
      await third.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('FileSchemaStore: a file torn before the fix, the next record on the torn line, keeps that record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-registry-'));
  const path = join(dir, 'schemas.ndjson');
  try {
    const record = { key: { keytype: 'SCHEMA', subject: 'b-value', version: 1, magic: 1 }, value: { subject: 'b-value', version: 1, id: 1, schema: JSON.stringify(v1), deleted: false } };
    writeFileSync(path, `{"key":{"keytype":"SCHEMA","subject":"a-va${JSON.stringify(record)}\n`);
    const store = new FileSchemaStore(path, { logger: silentLogger });
    assert.deepEqual(await store.readNew(), [record]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TopicSchemaStore: registries on the same log share ids through the _schemas topic and a new one replays it', async () => {
  const log = new EmbeddedLog();
  const a = await startSchemaRegistry({ store: new TopicSchemaStore(log), port: 0 });
  const b = await startSchemaRegistry({ store: new TopicSchemaStore(log.connect()), port: 0 });
  try {
    assert.deepEqual((await raw(a.url, 'POST', '/subjects/x-value/versions', { schema: JSON.stringify(v1) })).json, { id: 1 });
    // b has not seen the registration yet: an unknown id makes it catch up, and its own write follows a's.
    assert.deepEqual((await raw(b.url, 'GET', '/schemas/ids/1')).json, { schema: JSON.stringify(v1) });
    assert.deepEqual((await raw(b.url, 'POST', '/subjects/x-value/versions', { schema: JSON.stringify(v2) })).json, { id: 2 });
    assert.equal((await raw(b.url, 'POST', '/subjects/x-value/versions', { schema: JSON.stringify(incompatible) })).json.error_code, 409);
  } finally {
    await a.close();
    await b.close();
  }
  const keys = log.records(SCHEMAS_TOPIC).map((r) => JSON.parse(r.key!.toString('utf8')));
  assert.deepEqual(keys, [
    { keytype: 'SCHEMA', subject: 'x-value', version: 1, magic: 1 },
    { keytype: 'SCHEMA', subject: 'x-value', version: 2, magic: 1 },
  ]);
  const c = await startSchemaRegistry({ store: new TopicSchemaStore(log.connect()), port: 0 });
  try {
    assert.deepEqual((await raw(c.url, 'GET', '/subjects/x-value/versions')).json, [1, 2]);
    assert.equal((await raw(c.url, 'GET', '/subjects/x-value/versions/latest')).json.id, 2);
  } finally {
    await c.close();
  }
});

test('concurrent registrations get distinct versions and ids', async () => {
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  try {
    const schemas = Array.from({ length: 12 }, (_, i) => ({ ...v1, fields: [...v1.fields, { name: `extra_${i}`, type: 'int', default: i }] }));
    await raw(server.url, 'PUT', '/config/c-value', { compatibility: 'NONE' });
    const answers = await Promise.all(schemas.map((s) => raw(server.url, 'POST', '/subjects/c-value/versions', { schema: JSON.stringify(s) })));
    assert.deepEqual(answers.map((a) => a.json.id).sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i + 1));
    assert.deepEqual((await raw(server.url, 'GET', '/subjects/c-value/versions')).json, Array.from({ length: 12 }, (_, i) => i + 1));
    for (const [i, s] of schemas.entries()) {
      const found = (await raw(server.url, 'POST', '/subjects/c-value', { schema: JSON.stringify(s) })).json;
      assert.equal(found.id, answers[i].json.id);
      assert.equal(found.version, found.id, 'one subject: version order is id order');
    }
  } finally {
    await server.close();
  }
});
