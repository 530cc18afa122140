/**
 * SIGTERM while a replica (`weir run`, a separate process) is stuck retrying: its output topic is
 * deleted under it, so every send or transaction fails and is retried. The replica must give the
 * commit up after its close timeout and exit, and a replica started later must finish the input
 * from the last commit with exact results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaLog } from '../../../runtime/kafka/kafka-log';
import { silentLogger } from '../../../runtime/logger';
import { committedInput, produce, readResults, startReplica, traffic, type FinalResult } from '../../../workloads/replicas';
import { eventually, kafkaBrokers, uniqueName } from './kafka-broker';

const PARTITIONS = 3;
const EVENTS = 60_000;

function logOf(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
  test(`${guarantee}: SIGTERM while every commit fails: the replica gives up after its close timeout and exits 0; a restart finishes with exact results`, async (t) => {
    const brokers = kafkaBrokers(t);
    if (!brokers) return;
    const log = new KafkaLog({ brokers, clientId: 'it-shutdown', logger: silentLogger });
    t.after(() => log.close());
    const applicationId = uniqueName(`it-shutdown-${guarantee === 'exactly_once' ? 'eos' : 'alos'}`);
    const input = `${applicationId}-requests`;
    const output = `${applicationId}-rollups`;
    // The traffic is dated 2023: without retention.ms=-1 the broker's retention check deletes the
    // input during the test, and the restarted replica (rightly) reports an offset reset.
    const keep = { 'retention.ms': '-1' };
    await log.admin().createTopics([{ name: input, partitions: PARTITIONS, config: keep }, { name: output, partitions: PARTITIONS, config: keep }]);
    const logDir = await mkdtemp(join(tmpdir(), `${applicationId}-logs-`));
    t.diagnostic(`replica logs in ${logDir}`);
    const readCommitted = guarantee === 'exactly_once';
    const { records, expected } = traffic(input, EVENTS, PARTITIONS);
    const half = EVENTS / 2;

    const first = await startReplica({ name: 'r1', applicationId, brokers, guarantee, input, output, logDir });
    t.after(() => { if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill('SIGKILL'); });
    await produce(log, records.slice(0, half));
    await eventually(async () => (await committedInput(log, applicationId, input)) >= half, 'the first half to be committed', 300_000);
    const before: FinalResult[] = await readResults(log, output, PARTITIONS, readCommitted);
    const committedBefore = await committedInput(log, applicationId, input);

    // From now on every output (and so every commit) of r1 fails and is retried.
    await log.admin().deleteTopics([output]);
    await eventually(async () => (await log.admin().partitionCount(output)) === undefined, 'the output topic to be deleted');
    await produce(log, records.slice(half));
    const retrying = /"message":"([^"]* failed; retrying|transaction failed, outcome unknown[^"]*)"/;
    await eventually(() => retrying.test(logOf(first.logFile)), 'r1 to retry a failing commit', 300_000);
    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    const code = await first.exited;
    const exitMs = Date.now() - signalledAt;
    t.diagnostic(`${guarantee}: r1 exited ${exitMs} ms after SIGTERM while retrying`);
    assert.equal(code, 0, `r1 exits cleanly (log: ${first.logFile})`);
    const lines = logOf(first.logFile).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { message: string; clean?: boolean });
    const signalled = lines.findIndex((l) => l.message === 'shutting down');
    const gaveUp = lines.findIndex((l) => l.message === 'close timed out: giving up commits that cannot complete');
    assert.ok(signalled >= 0 && gaveUp > signalled, 'the close timed out after the signal');
    assert.ok(lines.slice(gaveUp).some((l) => /could not complete; closing the task without committing/.test(l.message)));
    assert.deepEqual(lines.slice(gaveUp).filter((l) => retrying.test(`"message":"${l.message}"`)), [], 'no retry once given up');
    assert.ok(lines.filter((l) => l.message === 'task closed').some((l) => l.clean === false), 'a task given up closes without a checkpoint');
    assert.equal(await committedInput(log, applicationId, input), committedBefore, 'nothing committed once the outputs failed');

    // The output topic is back; a new replica reprocesses from the last commit.
    await log.admin().createTopics([{ name: output, partitions: PARTITIONS, config: keep }]);
    const second = await startReplica({ name: 'r2', applicationId, brokers, guarantee, input, output, logDir });
    t.after(() => { if (second.child.exitCode === null && second.child.signalCode === null) second.child.kill('SIGKILL'); });
    await eventually(async () => (await committedInput(log, applicationId, input)) >= records.length, 'the whole input to be committed', 300_000);
    const after = () => readResults(log, output, PARTITIONS, readCommitted);
    await eventually(async () => new Set([...before, ...(await after())].map((r) => r.id)).size >= expected.size, 'every window to be emitted', 120_000);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
    const results = [...before, ...(await after())];
    if (guarantee === 'exactly_once') {
      const ids = results.map((r) => r.id);
      assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'each (key, window) once');
      assert.deepEqual(new Map(results.map((r) => [r.id, r.count])), expected);
    } else {
      const best = new Map<string, number>();
      for (const r of results) best.set(r.id, Math.max(best.get(r.id) ?? 0, r.count));
      assert.deepEqual([...expected].filter(([id, count]) => (best.get(id) ?? 0) < count), [], 'no (key, window) lost events');
    }
  });
}
