import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamsBuilder } from '../../topology/streams-builder';
import { tumbling } from '../../topology/windows';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { Stores } from '../../state/stores';
import { groupBy } from '../../operators/group-by';
import { windowedBy } from '../../operators/windowed-by';
import { count } from '../../operators/count';
import { suppress, untilWindowCloses } from '../../operators/suppress';
import { toStream } from '../../operators/to-stream';
import { to } from '../../operators/to';
import { StreamsApp } from '../../runtime/streams-app';
import { EmbeddedLog } from '../../runtime/embedded';
import { silentLogger, createLogger } from '../../runtime/logger';
const debugLogger = process.env.WEIR_TEST_LOG ? createLogger({ level: 'info' }) : silentLogger;
import type { Windowed } from '../../state/window-store';
import { crashingAtCommit } from '../../testing/crashing-commit-log';
import { refusingCommit } from '../../testing/refusing-commit-log';
import { interceptCommits } from '../../testing/intercepted-commit-log';
import { isWeirError, WeirError } from '../../errors/weir-error';

interface Event { user: string; ts: number }
const windowedSerde = jsonSerde<Windowed<string>>();

/** Counts events per user and minute; the grouping changes the key, so it repartitions. */
function topology() {
  const builder = new StreamsBuilder();
  builder
    .stream('events', { keySerde: stringSerde, valueSerde: jsonSerde<Event>(), timestampExtractor: (_k, v) => v.ts })
    .pipe(
      groupBy((_k, e) => e.user, { keySerde: stringSerde }),
      // Grace covers the whole input: upstream tasks run at different event times, and the repartition
      // topic interleaves them; with less grace some records would rightly be late.
      windowedBy(tumbling(60_000, { grace: 1_000_000 })),
      count({ store: Stores.window('per-user-minute', { keySerde: stringSerde, valueSerde: jsonSerde<number>(), retentionMs: 1_060_000 }) }),
      suppress(untilWindowCloses()),
      toStream(),
      to('counts', { keySerde: windowedSerde, valueSerde: jsonSerde<number>() }),
    );
  return builder.build();
}

function events(n: number): { key: Buffer; value: Buffer; timestamp: number; headers: {} }[] {
  const out = [];
  for (let i = 0; i < n; i++) {
    const e = { user: `u${(i * 7919) % 13}`, ts: i * 50 };
    out.push({ key: Buffer.from(`req-${i}`), value: Buffer.from(JSON.stringify(e)), timestamp: e.ts, headers: {} });
  }
  return out;
}

/** Exact expected counts per (user, window start). */
function expected(n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const k = `u${(i * 7919) % 13}@${Math.floor((i * 50) / 60_000) * 60_000}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

async function seed(log: EmbeddedLog, n: number) {
  await log.admin().createTopics([{ name: 'events', partitions: 4 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'producer' });
  await producer.send(events(n).map((r) => ({ ...r, topic: 'events' })));
}

function results(log: EmbeddedLog): { counts: Map<string, number>; emitted: number } {
  const counts = new Map<string, number>();
  let emitted = 0;
  for (const r of log.records('counts')) {
    const w = windowedSerde.deserialize('counts', r.key);
    counts.set(`${w.key}@${w.start}`, jsonSerde<number>().deserialize('counts', r.value));
    emitted++;
  }
  return { counts, emitted };
}

test('on the embedded log with 4 partitions and a repartition, final counts equal the exact counts, once per window', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-app-'));
  const log = new EmbeddedLog();
  await seed(log, 20_000);
  const app = new StreamsApp(topology(), { applicationId: 'counts-app', stateDir: dir }, log, { logger: debugLogger });
  await app.start();
  await app.waitUntilCaughtUp();
  await app.endOfInput();
  await app.close();
  const { counts, emitted } = results(log);
  assert.deepEqual(counts, expected(20_000));
  assert.equal(emitted, counts.size);
  await rm(dir, { recursive: true, force: true });
});


for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
  test(`${guarantee}: a crash between store flush and offset commit, then a restart, gives the crash-free results`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-crash-'));
    const log = new EmbeddedLog();
    await seed(log, 20_000);
    const config = { applicationId: 'crash-app', stateDir: dir, processingGuarantee: guarantee, commitIntervalMs: 0 };
    const doomed = log.connect();
    const first = new StreamsApp(topology(), config, crashingAtCommit(doomed, 6), { logger: debugLogger });
    await first.start();
    while (!doomed.isCrashed) await new Promise((r) => setTimeout(r, 5));
    // The crashed process cannot release its RocksDB locks in-process, so the survivor runs in its
    // own state directory, as another machine would, and must restore from the changelog.
    const restarted = new StreamsApp(topology(), { ...config, stateDir: join(dir, 'survivor') }, log.connect(), { logger: debugLogger });
    await restarted.start();
    await restarted.waitUntilCaughtUp();
    await restarted.endOfInput();
    await restarted.close();
    const { counts, emitted } = results(log);
    assert.deepEqual(counts, expected(20_000));
    if (guarantee === 'exactly_once') assert.equal(emitted, counts.size);
    await rm(dir, { recursive: true, force: true });
  });
}

for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
  test(`${guarantee}: a commit refused for good fails the app at once and closes its task dirty; a restart on the same state dir gives the exact results`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-refused-'));
    const log = new EmbeddedLog();
    await seed(log, 20_000);
    const config = { applicationId: 'refused-app', stateDir: dir, processingGuarantee: guarantee, commitIntervalMs: 0 };
    const doomed = refusingCommit(log.connect(), 6);
    const first = new StreamsApp(topology(), config, doomed, { logger: debugLogger });
    await first.start();
    const deadline = Date.now() + 60_000;
    while (first.state !== 'failed') {
      assert.ok(Date.now() < deadline, 'the app did not fail on the refused commit (retrying it instead?)');
      await new Promise((r) => setTimeout(r, 5));
    }
    await assert.rejects(first.waitUntilCaughtUp(), (e) => isWeirError(e, 'RECORD_TOO_LARGE'));
    await first.close();
    assert.equal(first.state, 'failed');
    // The same state dir: the dirty task's stores (which hold the refused commit's updates) must be wiped and restored, not reused.
    const restarted = new StreamsApp(topology(), config, log.connect(), { logger: debugLogger });
    await restarted.start();
    await restarted.waitUntilCaughtUp();
    await restarted.endOfInput();
    await restarted.close();
    const { counts, emitted } = results(log);
    assert.deepEqual(counts, expected(20_000));
    if (guarantee === 'exactly_once') assert.equal(emitted, counts.size);
    await rm(dir, { recursive: true, force: true });
  });
}

/** A connection whose commits and sends fail (as with an unreachable broker) once `failing.on` is set. */
function failingWhen(log: EmbeddedLog, failing: { on: boolean; attempts: number }) {
  const refuse = () => {
    if (!failing.on) return;
    failing.attempts++;
    throw new WeirError('BROKER_UNAVAILABLE', 'simulated: the broker is unreachable');
  };
  return interceptCommits(log, { beforeSend: refuse, beforeCommit: refuse });
}

for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
  test(`${guarantee}: close() while every commit fails gives them up after its timeout, commits nothing more, and a restart gives the exact results`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-close-'));
    const log = new EmbeddedLog();
    await seed(log, 20_000);
    const config = { applicationId: 'close-app', stateDir: dir, processingGuarantee: guarantee, commitIntervalMs: 0 };
    const failing = { on: false, attempts: 0 };
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (line) => lines.push(line) });
    const first = new StreamsApp(topology(), config, failingWhen(log.connect(), failing), { logger });
    await first.start();
    while (first.metrics().commits < 3) await new Promise((r) => setTimeout(r, 5));
    failing.on = true;
    while (failing.attempts < 2) await new Promise((r) => setTimeout(r, 5));
    const committed = await log.admin().committedOffsets('close-app', 'events');
    await first.close({ timeoutMs: 200 });
    assert.equal(first.state, 'closed');
    const messages = lines.map((l) => JSON.parse(l) as { message: string; clean?: boolean });
    assert.ok(messages.some((m) => m.message === 'close timed out: giving up commits that cannot complete'));
    assert.ok(messages.some((m) => /could not complete; closing the task without committing/.test(m.message)));
    assert.ok(messages.filter((m) => m.message === 'task closed').some((m) => m.clean === false), 'a task given up closes unclean (no checkpoint)');
    assert.deepEqual(await log.admin().committedOffsets('close-app', 'events'), committed, 'nothing committed once commits fail');

    // Same state directory: the tasks closed without a checkpoint, so their stores are wiped and restored.
    const restarted = new StreamsApp(topology(), config, log.connect(), { logger: debugLogger });
    await restarted.start();
    await restarted.waitUntilCaughtUp();
    await restarted.endOfInput();
    await restarted.close();
    const { counts, emitted } = results(log);
    assert.deepEqual(counts, expected(20_000));
    if (guarantee === 'exactly_once') assert.equal(emitted, counts.size);
    await rm(dir, { recursive: true, force: true });
  });
}
