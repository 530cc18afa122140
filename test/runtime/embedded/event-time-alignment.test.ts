import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { tumbling } from '../../../topology/windows';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { Stores } from '../../../state/stores';
import { groupBy } from '../../../operators/group-by';
import { windowedBy } from '../../../operators/windowed-by';
import { count } from '../../../operators/count';
import { suppress, untilWindowCloses } from '../../../operators/suppress';
import { toStream } from '../../../operators/to-stream';
import { to } from '../../../operators/to';
import { StreamsApp } from '../../../runtime/streams-app';
import { EmbeddedLog } from '../../../runtime/embedded';
import { silentLogger } from '../../../runtime/logger';

/**
 * 4 partitions, each covering the same 10 hours of event time, all appended before the app starts;
 * every record is regrouped under one key (a repartition into one task) with a 1-minute grace.
 */
async function run(alignEventTimeMs: number | null) {
  const dir = await mkdtemp(join(tmpdir(), 'weir-align-'));
  const log = new EmbeddedLog({ alignEventTimeMs });
  await log.admin().createTopics([{ name: 'events', partitions: 4 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'producer' });
  const n = 8_000;
  const records = [];
  for (let i = 0; i < n; i++) {
    records.push({ topic: 'events', partition: i % 4, key: Buffer.from(`k${i % 4}`), value: Buffer.from('1'), timestamp: Math.floor(i / 4) * 18_000, headers: {} });
  }
  await producer.send(records);
  const builder = new StreamsBuilder();
  builder.stream('events', { keySerde: stringSerde, valueSerde: jsonSerde<number>() }).pipe(
    groupBy(() => 'all', { keySerde: stringSerde }),
    windowedBy(tumbling(600_000, { grace: 60_000 })),
    count({ store: Stores.window('per-10-minutes', { keySerde: stringSerde, valueSerde: jsonSerde<number>(), retentionMs: 660_000, persistent: false }) }),
    suppress(untilWindowCloses()),
    toStream(),
    to('counts', { valueSerde: jsonSerde<number>() }),
  );
  const app = new StreamsApp(builder.build(), { applicationId: 'align', stateDir: dir }, log, { logger: silentLogger });
  await app.start();
  await app.waitUntilCaughtUp();
  await app.endOfInput();
  const late = app.metrics().counters.get('late-records-dropped') ?? 0;
  await app.close();
  const counted = log.records('counts').reduce((sum, r) => sum + Number(r.value!.toString()), 0);
  await rm(dir, { recursive: true, force: true });
  return { late, counted, n };
}

test('aligned delivery: partitions appended in advance still reach a repartitioned window in time, nothing is late', async () => {
  const { late, counted, n } = await run(60_000);
  assert.equal(late, 0);
  assert.equal(counted, n);
});

test('round-robin delivery of the same input makes records late downstream (what alignment prevents)', async () => {
  const { late, counted, n } = await run(null);
  assert.ok(late > 0, `expected late records without alignment, got ${late}`);
  assert.equal(counted + late, n);
});
