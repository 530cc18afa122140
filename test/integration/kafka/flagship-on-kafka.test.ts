/**
 * Issue 11: the full flagship on a stock broker (1 MiB `message.max.bytes`). Before produce
 * requests were cut by bytes, one request carried thousands of records of a partition and every
 * task retried the broker's MESSAGE_TOO_LARGE forever after its first batches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaLog } from '../../../runtime/kafka/kafka-log';
import { silentLogger } from '../../../runtime/logger';
import { deadLetterTopicName } from '../../../runtime/streams-config';
import type { Rollup } from '../../../schemas/rollup';
import { committedInput } from '../../../workloads/replicas';
import { produceFlagshipInput, runFlagshipUntilCommitted } from '../../../workloads/flagship-on-kafka';
import { kafkaBrokers, uniqueName } from './kafka-broker';

const EVENTS = 50_000;
const PARTITIONS = 6;

test('the full flagship drains 50k generated events on a stock broker, commits every offset and counts every event once', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const prefix = uniqueName('it-flagship');
  const log = new KafkaLog({ brokers, clientId: `${prefix}-test`, logger: silentLogger });
  const appLog = new KafkaLog({ brokers, clientId: prefix, logger: silentLogger });
  const stateDir = await mkdtemp(join(tmpdir(), 'weir-it-flagship-'));
  t.after(async () => {
    await appLog.close();
    await log.close();
    await rm(stateDir, { recursive: true, force: true });
  });
  const input = await produceFlagshipInput(log, { prefix, events: EVENTS, partitions: PARTITIONS });
  const applicationId = `${prefix}-app`;
  const { app, elapsedMs } = await runFlagshipUntilCommitted(log, appLog, input, { applicationId, stateDir, guarantee: 'at_least_once', logger: silentLogger });
  t.diagnostic(`full flagship, at_least_once, 1 replica: ${EVENTS} events committed in ${(elapsedMs / 1000).toFixed(1)} s (${Math.round(EVENTS / (elapsedMs / 1000))} events/s, group join included)`);
  assert.equal(app.state, 'running');
  assert.equal(await committedInput(log, applicationId, input.topics.events), EVENTS);

  // Close the last windows, then every event is in exactly one 1-minute rollup.
  await app.waitUntilCaughtUp();
  await app.endOfInput();
  const late = app.metrics().counters.get('late-records-dropped') ?? 0;
  const lateByTask = app.activeTasks().map((task) => `${task.taskId}=${task.metrics.counters.get('late-records-dropped') ?? 0}`).join(' ');
  await app.close();
  let counted = 0;
  let rollups = 0;
  const reader = log.partitionReader({ readCommitted: false });
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for await (const batch of reader.read({ topic: input.topics.rollups1m, partition }, 0)) {
      for (const r of batch) {
        counted += (JSON.parse(r.value!.toString()) as Rollup).count;
        rollups++;
      }
    }
  }
  await reader.close();
  t.diagnostic(`${rollups} one-minute rollups counting ${counted} events; ${late} late records dropped (${lateByTask})`);
  assert.equal(counted, EVENTS);
  // Nothing was too large for the broker: the dead-letter topic is empty.
  assert.equal(await log.admin().endOffset({ topic: deadLetterTopicName(applicationId), partition: 0 }), 0);
  assert.ok((await log.admin().endOffset({ topic: input.topics.sampledEvents, partition: 0 })) > 0, 'sampled raw events were produced');
});
