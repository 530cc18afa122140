import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../topology/streams-builder';
import { tumbling } from '../../topology/windows';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { Stores } from '../../state/stores';
import { groupByKey } from '../../operators/group-by-key';
import { windowedBy } from '../../operators/windowed-by';
import { count } from '../../operators/count';
import { process } from '../../operators/process';
import { suppress, untilWindowCloses } from '../../operators/suppress';
import { toStream } from '../../operators/to-stream';
import { to } from '../../operators/to';
import { TopologyTestDriver, type TestDriverOptions } from '../../testing/topology-test-driver';
import { silentLogger } from '../../runtime/logger';
import { DLQ_HEADERS } from '../../runtime/dead-letter';
import type { ProcessorContext } from '../../topology/processor';
import type { Windowed } from '../../state/window-store';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** 2023-11-14T22:14:00Z, a minute boundary. */
const T0 = 1_700_000_040_000;
const YEAR_9999 = Date.UTC(9999, 0, 1);

interface Event { ts: number | string }

/** Per-key minute counts, final results only; `seen` records the stream time each accepted record leaves behind. */
async function countsDriver(options: TestDriverOptions = {}) {
  const seen: number[] = [];
  const builder = new StreamsBuilder();
  builder
    .stream('in', { keySerde: stringSerde, valueSerde: jsonSerde<Event>(), timestampExtractor: (_k, e) => Number(e.ts) })
    .pipe(
      process<string, Event, string, Event>({ name: 'stream-time-probe' }, () => {
        let context: ProcessorContext<string, Event>;
        return {
          init: (c) => { context = c; },
          process: (record) => { seen.push(context.streamTime()); context.forward(record); },
        };
      }),
      groupByKey(),
      windowedBy(tumbling(MINUTE)),
      count({ store: Stores.window('counts', { keySerde: stringSerde, valueSerde: jsonSerde<number>(), retentionMs: 2 * MINUTE, persistent: false }) }),
      suppress(untilWindowCloses()),
      toStream(),
      to('out', { keySerde: jsonSerde<Windowed<string>>(), valueSerde: jsonSerde<number>() }),
    );
  const driver = await TopologyTestDriver.create(builder.build(), { logger: silentLogger, ...options });
  const input = driver.createInputTopic('in', stringSerde, jsonSerde<Event>());
  const output = driver.createOutputTopic('out', jsonSerde<Windowed<string>>(), jsonSerde<number>());
  const results = () => output.readRecordsToList().map((r) => `${r.key.key}@${(r.key.start - T0) / MINUTE}=${r.value}`);
  return { driver, input, results, seen };
}

test('far-future, negative and NaN timestamps go to the dead-letter topic with their reason; stream time stays; every later window is emitted exactly', async () => {
  const { driver, input, results, seen } = await countsDriver();
  const hostile: [string, Event][] = [['a', { ts: YEAR_9999 }], ['a', { ts: -5 }], ['a', { ts: 'NaN' }], ['b', { ts: T0 + 2 * DAY }]];
  const expected: string[] = [];
  // Ten minutes, 3 events per minute for 'a' and 2 for 'b'; the hostile records arrive in minute 4.
  for (let minute = 0; minute < 10; minute++) {
    for (let i = 0; i < 3; i++) input.pipeInput('a', { ts: T0 + minute * MINUTE + i * 1_000 }, 0);
    if (minute === 4) for (const [key, value] of hostile) input.pipeInput(key, value, 0);
    for (let i = 0; i < 2; i++) input.pipeInput('b', { ts: T0 + minute * MINUTE + 30_000 + i }, 0);
    if (minute < 9) expected.push(`a@${minute}=3`, `b@${minute}=2`);
  }
  input.pipeInput('a', { ts: T0 + 10 * MINUTE }, 0); // closes minute 9
  expected.push('a@9=3', 'b@9=2');
  assert.deepEqual(results(), expected);
  assert.equal(driver.metric('late-records-dropped'), 0);
  // Stream time only ever took valid records' timestamps.
  assert.ok(seen.every((t) => t >= T0 && t <= T0 + 10 * MINUTE), `stream time stayed within the valid data: max ${Math.max(...seen)}`);
  assert.equal(seen.length, 10 * 5 + 1);

  const dead = driver.deadLetters();
  assert.equal(dead.length, 4);
  const reasons = dead.map((d) => d.headers[DLQ_HEADERS.error].toString());
  assert.match(reasons[0], new RegExp(`event timestamp ${YEAR_9999} is \\d+ ms ahead of stream time ${T0 + 4 * MINUTE + 2_000}; max.timestamp.ahead.of.stream.time.ms=86400000`));
  assert.match(reasons[1], /invalid event timestamp -5/);
  assert.match(reasons[2], /invalid event timestamp NaN/);
  assert.match(reasons[3], /ms ahead of stream time .*max.timestamp.ahead.of.stream.time.ms=86400000/);
  assert.deepEqual(dead.map((d) => d.headers[DLQ_HEADERS.code].toString()), Array(4).fill('DESERIALIZATION_FAILED'));
  // The originals are kept byte for byte, with where they came from.
  assert.deepEqual(JSON.parse(dead[0].value!.toString()), { ts: YEAR_9999 });
  assert.deepEqual(dead.map((d) => Number(d.headers[DLQ_HEADERS.offset].toString())), [23, 24, 25, 26]);
  await driver.close();
});

test('a partition quiet for longer than the bound is not refused when its traffic comes back: the allowance grows with wall-clock time', async () => {
  const { driver, input, results } = await countsDriver({ wallClockStart: T0 });
  input.pipeInput('a', { ts: T0 }, 0);
  driver.advanceWallClockTime(3 * DAY);
  input.pipeInput('a', { ts: T0 + 3 * DAY }, 0);
  // Without wall-clock time passing, the same jump is refused.
  input.pipeInput('a', { ts: T0 + 6 * DAY + MINUTE }, 0);
  assert.deepEqual(results(), ['a@0=1']);
  assert.equal(driver.deadLetters().length, 1);
  await driver.close();
});

test('max.timestamp.ahead.of.wall.clock.ms refuses a first record from the future, which no stream time can judge', async () => {
  const { driver, input, results } = await countsDriver({ wallClockStart: T0 + 10 * MINUTE, maxTimestampAheadOfWallClockMs: MINUTE });
  input.pipeInput('a', { ts: YEAR_9999 }, 0);
  input.pipeInput('a', { ts: T0 }, 0);
  input.pipeInput('a', { ts: T0 + 11 * MINUTE - 1 }, 0);
  input.pipeInput('a', { ts: T0 + 11 * MINUTE + 1 }, 0);
  assert.deepEqual(results(), ['a@0=1']);
  const reasons = driver.deadLetters().map((d) => d.headers[DLQ_HEADERS.error].toString());
  assert.equal(reasons.length, 2);
  assert.match(reasons[0], /ahead of the wall clock; max.timestamp.ahead.of.wall.clock.ms=60000/);
  assert.match(reasons[1], /is 60001 ms ahead of the wall clock/);
  await driver.close();
});
