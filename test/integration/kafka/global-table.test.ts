import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { leftJoin } from '../../../operators/join';
import { process as processWith } from '../../../operators/process';
import { to } from '../../../operators/to';
import { StreamsApp } from '../../../runtime/streams-app';
import { KafkaLog } from '../../../runtime/kafka/kafka-log';
import { partitionForKey } from '../../../runtime/embedded/partitioner';
import { silentLogger } from '../../../runtime/logger';
import type { ProcessingGuarantee } from '../../../runtime/log';
import type { Processor, ProcessorContext } from '../../../topology/processor';
import type { StreamRecord } from '../../../topology/record';
import { eventually, kafkaBrokers, uniqueName } from './kafka-broker';

interface Owner { team: string }

class TagTask implements Processor<string, string, string, string> {
  private context!: ProcessorContext<string, string>;
  init(context: ProcessorContext<string, string>): void {
    this.context = context;
  }
  process(record: StreamRecord<string, string>): void {
    this.context.forward({ ...record, value: `${record.value}@${this.context.taskId}` });
  }
}

function topology(topics: { owners: string; clicks: string; out: string }) {
  const builder = new StreamsBuilder();
  const owners = builder.globalTable<string, Owner>(topics.owners, { keySerde: stringSerde, valueSerde: jsonSerde<Owner>(), storeName: 'owners' });
  builder
    .stream<string, string>(topics.clicks, { keySerde: stringSerde, valueSerde: stringSerde })
    .pipe(
      leftJoin(owners, (_u: string, service: string) => service, (service: string, o: Owner | undefined) => `${service}=${o?.team ?? 'none'}`),
      processWith<string, string, string, string>({ name: 'tag-task' }, () => new TagTask()),
      to(topics.out, { keySerde: stringSerde, valueSerde: stringSerde }),
    );
  return builder.build();
}

for (const guarantee of ['at_least_once', 'exactly_once'] as ProcessingGuarantee[]) {
  test(`Kafka (${guarantee}): a global table over every partition of its topic is restored before the first record, then follows updates, for every task`, async (t) => {
    const brokers = kafkaBrokers(t);
    if (!brokers) return;
    const log = new KafkaLog({ brokers, clientId: uniqueName('it-global'), logger: silentLogger });
    const dir = await mkdtemp(joinPath(tmpdir(), 'weir-it-global-'));
    t.after(async () => {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    });
    const topics = { owners: uniqueName('it-owners'), clicks: uniqueName('it-clicks'), out: uniqueName('it-owned') };
    await log.admin().createTopics([{ name: topics.owners, partitions: 3, compacted: true }, { name: topics.clicks, partitions: 2 }, { name: topics.out, partitions: 1 }]);
    // Written transactionally under exactly_once, so the global reader must step over commit markers.
    const producer = await log.commitLog(guarantee === 'exactly_once' ? { guarantee, transactionalId: uniqueName('it-owners-tx'), clientId: 'it-owners' } : { guarantee, clientId: 'it-owners' });
    const send = async (topic: string, records: { key: string; value: string; timestamp: number }[]) => {
      const produced = records.map((r) => ({ topic, key: Buffer.from(r.key), value: Buffer.from(r.value), timestamp: r.timestamp, headers: {} }));
      if (guarantee === 'exactly_once') await producer.commit({ groupId: uniqueName('it-none'), records: produced, offsets: [] });
      else await producer.send(produced);
    };
    const services = Array.from({ length: 12 }, (_, i) => `svc-${i}`);
    // Keys spread over the 3 partitions of the owners topic.
    await send(topics.owners, services.map((s) => ({ key: s, value: JSON.stringify({ team: `team-${s}` }), timestamp: 1_000 })));
    const users = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    const u0 = users.find((u) => partitionForKey(Buffer.from(u), 2) === 0)!;
    const u1 = users.find((u) => partitionForKey(Buffer.from(u), 2) === 1)!;
    await send(topics.clicks, services.flatMap((s) => [{ key: u0, value: s, timestamp: 2_000 }, { key: u1, value: s, timestamp: 2_000 }]));

    const app = new StreamsApp(topology(topics), { applicationId: uniqueName('it-global-app'), stateDir: dir, processingGuarantee: guarantee, commitIntervalMs: 100 }, log, { logger: silentLogger });
    t.after(() => app.close());
    await app.start();
    const reader = log.partitionReader({ readCommitted: true });
    t.after(() => reader.close());
    const outputs = async () => {
      const values: string[] = [];
      for await (const batch of reader.read({ topic: topics.out, partition: 0 }, 0)) values.push(...batch.map((r) => r.value!.toString()));
      return values.sort();
    };
    await eventually(async () => (await outputs()).length === 24, 'the first clicks to be joined');
    assert.deepEqual(await outputs(), services.flatMap((s) => [`${s}=team-${s}@0_0`, `${s}=team-${s}@0_1`]).sort());

    await send(topics.owners, [{ key: 'svc-0', value: JSON.stringify({ team: 'moved' }), timestamp: 3_000 }]);
    await app.waitUntilCaughtUp({ timeoutMs: 120_000 });
    await send(topics.clicks, [{ key: u0, value: 'svc-0', timestamp: 4_000 }, { key: u1, value: 'svc-0', timestamp: 4_000 }, { key: u1, value: 'svc-0', timestamp: 2_500 }]);
    await eventually(async () => (await outputs()).length === 27, 'the later clicks to be joined');
    const later = (await outputs()).filter((v) => v.startsWith('svc-0='));
    assert.deepEqual(later, ['svc-0=moved@0_0', 'svc-0=moved@0_1', 'svc-0=team-svc-0@0_0', 'svc-0=team-svc-0@0_1', 'svc-0=team-svc-0@0_1']);
    await producer.close();
  });
}
