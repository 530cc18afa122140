import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamsBuilder } from '../../topology/streams-builder';
import { stringSerde } from '../../serdes/string-serde';
import { process } from '../../operators/process';
import { to } from '../../operators/to';
import { TopologyTestDriver } from '../../testing/topology-test-driver';
import { StreamsApp } from '../../runtime/streams-app';
import { EmbeddedLog } from '../../runtime/embedded';
import { silentLogger } from '../../runtime/logger';
import { DLQ_HEADERS } from '../../runtime/dead-letter';
import { failsTheTask } from '../../runtime/exception-handlers';
import { isWeirError } from '../../errors/weir-error';
import type { ProcessorContext } from '../../topology/processor';

/** Forwards `<value>-first` to 'out', then throws on values starting with "bad", then forwards `<value>-second`. */
function topology() {
  const builder = new StreamsBuilder();
  builder.stream('in', { keySerde: stringSerde, valueSerde: stringSerde }).pipe(
    process<string, string, string, string>({ name: 'half-then-throw' }, () => {
      let context: ProcessorContext<string, string>;
      return {
        init: (c) => { context = c; },
        process: (record) => {
          context.forward({ ...record, value: `${record.value}-first` });
          if (record.value.startsWith('bad')) throw new TypeError(`cannot handle ${record.value}`);
          context.forward({ ...record, value: `${record.value}-second` });
        },
      };
    }),
    to('out', { keySerde: stringSerde, valueSerde: stringSerde }),
  );
  return builder.build();
}

test('processing.exception.handler=continue (default): the record goes to the dead-letter topic with the reason, is counted, and processing goes on', async () => {
  const driver = await TopologyTestDriver.create(topology(), { logger: silentLogger });
  assert.equal(driver.config.processingExceptionHandler, 'continue');
  const input = driver.createInputTopic('in', stringSerde, stringSerde);
  const output = driver.createOutputTopic('out', stringSerde, stringSerde);
  for (const value of ['a', 'bad-1', 'b']) input.pipeInput('k', value, 1_000);
  // What was forwarded before the exception stays, as with Kafka Streams' LogAndContinue.
  assert.deepEqual(output.readRecordsToList().map((r) => r.value), ['a-first', 'a-second', 'bad-1-first', 'b-first', 'b-second']);
  const dead = driver.deadLetters();
  assert.equal(dead.length, 1);
  assert.equal(dead[0].value!.toString(), 'bad-1');
  assert.equal(dead[0].headers[DLQ_HEADERS.error].toString(), 'cannot handle bad-1');
  assert.equal(dead[0].headers[DLQ_HEADERS.offset].toString(), '1');
  assert.equal(driver.metric('processing-errors'), 1);
  await driver.close();
});

test('processing.exception.handler=fail: the task stops with PROCESSING_FAILED naming the record', async () => {
  const driver = await TopologyTestDriver.create(topology(), { logger: silentLogger, processingExceptionHandler: 'fail' });
  const input = driver.createInputTopic('in', stringSerde, stringSerde);
  input.pipeInput('k', 'a', 1_000);
  assert.throws(() => input.pipeInput('k', 'bad-1', 1_000), (error: unknown) => {
    assert.ok(isWeirError(error, 'PROCESSING_FAILED') && failsTheTask(error));
    assert.deepEqual({ topic: error.context.topic, partition: error.context.partition, offset: error.context.offset }, { topic: 'in', partition: 0, offset: 1 });
    assert.ok(error.cause instanceof TypeError);
    return true;
  });
  assert.equal(driver.deadLetters().length, 0);
  await driver.close();
});

test('processing.exception.handler=fail on the embedded log: the application fails and nothing of the failing record, nor after it, is committed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-fail-'));
  const log = new EmbeddedLog();
  await log.admin().createTopics([{ name: 'in', partitions: 1 }, { name: 'out', partitions: 1 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'producer' });
  const values = ['a', 'b', 'c', 'bad-3', 'd', 'e'];
  await producer.send(values.map((v, i) => ({ topic: 'in', key: Buffer.from('k'), value: Buffer.from(v), timestamp: 1_000 + i, headers: {} })));
  for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
    const applicationId = `fail-app-${guarantee}`;
    const app = new StreamsApp(topology(), { applicationId, stateDir: dir, processingExceptionHandler: 'fail', processingGuarantee: guarantee, commitIntervalMs: 0 }, log.connect(), { logger: silentLogger });
    await app.start();
    await assert.rejects(app.waitUntilCaughtUp({ timeoutMs: 60_000 }), (error: unknown) => isWeirError(error, 'PROCESSING_FAILED') && error.context.offset === 3);
    assert.equal(app.state, 'failed');
    await app.close();
    const committed = (await log.admin().committedOffsets(applicationId, 'in'))[0]?.offset ?? 0;
    assert.ok(committed <= 3, `${guarantee}: committed ${committed}, past the failing record`);
  }
  // Whatever was committed, no output of the failing record (nor of later ones) became durable.
  const out = log.records('out').map((r) => r.value!.toString());
  assert.ok(!out.some((v) => v.startsWith('bad-3') || v.startsWith('d') || v.startsWith('e')), out.join(','));
  await rm(dir, { recursive: true, force: true });
});
