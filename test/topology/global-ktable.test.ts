import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../topology/streams-builder';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { join, leftJoin } from '../../operators/join';
import { to } from '../../operators/to';
import { map } from '../../operators/map';
import { process as processWith } from '../../operators/process';
import { TopologyTestDriver } from '../../testing/topology-test-driver';
import type { Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import type { GlobalKeyValueStore } from '../../state/versioned-key-value-store';
import { DLQ_HEADERS } from '../../runtime/dead-letter';

interface Click { service: string; n: number }
interface Owner { team: string }
const clickSerde = jsonSerde<Click>();
const ownerSerde = jsonSerde<Owner>();
const outSerde = jsonSerde<string>();

/** Clicks keyed by user, joined with the owners table (keyed by service) through the key mapper. */
function joinTopology(left: boolean) {
  const builder = new StreamsBuilder();
  const owners = builder.globalTable<string, Owner>('owners', { keySerde: stringSerde, valueSerde: ownerSerde });
  const clicks = builder.stream<string, Click>('clicks', { keySerde: stringSerde, valueSerde: clickSerde });
  const joined = left
    ? clicks.pipe(leftJoin(owners, (_user: string, c: Click) => c.service, (c: Click, o: Owner | undefined, user: string) => `${user}:${c.n}:${o?.team ?? 'none'}`))
    : clicks.pipe(join(owners, (_user: string, c: Click) => c.service, (c: Click, o: Owner, user: string) => `${user}:${c.n}:${o.team}`));
  joined.pipe(to('out', { keySerde: stringSerde, valueSerde: outSerde }));
  return builder.build();
}

test('join with a GlobalKTable: the mapped key finds the table value; no match drops the record and counts it', async () => {
  const driver = await TopologyTestDriver.create(joinTopology(false));
  const owners = driver.createInputTopic('owners', stringSerde, ownerSerde);
  const clicks = driver.createInputTopic('clicks', stringSerde, clickSerde);
  const out = driver.createOutputTopic('out', stringSerde, outSerde);
  owners.pipeInput('checkout', { team: 'payments' }, 10);
  clicks.pipeInput('u1', { service: 'checkout', n: 1 }, 20);
  clicks.pipeInput('u2', { service: 'search', n: 2 }, 30);
  assert.deepEqual(out.readKeyValuesToList(), [{ key: 'u1', value: 'u1:1:payments' }], 'the result keeps the stream key');
  assert.equal(driver.metric('join-no-match-dropped'), 1);
  await driver.close();
});

test('leftJoin with a GlobalKTable: no match is joined with undefined', async () => {
  const driver = await TopologyTestDriver.create(joinTopology(true));
  const owners = driver.createInputTopic('owners', stringSerde, ownerSerde);
  const clicks = driver.createInputTopic('clicks', stringSerde, clickSerde);
  const out = driver.createOutputTopic('out', stringSerde, outSerde);
  owners.pipeInput('checkout', { team: 'payments' }, 10);
  clicks.pipeInput('u1', { service: 'checkout', n: 1 }, 20);
  clicks.pipeInput('u2', { service: 'search', n: 2 }, 30);
  assert.deepEqual(out.readValuesToList(), ['u1:1:payments', 'u2:2:none']);
  assert.equal(driver.metric('join-no-match-dropped'), 0);
  await driver.close();
});

test('updates are visible in event-time order: a record reads the version of its own time, whatever was piped since', async () => {
  const driver = await TopologyTestDriver.create(joinTopology(true));
  const owners = driver.createInputTopic('owners', stringSerde, ownerSerde);
  const clicks = driver.createInputTopic('clicks', stringSerde, clickSerde);
  const out = driver.createOutputTopic('out', stringSerde, outSerde);
  // The whole table history is there before any click, as after a restart that restored it.
  owners.pipeInput('checkout', { team: 'payments' }, 1_000);
  owners.pipeInput('checkout', { team: 'growth' }, 5_000);
  owners.pipeRecords([{ key: 'checkout', value: null as unknown as Owner, timestamp: 9_000 }]);
  clicks.pipeRecords([
    { key: 'a', value: { service: 'checkout', n: 1 }, timestamp: 500 },
    { key: 'b', value: { service: 'checkout', n: 2 }, timestamp: 1_000 },
    { key: 'c', value: { service: 'checkout', n: 3 }, timestamp: 4_999 },
    { key: 'd', value: { service: 'checkout', n: 4 }, timestamp: 5_000 },
    { key: 'e', value: { service: 'checkout', n: 5 }, timestamp: 9_000 },
    // Out of order: stream time is 9000, but this record reads as of its own time.
    { key: 'f', value: { service: 'checkout', n: 6 }, timestamp: 2_000 },
  ]);
  assert.deepEqual(out.readValuesToList(), ['a:1:none', 'b:2:payments', 'c:3:payments', 'd:4:growth', 'e:5:none', 'f:6:payments']);
  // An update piped now with an old timestamp is seen by later records of that time, not by those already joined.
  owners.pipeInput('checkout', { team: 'late' }, 3_000);
  clicks.pipeInput('g', { service: 'checkout', n: 7 }, 3_500);
  assert.deepEqual(out.readValuesToList(), ['g:7:late']);
  await driver.close();
});

/** Records for each click what `getStateStore` of the global table answers: the owner and the number of owners. */
class OwnerLookup implements Processor<string, Click, string, string> {
  private context!: ProcessorContext<string, string>;
  private owners!: GlobalKeyValueStore<string, Owner>;
  init(context: ProcessorContext<string, string>): void {
    this.context = context;
    this.owners = context.getStateStore<GlobalKeyValueStore<string, Owner>>('owners-global');
  }
  process(record: StreamRecord<string, Click>): void {
    const all = [...this.owners.all()].map(([k, o]) => `${k}=${o.team}`).join(',');
    this.context.forward({ key: record.key, value: `${this.owners.get(record.value.service)?.team ?? '-'}|${all}|${this.owners.readTime()}`, timestamp: record.timestamp, headers: record.headers });
  }
}

test('getStateStore of a global table reads as of the record being processed, from any sub-topology, and describe() shows it apart', async () => {
  const builder = new StreamsBuilder();
  builder.globalTable<string, Owner>('owners', { keySerde: stringSerde, valueSerde: ownerSerde });
  for (const topic of ['clicks', 'views']) {
    builder
      .stream<string, Click>(topic, { keySerde: stringSerde, valueSerde: clickSerde })
      .pipe(processWith<string, Click, string, string>({ name: `lookup-${topic}` }, () => new OwnerLookup()), to('out', { keySerde: stringSerde, valueSerde: outSerde }));
  }
  const topology = builder.build();
  assert.equal(topology.subTopologies.length, 2, 'reading one global store does not merge sub-topologies');
  assert.deepEqual(topology.subTopologies.map((s) => s.stores), [[], []]);
  assert.deepEqual(topology.internalTopics, [], 'a global store has no changelog');
  const description = topology.describe();
  assert.match(description, /Global stores \(every replica reads all partitions of the topic; no tasks\):\n {3}owners-global: topic owners, key: string, value: json, versioned in memory, history 86400000ms/);
  assert.doesNotMatch(description, /Sub-topology: 2/);

  const driver = await TopologyTestDriver.create(topology);
  const owners = driver.createInputTopic('owners', stringSerde, ownerSerde);
  const clicks = driver.createInputTopic('clicks', stringSerde, clickSerde);
  const views = driver.createInputTopic('views', stringSerde, clickSerde);
  const out = driver.createOutputTopic('out', stringSerde, outSerde);
  owners.pipeInput('checkout', { team: 'payments' }, 100);
  owners.pipeInput('search', { team: 'discovery' }, 300);
  clicks.pipeInput('u', { service: 'checkout', n: 1 }, 200);
  views.pipeInput('u', { service: 'search', n: 1 }, 200);
  views.pipeInput('u', { service: 'search', n: 2 }, 300);
  assert.deepEqual(out.readValuesToList(), ['payments|checkout=payments|200', '-|checkout=payments|200', 'discovery|checkout=payments,search=discovery|300']);
  assert.equal(driver.getGlobalStore<string, Owner>('owners-global').get('search')?.team, 'discovery');
  assert.equal(driver.getGlobalStore<string, Owner>('owners-global', 250).get('search'), undefined);
  await driver.close();
});

test('records the topology writes to a global table topic update the table for the records after them', async () => {
  const builder = new StreamsBuilder();
  const owners = builder.globalTable<string, Owner>('owners', { keySerde: stringSerde, valueSerde: ownerSerde });
  // Claims keyed by user name a team for a service: written to the owners topic.
  builder
    .stream<string, Click>('claims', { keySerde: stringSerde, valueSerde: clickSerde })
    .pipe(map((user: string, c: Click) => ({ key: c.service, value: { team: user } })), to('owners', { keySerde: stringSerde, valueSerde: ownerSerde }));
  builder
    .stream<string, Click>('clicks', { keySerde: stringSerde, valueSerde: clickSerde })
    .pipe(leftJoin(owners, (_u: string, c: Click) => c.service, (c: Click, o: Owner | undefined) => `${c.n}:${o?.team ?? 'none'}`), to('out', { keySerde: stringSerde, valueSerde: outSerde }));
  const driver = await TopologyTestDriver.create(builder.build());
  const claims = driver.createInputTopic('claims', stringSerde, clickSerde);
  const clicks = driver.createInputTopic('clicks', stringSerde, clickSerde);
  const out = driver.createOutputTopic('out', stringSerde, outSerde);
  const written = driver.createOutputTopic('owners', stringSerde, ownerSerde);
  clicks.pipeInput('u', { service: 'checkout', n: 1 }, 100);
  claims.pipeInput('ops', { service: 'checkout', n: 0 }, 150);
  clicks.pipeInput('u', { service: 'checkout', n: 2 }, 200);
  assert.deepEqual(out.readValuesToList(), ['1:none', '2:ops']);
  assert.deepEqual(written.readKeyValuesToList(), [{ key: 'checkout', value: { team: 'ops' } }], 'the written records stay in the output list');
  await driver.close();
});

test('an undecodable global table record goes to the dead-letter topic with its reason and the table keeps the rest', async () => {
  const driver = await TopologyTestDriver.create(joinTopology(true));
  driver.pipeRaw('owners', [
    { key: Buffer.from('checkout'), value: Buffer.from('{not json'), timestamp: 10 },
    { key: Buffer.from('search'), value: Buffer.from('{"team":"discovery"}'), timestamp: 10 },
  ]);
  const dead = driver.deadLetters();
  assert.equal(dead.length, 1);
  assert.equal(dead[0].value?.toString(), '{not json');
  assert.equal(dead[0].headers[DLQ_HEADERS.topic].toString(), 'owners');
  assert.equal(dead[0].headers[DLQ_HEADERS.offset].toString(), '0');
  assert.equal(dead[0].headers[DLQ_HEADERS.processor].toString(), 'global-store:owners-global');
  assert.equal(dead[0].headers[DLQ_HEADERS.code].toString(), 'DESERIALIZATION_FAILED');
  assert.deepEqual([...driver.getGlobalStore<string, Owner>('owners-global').all()], [['search', { team: 'discovery' }]]);
  await driver.close();
});
