import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { StreamsBuilder } from '../../topology/streams-builder';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { leftJoin } from '../../operators/join';
import { mapValues } from '../../operators/map-values';
import { process as processWith } from '../../operators/process';
import { to } from '../../operators/to';
import { StreamsApp } from '../../runtime/streams-app';
import { EmbeddedLog, partitionForKey } from '../../runtime/embedded';
import { silentLogger } from '../../runtime/logger';
import type { LogClient } from '../../runtime/log';
import type { Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';

interface Owner { team: string }
const ownerSerde = jsonSerde<Owner>();

/** Each click (value: service) is joined with its owner; the output names the task that joined it. */
function topology() {
  const builder = new StreamsBuilder();
  const owners = builder.globalTable<string, Owner>('owners', { keySerde: stringSerde, valueSerde: ownerSerde });
  builder
    .stream<string, string>('clicks', { keySerde: stringSerde, valueSerde: stringSerde })
    .pipe(
      leftJoin(owners, (_user: string, service: string) => service, (service: string, o: Owner | undefined) => `${service}=${o?.team ?? 'none'}`),
      processWith<string, string, string, string>({ name: 'tag-task' }, () => new TagTask()),
      to('out', { keySerde: stringSerde, valueSerde: stringSerde }),
    );
  return builder.build();
}

class TagTask implements Processor<string, string, string, string> {
  private context!: ProcessorContext<string, string>;
  init(context: ProcessorContext<string, string>): void {
    this.context = context;
  }
  process(record: StreamRecord<string, string>): void {
    this.context.forward({ ...record, value: `${record.value}@${this.context.taskId}` });
  }
}

async function produce(log: LogClient, topic: string, records: { key: string; value: string | null; timestamp: number }[]) {
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'producer' });
  await producer.send(records.map((r) => ({ topic, key: Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value), timestamp: r.timestamp, headers: {} })));
  await producer.close();
}

const owner = (team: string) => JSON.stringify({ team });
const outputs = (log: EmbeddedLog) => log.records('out').map((r) => `${r.key!.toString()}:${r.value!.toString()}`).sort();

/** Two users whose clicks land on different partitions of a 2-partition topic. */
function usersOnBothPartitions(): [string, string] {
  const users = Array.from({ length: 20 }, (_, i) => `user-${i}`);
  const p0 = users.find((u) => partitionForKey(Buffer.from(u), 2) === 0)!;
  const p1 = users.find((u) => partitionForKey(Buffer.from(u), 2) === 1)!;
  return [p0, p1];
}

test('a global table is restored before the first record and readable by every task; a restart restores it again', async () => {
  const dir = await mkdtemp(joinPath(tmpdir(), 'weir-global-'));
  const log = new EmbeddedLog();
  await log.admin().createTopics([{ name: 'owners', partitions: 3, compacted: true }, { name: 'clicks', partitions: 2 }]);
  // 2500 updates of one key (more than one read batch), then a second key; all before the app starts.
  await produce(log, 'owners', Array.from({ length: 2500 }, (_, i) => ({ key: 'checkout', value: owner(`t${i}`), timestamp: 1_000 + i })));
  await produce(log, 'owners', [{ key: 'search', value: owner('discovery'), timestamp: 1_000 }]);
  const [u0, u1] = usersOnBothPartitions();
  await produce(log, 'clicks', [{ key: u0, value: 'checkout', timestamp: 10_000 }, { key: u1, value: 'checkout', timestamp: 10_000 }, { key: u1, value: 'search', timestamp: 10_001 }]);
  const config = { applicationId: 'global-app', stateDir: dir, commitIntervalMs: 0 };

  const app = new StreamsApp(topology(), config, log, { logger: silentLogger });
  await app.start();
  await app.waitUntilCaughtUp();
  assert.deepEqual(app.activeTasks().map((t) => t.taskId).sort(), ['0_0', '0_1']);
  assert.deepEqual(outputs(log), [`${u0}:checkout=t2499@0_0`, `${u1}:checkout=t2499@0_1`, `${u1}:search=discovery@0_1`].sort());
  await app.close();

  // Written while no replica runs: a restarted app sees it at its first record.
  await produce(log, 'owners', [{ key: 'checkout', value: owner('growth'), timestamp: 20_000 }, { key: 'search', value: null, timestamp: 20_000 }]);
  await produce(log, 'clicks', [{ key: u0, value: 'checkout', timestamp: 30_000 }, { key: u1, value: 'search', timestamp: 30_000 }]);
  const restarted = new StreamsApp(topology(), config, log.connect(), { logger: silentLogger });
  await restarted.start();
  await restarted.waitUntilCaughtUp();
  assert.deepEqual(outputs(log).filter((o) => !o.includes('t2499') && !o.includes('discovery')), [`${u0}:checkout=growth@0_0`, `${u1}:search=none@0_1`].sort());
  assert.equal(log.records('out').length, 5, 'the restart resumed from the committed offsets');
  await restarted.close();
  await log.close();
  await rm(dir, { recursive: true, force: true });
});

test('updates written while the app runs reach every task, as of their timestamps', async () => {
  const dir = await mkdtemp(joinPath(tmpdir(), 'weir-global-'));
  const log = new EmbeddedLog();
  await log.admin().createTopics([{ name: 'owners', partitions: 1, compacted: true }, { name: 'clicks', partitions: 2 }]);
  const app = new StreamsApp(topology(), { applicationId: 'global-live', stateDir: dir, commitIntervalMs: 0 }, log, { logger: silentLogger });
  await app.start();
  const [u0, u1] = usersOnBothPartitions();
  await produce(log, 'clicks', [{ key: u0, value: 'checkout', timestamp: 1_000 }]);
  await app.waitUntilCaughtUp();
  await produce(log, 'owners', [{ key: 'checkout', value: owner('payments'), timestamp: 2_000 }]);
  // waitUntilCaughtUp also waits for the global reader to reach the end of the owners topic.
  await app.waitUntilCaughtUp();
  await produce(log, 'clicks', [
    { key: u0, value: 'checkout', timestamp: 3_000 },
    { key: u1, value: 'checkout', timestamp: 3_000 },
    // Read as of its own time, before the update: the update is not visible to it.
    { key: u1, value: 'checkout', timestamp: 1_500 },
  ]);
  await app.waitUntilCaughtUp();
  assert.deepEqual(log.records('out').map((r) => r.value!.toString()).sort(), ['checkout=none@0_0', 'checkout=none@0_1', 'checkout=payments@0_0', 'checkout=payments@0_1']);
  await app.close();
  await log.close();
  await rm(dir, { recursive: true, force: true });
});

test('a global table whose topic does not exist fails the start with the topic named', async () => {
  const dir = await mkdtemp(joinPath(tmpdir(), 'weir-global-'));
  const log = new EmbeddedLog();
  await log.admin().createTopics([{ name: 'clicks', partitions: 1 }]);
  const app = new StreamsApp(topology(), { applicationId: 'global-missing', stateDir: dir }, log, { logger: silentLogger });
  await assert.rejects(app.start(), (e: Error) => /topic of a global table does not exist/.test(e.message) && /topic=owners/.test(e.message));
  await log.close();
  await rm(dir, { recursive: true, force: true });
});
