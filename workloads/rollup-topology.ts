/**
 * The rollup topology the replica tests run with `weir run`: requests keyed by service|operation,
 * 1-minute rollups (count, errors, percentiles) in a RocksDB window store with a changelog,
 * emitted once per window when it closes. Topic names come from the environment so that each
 * test run has its own.
 */
import { StreamsBuilder } from '../topology/streams-builder';
import { tumbling } from '../topology/windows';
import type { Topology } from '../topology/topology';
import { stringSerde } from '../serdes/string-serde';
import { jsonSerde } from '../serdes/json-serde';
import { groupByKey } from '../operators/group-by-key';
import { windowedRollup } from '../observability/rollup/windowed-rollup';
import { toStream } from '../operators/to-stream';
import { to } from '../operators/to';
import type { RollupStats } from '../observability/rollup/rollup-aggregator';
import type { Windowed } from '../state/window-store';

export interface Request {
  readonly ms: number;
  readonly status: number;
  readonly ts: number;
}

export default function rollupTopology(): Topology {
  const input = process.env.WEIR_TEST_INPUT_TOPIC ?? 'requests';
  const output = process.env.WEIR_TEST_OUTPUT_TOPIC ?? 'rollups-1m';
  const builder = new StreamsBuilder();
  builder.stream(input, { keySerde: stringSerde, valueSerde: jsonSerde<Request>(), timestampExtractor: (_k, v) => v.ts }).pipe(
    groupByKey(),
    windowedRollup({ name: 'rollup-1m', windows: tumbling(60_000), keySerde: stringSerde, value: (r) => r.ms, isError: (r) => r.status >= 500 }),
    toStream(),
    to(output, { keySerde: jsonSerde<Windowed<string>>(), valueSerde: jsonSerde<RollupStats>() }),
  );
  return builder.build();
}
