/**
 * Issue 3's acceptance: the rollup topology run by replicas that are separate OS processes
 * (`weir run`) against the real broker, with exact final results.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaLog } from '../../../runtime/kafka/kafka-log';
import { silentLogger } from '../../../runtime/logger';
import type { ProcessingGuarantee } from '../../../runtime/log';
import { execFileSync } from 'node:child_process';
import { eventually, kafkaBrokers, uniqueName } from './kafka-broker';
import { committedInput, produce, readResults, startReplica, traffic, type FinalResult, type Replica, type Traffic } from '../../../workloads/replicas';

const PARTITIONS = 6;

interface Scenario {
  readonly log: KafkaLog;
  readonly brokers: string[];
  readonly applicationId: string;
  readonly input: string;
  readonly output: string;
  readonly guarantee: ProcessingGuarantee;
  readonly traffic: Traffic;
  readonly replicas: Replica[];
  start(name: string): Promise<Replica>;
}

async function scenario(t: TestContext, brokers: string[], guarantee: ProcessingGuarantee, events: number): Promise<Scenario> {
  const log = new KafkaLog({ brokers, clientId: 'it-replicas', logger: silentLogger });
  const applicationId = uniqueName(`it-rollups-${guarantee === 'exactly_once' ? 'eos' : 'alos'}`);
  const input = `${applicationId}-requests`;
  const output = `${applicationId}-rollups`;
  // The traffic is dated 2023 (workloads/replicas.ts T0): without retention.ms=-1 the broker's
  // retention check may delete the input mid-test, which the replicas rightly report as an offset reset.
  const keep = { 'retention.ms': '-1' };
  await log.admin().createTopics([{ name: input, partitions: PARTITIONS, config: keep }, { name: output, partitions: PARTITIONS, config: keep }]);
  const logDir = await mkdtemp(join(tmpdir(), `${applicationId}-logs-`));
  const replicas: Replica[] = [];
  const s: Scenario = {
    log, brokers, applicationId, input, output, guarantee, replicas,
    traffic: traffic(input, events, PARTITIONS),
    async start(name) {
      const replica = await startReplica({ name, applicationId, brokers, guarantee, input, output, logDir });
      replicas.push(replica);
      return replica;
    },
  };
  t.after(async () => {
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await log.close();
  });
  t.diagnostic(`replica logs in ${logDir}`);
  return s;
}

/** Waits until every input record is committed and every expected window is out, then stops the replicas gracefully. */
async function finish(s: Scenario): Promise<FinalResult[]> {
  const total = s.traffic.records.length;
  const readCommitted = s.guarantee === 'exactly_once';
  await eventually(async () => (await committedInput(s.log, s.applicationId, s.input)) >= total, 'the input to be processed and committed', 900_000);
  await eventually(async () => new Set((await readResults(s.log, s.output, PARTITIONS, readCommitted)).map((r) => r.id)).size >= s.traffic.expected.size, 'every window to be emitted', 120_000);
  const alive = s.replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
  for (const r of alive) r.child.kill('SIGTERM');
  // A replica that cannot finish its shutdown within two minutes is a failure, not a hang.
  const codes = await Promise.all(alive.map((r) => Promise.race([r.exited, new Promise<string>((done) => setTimeout(() => done('no exit within 120 s'), 120_000).unref())])));
  assert.deepEqual(codes, alive.map(() => 0), `replicas exit cleanly on SIGTERM (logs: ${alive.map((r) => r.logFile).join(', ')})`);
  return readResults(s.log, s.output, PARTITIONS, readCommitted);
}

function assertExactlyOnce(results: FinalResult[], expected: Map<string, number>, events: number): void {
  const ids = results.map((r) => r.id);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  assert.deepEqual(duplicates, [], 'each (key, window) appears exactly once');
  assert.equal(results.reduce((sum, r) => sum + r.count, 0), events, 'counts sum to the events produced');
  assert.deepEqual(new Map(results.map((r) => [r.id, r.count])), expected);
}

/** at_least_once may repeat a window after a failure, never miss an event: every window has a result with at least its count. */
function assertNoneMissing(results: FinalResult[], expected: Map<string, number>): void {
  const best = new Map<string, number>();
  for (const r of results) best.set(r.id, Math.max(best.get(r.id) ?? 0, r.count));
  const missing = [...expected].filter(([id, count]) => (best.get(id) ?? 0) < count);
  assert.deepEqual(missing, [], 'no (key, window) lost events');
}

function replicaLog(r: Replica): string {
  // The log file appears with the child's first line.
  return existsSync(r.logFile) ? readFileSync(r.logFile, 'utf8') : '';
}

test('three replicas, 300k events on 6 partitions, exactly_once: every (key, window) once, counts exact', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const s = await scenario(t, brokers, 'exactly_once', 300_000);
  await Promise.all(['r1', 'r2', 'r3'].map((n) => s.start(n)));
  await produce(s.log, s.traffic.records);
  const results = await finish(s);
  assertExactlyOnce(results, s.traffic.expected, s.traffic.events);
  // The three shared the work: each ran tasks.
  for (const r of s.replicas) assert.match(replicaLog(r), /task created/, `${r.name} ran no task`);
});

/** Produces the first half of the events, waits until a quarter of the input is committed, and runs `midStream`; then the rest. */
async function runWithMidStreamEvent(s: Scenario, midStream: () => Promise<void>): Promise<FinalResult[]> {
  const { records } = s.traffic;
  const half = Math.floor(s.traffic.events / 2);
  await produce(s.log, records.slice(0, half));
  await eventually(async () => (await committedInput(s.log, s.applicationId, s.input)) >= records.length / 4, 'a quarter of the input to be committed', 600_000);
  await midStream();
  await produce(s.log, records.slice(half));
  return finish(s);
}

for (const guarantee of ['exactly_once', 'at_least_once'] as const) {
  test(`failover under ${guarantee}: kill -9 one replica mid-stream; the others restore its state from the changelog and finish`, async (t) => {
    const brokers = kafkaBrokers(t);
    if (!brokers) return;
    const s = await scenario(t, brokers, guarantee, 300_000);
    const [, victim] = await Promise.all(['r1', 'r2', 'r3'].map((n) => s.start(n)));
    const results = await runWithMidStreamEvent(s, async () => {
      // Every partition has committed progress, so the victim's tasks have changelog records for a
      // survivor to restore (a quarter of the input can be committed by the other replicas alone).
      await eventually(async () => (await s.log.admin().committedOffsets(s.applicationId, s.input)).filter((o) => o.offset > 0).length === PARTITIONS,
        'every input partition to have a committed offset', 600_000);
      victim.child.kill('SIGKILL');
      assert.equal(await victim.exited, null, 'the victim died by the signal');
    });
    if (guarantee === 'exactly_once') assertExactlyOnce(results, s.traffic.expected, s.traffic.events);
    else assertNoneMissing(results, s.traffic.expected);
    const victimTasks = [...replicaLog(victim).matchAll(/"task created","pid":\d+,"app":"[^"]+","task":"(\d+_\d+)"/g)].map((m) => m[1]);
    assert.ok(victimTasks.length > 0, 'the victim had tasks before it died');
    // A survivor took over one of the victim's tasks and restored its store from the changelog.
    const restoredBySurvivors = s.replicas
      .filter((r) => r !== victim)
      .flatMap((r) => replicaLog(r).split('\n'))
      .filter((line) => line.includes('"message":"store restored"'))
      .map((line) => (JSON.parse(line) as { task: string }).task);
    assert.ok(victimTasks.some((task) => restoredBySurvivors.includes(task)), `a survivor restored one of ${victimTasks.join(', ')}`);
  });
}

test('scale-out under exactly_once: a replica added mid-stream takes partitions; no final result is lost or repeated', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const s = await scenario(t, brokers, 'exactly_once', 300_000);
  await Promise.all(['r1', 'r2'].map((n) => s.start(n)));
  let added: Replica | undefined;
  const results = await runWithMidStreamEvent(s, async () => {
    added = await s.start('r3');
    await eventually(() => /"message":"task created"/.test(replicaLog(added!)), 'the added replica to get tasks');
  });
  assertExactlyOnce(results, s.traffic.expected, s.traffic.events);
});

test('broker restart mid-stream under exactly_once: the replicas reconnect and finish with exact results', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const scriptBroker = `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`;
  if (brokers.join(',') !== scriptBroker) {
    if (process.env.CI === 'true') throw new Error(`CI=true but KAFKA_BROKERS (${brokers.join(',')}) is not the broker of scripts/kafka.sh (${scriptBroker}), which this test restarts`);
    t.skip(`restarts the broker of scripts/kafka.sh (${scriptBroker}); KAFKA_BROKERS points elsewhere`);
    return;
  }
  const s = await scenario(t, brokers, 'exactly_once', 300_000);
  await Promise.all(['r1', 'r2', 'r3'].map((n) => s.start(n)));
  const script = join(__dirname, '../../../scripts/kafka.sh');
  const results = await runWithMidStreamEvent(s, async () => {
    execFileSync('bash', [script, 'stop'], { stdio: 'inherit' });
    // Down long enough for fetches, heartbeats and commits to fail and be retried.
    await new Promise((r) => setTimeout(r, 5_000));
    execFileSync('bash', [script, 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  });
  assertExactlyOnce(results, s.traffic.expected, s.traffic.events);
  assert.match(s.replicas.map(replicaLog).join('\n'), /ECONNREFUSED/, 'the outage shows in the replica logs');
});
