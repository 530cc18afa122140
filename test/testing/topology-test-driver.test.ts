import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../topology/streams-builder';
import { tumbling } from '../../topology/windows';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { Stores } from '../../state/stores';
import { filter } from '../../operators/filter';
import { mapValues } from '../../operators/map-values';
import { merge } from '../../operators/merge';
import { peek } from '../../operators/peek';
import { process as processWith } from '../../operators/process';
import { groupBy } from '../../operators/group-by';
import { windowedBy } from '../../operators/windowed-by';
import { count } from '../../operators/count';
import { suppress, untilWindowCloses } from '../../operators/suppress';
import { toStream } from '../../operators/to-stream';
import { to } from '../../operators/to';
import { TopologyTestDriver } from '../../testing/topology-test-driver';
import type { Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import type { Windowed } from '../../state/window-store';

const serdes = { keySerde: stringSerde, valueSerde: jsonSerde<number>() };
type Seen = [string, number, number];

/** One task reading `a` and `b` (merged), recording the key, value and timestamp of each record it processes. */
function mergedTopology(seen: Seen[]) {
  const builder = new StreamsBuilder();
  builder
    .stream('a', serdes)
    .pipe(
      merge(builder.stream('b', serdes)),
      peek((key: string, value: number, timestamp) => seen.push([key, value, timestamp])),
    );
  return builder.build();
}

test('two input topics of one task piped together are processed in timestamp order across the topics, each topic in its own order', async () => {
  const seen: Seen[] = [];
  const topology = mergedTopology(seen);
  assert.equal(topology.subTopologies.length, 1);
  const driver = await TopologyTestDriver.create(topology);
  const a = driver.createInputTopic('a', stringSerde, jsonSerde<number>());
  const b = driver.createInputTopic('b', stringSerde, jsonSerde<number>());
  driver.pipeTogether(() => {
    a.pipeRecords([{ key: 'a', value: 1, timestamp: 10 }, { key: 'a', value: 2, timestamp: 40 }, { key: 'a', value: 3, timestamp: 50 }]);
    b.pipeInput('b', 1, 20);
    b.pipeInput('b', 2, 30);
    // Within a topic the order is the log's: an earlier timestamp behind a later one waits for it.
    b.pipeInput('b', 3, 5);
    assert.deepEqual(seen, [], 'nothing is processed inside pipeTogether');
  });
  assert.deepEqual(seen, [['a', 1, 10], ['b', 1, 20], ['b', 2, 30], ['b', 3, 5], ['a', 2, 40], ['a', 3, 50]]);
  assert.equal(driver.processedRecords(), 6);
  await driver.close();
});

test('records piped one call at a time are processed at once, in the order piped', async () => {
  const seen: Seen[] = [];
  const driver = await TopologyTestDriver.create(mergedTopology(seen));
  const a = driver.createInputTopic('a', stringSerde, jsonSerde<number>());
  const b = driver.createInputTopic('b', stringSerde, jsonSerde<number>());
  a.pipeInput('a', 1, 40);
  assert.deepEqual(seen, [['a', 1, 40]]);
  b.pipeInput('b', 1, 20);
  a.pipeInput('a', 2, 10);
  assert.deepEqual(seen, [['a', 1, 40], ['b', 1, 20], ['a', 2, 10]]);
  await driver.close();
});

test('records a topology writes to topics it reads are re-fed, merged by timestamp in the reading task, and stay in the output lists', async () => {
  const builder = new StreamsBuilder();
  const x = builder.stream('x', serdes);
  x.pipe(filter((key: string) => key === 'p'), mapValues((v: number) => v * 10), to('p', serdes));
  x.pipe(filter((key: string) => key === 'q'), mapValues((v: number) => v * 10), to('q', serdes));
  const seen: Seen[] = [];
  builder
    .stream('p', serdes)
    .pipe(
      merge(builder.stream('q', serdes)),
      peek((key: string, value: number, timestamp) => seen.push([key, value, timestamp])),
      mapValues((v: number) => v + 1),
      to('out', serdes),
    );
  const topology = builder.build();
  assert.equal(topology.subTopologies.length, 2);
  const driver = await TopologyTestDriver.create(topology);
  const input = driver.createInputTopic('x', stringSerde, jsonSerde<number>());
  const p = driver.createOutputTopic('p', stringSerde, jsonSerde<number>());
  const q = driver.createOutputTopic('q', stringSerde, jsonSerde<number>());
  const out = driver.createOutputTopic('out', stringSerde, jsonSerde<number>());
  // One batch: the first task writes p at 1 and 4 before q at 2 and 3; the reading task gets both at once.
  input.pipeRecords([{ key: 'p', value: 1, timestamp: 1 }, { key: 'p', value: 4, timestamp: 4 }, { key: 'q', value: 2, timestamp: 2 }, { key: 'q', value: 3, timestamp: 3 }]);
  assert.deepEqual(seen, [['p', 10, 1], ['q', 20, 2], ['q', 30, 3], ['p', 40, 4]]);
  const plain = (records: { key: string; value: number; timestamp: number }[]) => records.map((r) => [r.key, r.value, r.timestamp]);
  assert.deepEqual(plain(p.readRecordsToList()), [['p', 10, 1], ['p', 40, 4]]);
  assert.deepEqual(plain(q.readRecordsToList()), [['q', 20, 2], ['q', 30, 3]]);
  assert.deepEqual(plain(out.readRecordsToList()), [['p', 11, 1], ['q', 21, 2], ['q', 31, 3], ['p', 41, 4]]);
  // Piped by the test, a record of a re-fed topic is input, not output.
  driver.createInputTopic('p', stringSerde, jsonSerde<number>()).pipeInput('p', 7, 7);
  assert.deepEqual(p.readRecordsToList(), []);
  assert.deepEqual(plain(out.readRecordsToList()), [['p', 8, 7]]);
  assert.equal(driver.processedRecords(), 4 + 4 + 1);
  await driver.close();
});

/** Reads `loop` and writes value + 1 back to it until the value reaches 3 (a task reading its own output, as alerting's known events). */
class CountUp implements Processor<string, number> {
  private context!: ProcessorContext<string, number>;
  init(context: ProcessorContext<string, number>): void {
    this.context = context;
  }
  process(record: StreamRecord<string, number>): void {
    if (record.value < 3) this.context.forward({ ...record, value: record.value + 1, timestamp: record.timestamp + 1 });
  }
}

test('a task that writes the topic it reads gets its own records back until it stops writing', async () => {
  const builder = new StreamsBuilder();
  const seen: Seen[] = [];
  builder.stream('loop', serdes).pipe(
    peek((key: string, value: number, timestamp) => seen.push([key, value, timestamp])),
    processWith({ name: 'count-up' }, () => new CountUp()),
    to('loop', serdes),
  );
  const driver = await TopologyTestDriver.create(builder.build());
  const loop = driver.createOutputTopic('loop', stringSerde, jsonSerde<number>());
  driver.createInputTopic('loop', stringSerde, jsonSerde<number>()).pipeInput('k', 0, 100);
  assert.deepEqual(seen, [['k', 0, 100], ['k', 1, 101], ['k', 2, 102], ['k', 3, 103]]);
  assert.deepEqual(loop.readRecordsToList().map((r) => [r.value, r.timestamp]), [[1, 101], [2, 102], [3, 103]]);
  await driver.close();
});

const windowedSerde = jsonSerde<Windowed<string>>();

/** Counts events per service (the key changes: through a repartition topic) in 1-minute windows, emitted when they close. */
function serviceCounts() {
  const builder = new StreamsBuilder();
  builder.stream('events', { keySerde: stringSerde, valueSerde: stringSerde }).pipe(
    groupBy((_user: string, service: string) => service, { keySerde: stringSerde, valueSerde: stringSerde }),
    windowedBy(tumbling(60_000, { grace: 0 })),
    count({ store: Stores.window<string, number>('service-counts', { keySerde: stringSerde, valueSerde: jsonSerde<number>(), retentionMs: 600_000, persistent: false }) }),
    suppress(untilWindowCloses()),
    toStream(),
    to('counts', { keySerde: windowedSerde, valueSerde: jsonSerde<number>() }),
  );
  return builder.build();
}

test('repartition: records go through the internal topic to the downstream task, which is not an output; endOfInput emits the open windows', async () => {
  const topology = serviceCounts();
  assert.deepEqual(topology.internalTopics.filter((t) => t.kind === 'repartition').map((t) => t.name), ['service-counts-repartition']);
  const driver = await TopologyTestDriver.create(topology);
  const events = driver.createInputTopic('events', stringSerde, stringSerde);
  const counts = driver.createOutputTopic('counts', windowedSerde, jsonSerde<number>());
  const rows = () => counts.readRecordsToList().map((r) => [r.key.key, r.key.start, r.value, r.timestamp]);
  events.pipeRecords([
    { key: 'u1', value: 'api', timestamp: 1_000 },
    { key: 'u2', value: 'web', timestamp: 2_000 },
    { key: 'u3', value: 'api', timestamp: 59_999 },
  ]);
  events.pipeInput('u1', 'api', 60_000); // closes the first window
  assert.deepEqual(rows(), [['api', 0, 2, 59_999], ['web', 0, 1, 59_999]]);
  events.pipeInput('u2', 'web', 61_000);
  assert.deepEqual(rows(), []);
  driver.endOfInput();
  assert.deepEqual(rows(), [['api', 60_000, 1, 119_999], ['web', 60_000, 1, 119_999]]);
  assert.deepEqual(driver.createOutputTopic('test-driver-service-counts-repartition', stringSerde, stringSerde).readRecordsToList(), []);
  // 5 events read by each of the two tasks.
  assert.equal(driver.processedRecords(), 10);
  await driver.close();
});

test('commit returns the changelog records of the flush, once', async () => {
  const driver = await TopologyTestDriver.create(serviceCounts());
  const events = driver.createInputTopic('events', stringSerde, stringSerde);
  events.pipeInput('u1', 'api', 1_000);
  events.pipeInput('u2', 'api', 2_000);
  events.pipeInput('u3', 'web', 3_000);
  const changelog = await driver.commit();
  // A window changelog key is the key's bytes and the 8-byte big-endian window start.
  const decode = (key: Buffer) => [key.toString('utf8', 0, key.length - 8), Number(key.readBigInt64BE(key.length - 8))];
  assert.deepEqual(
    changelog.map((r) => [r.topic, ...decode(r.key!), r.value!.toString()]).sort(),
    [
      ['test-driver-service-counts-changelog', 'api', 0, '2'],
      ['test-driver-service-counts-changelog', 'web', 0, '1'],
    ],
  );
  assert.deepEqual(await driver.commit(), []);
  await driver.close();
});

/** Every 60 s of wall-clock time forwards a heartbeat with the number of records seen. */
class Heartbeat implements Processor<string, number> {
  private seen = 0;
  init(context: ProcessorContext<string, number>): void {
    context.schedule(60_000, 'wall-clock', (now) => context.forward({ key: 'beat', value: this.seen, timestamp: now, headers: {} }));
  }
  process(): void {
    this.seen++;
  }
}

test('wall-clock punctuators run only when the test advances wall-clock time, once per advance past their interval; their outputs are routed', async () => {
  const builder = new StreamsBuilder();
  builder.stream('in', serdes).pipe(processWith({ name: 'heartbeat' }, () => new Heartbeat()), to('beats', serdes));
  const relayed: Seen[] = [];
  builder.stream('beats', serdes).pipe(peek((key: string, value: number, timestamp) => relayed.push([key, value, timestamp])));
  const driver = await TopologyTestDriver.create(builder.build(), { wallClockStart: 1_000 });
  const input = driver.createInputTopic('in', stringSerde, jsonSerde<number>());
  const beats = driver.createOutputTopic('beats', stringSerde, jsonSerde<number>());
  input.pipeInput('k', 1, 500_000); // stream time does not move wall-clock time
  driver.advanceWallClockTime(59_999);
  assert.deepEqual(beats.readValuesToList(), []);
  driver.advanceWallClockTime(1);
  input.pipeInput('k', 2, 500_001);
  driver.advanceWallClockTime(150_000); // past two intervals: fires once
  assert.deepEqual(beats.readRecordsToList().map((r) => [r.value, r.timestamp]), [[1, 61_000], [2, 211_000]]);
  assert.deepEqual(relayed, [['beat', 1, 61_000], ['beat', 2, 211_000]]);
  await driver.close();
});
