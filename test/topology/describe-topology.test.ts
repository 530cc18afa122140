import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../topology/streams-builder';
import { tumbling } from '../../topology/windows';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { filter } from '../../operators/filter';
import { groupBy } from '../../operators/group-by';
import { windowedRollup } from '../../observability/rollup/windowed-rollup';
import { toStream } from '../../operators/to-stream';
import { to } from '../../operators/to';

test('describe() lists sub-topologies split at the repartition topic, stores, changelogs and sinks', () => {
  const builder = new StreamsBuilder();
  builder.stream('events', { keySerde: stringSerde, valueSerde: jsonSerde<{ s: string; ms: number }>() }).pipe(
    filter((_k, e) => e.ms >= 0, { name: 'valid' }),
    groupBy((_k, e) => e.s, { keySerde: stringSerde, name: 'by-service' }),
    windowedRollup({ name: 'rollup-1m', windows: tumbling(60_000, { grace: 5_000 }), keySerde: stringSerde, value: (e) => e.ms, isError: () => false }),
    toStream(),
    to('rollups'),
  );
  assert.equal(
    builder.build().describe(),
    [
      'Topologies:',
      '   Sub-topology: 0',
      '    Source: source-events (topic: events, key: string, value: json)',
      '      --> valid',
      '    Processor: valid (filter; stores: [])',
      '      --> by-service',
      '    Processor: by-service (selectKey; stores: [])',
      '      --> rollup-1m-repartition-sink',
      '    Sink: rollup-1m-repartition-sink (topic: <application.id>-rollup-1m-repartition, key: string, value: json)',
      '   Sub-topology: 1',
      '    Source: rollup-1m-repartition-source (topic: <application.id>-rollup-1m-repartition, key: string, value: json)',
      '      --> rollup-1m',
      '    Processor: rollup-1m (aggregate: tumbling 60000ms grace 5000ms, emit on window close (suppressed); stores: [rollup-1m])',
      '      --> sink-rollups',
      '    Sink: sink-rollups (topic: rollups, key: json, value: json)',
      'Stores:',
      '   rollup-1m: window (rocksdb, cached, logged) retention 65000ms, changelog <application.id>-rollup-1m-changelog',
      'Internal topics:',
      '   <application.id>-rollup-1m-repartition (repartition)',
      '   <application.id>-rollup-1m-changelog (compacted changelog)',
    ].join('\n'),
  );
});
