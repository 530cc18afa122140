import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { produce } from '../../cli/produce-command';
import { startSchemaRegistry } from '../../registry/registry-server';
import { MemorySchemaStore } from '../../registry/schema-store';
import { EmbeddedLog } from '../../runtime/embedded';

const deployment = (i: number) => ({ id: `d${i}`, service: `svc-${i % 3}`, version: `1.${i}.0`, previous_version: null, deployed_at: 1000 * i, description: null });

test('weir produce: NDJSON lines become Avro records; a bad line stops it after sending the lines before it', async () => {
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const log = new EmbeddedLog();
  const quiet = console.error;
  console.error = () => {};
  try {
    await log.admin().createTopics([{ name: 'deployments', partitions: 2 }]);
    const options = { topic: 'deployments', schemaPath: join(__dirname, '../../schemas/deployment.avsc'), keyField: 'service', registryUrl: server.url, batchSize: 2 };
    const good = [0, 1, 2, 3, 4].map((i) => JSON.stringify(deployment(i))).join('\n') + '\n\n';
    assert.equal(await produce(log, Readable.from([good]), options), 0);
    assert.equal(log.records('deployments').length, 5);

    const lines = [JSON.stringify(deployment(5)), JSON.stringify(deployment(6)), JSON.stringify({ ...deployment(7), version: 7 }), JSON.stringify(deployment(8))];
    assert.equal(await produce(log, Readable.from([lines.join('\n')]), options), 1);
    // Batch of 2: lines 1-2 went out, line 3 is invalid so its batch (3-4) is refused whole.
    assert.equal(log.records('deployments').length, 7);
    assert.equal(await produce(log, Readable.from(['{"id": \n']), options), 1);
    await assert.rejects(produce(log, Readable.from([good]), { ...options, topic: 'missing' }), /the topic does not exist/);
    assert.equal(await produce(log, Readable.from([good]), { ...options, topic: 'created', createPartitions: 3 }), 0);
    assert.equal(await log.admin().partitionCount('created'), 3);

    const client = new SchemaRegistry({ host: server.url });
    const decoded = await Promise.all(log.records('deployments').map(async (r) => ({ key: r.key!.toString(), value: await client.decode(r.value!) })));
    assert.deepEqual(decoded.map((d) => d.value.id).sort(), ['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6']);
    for (const d of decoded) assert.equal(d.key, d.value.service);

    // Several key fields joined with '|'; a record missing one has no key.
    await log.admin().createTopics([{ name: 'by-version', partitions: 1 }]);
    const twoFields = [JSON.stringify({ ...deployment(1), previous_version: '1.0.0' }), JSON.stringify(deployment(2))].join('\n');
    assert.equal(await produce(log, Readable.from([twoFields]), { ...options, topic: 'by-version', keyField: 'service|previous_version' }), 0);
    assert.deepEqual(log.records('by-version').map((r) => r.key?.toString() ?? null), ['svc-1|1.0.0', null]);
  } finally {
    console.error = quiet;
    await log.close();
    await server.close();
  }
});
