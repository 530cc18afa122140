/**
 * ClickHouse sink throughput for raw wide events (needs CLICKHOUSE_URL, e.g. from
 * `eval "$(scripts/clickhouse.sh up)"`): the batching sink alone at two batch sizes, and the full
 * topology run (embedded log, JSON serde, 1-minute rollup, both sinks) over 200k events.
 * Event generation is outside the timed part; each case writes to its own throwaway database.
 */
import type { Benchmark, BenchResult } from './bench-result';
import { TrafficGenerator } from '../generator';
import { ClickHouseConnection } from '../sinks/clickhouse/connection';
import { ClickHouseBatchingSink } from '../sinks/clickhouse/batching-sink';
import { migrate } from '../sinks/clickhouse/migrate';
import { wideEvents } from '../sinks/clickhouse/schema';
import { EmbeddedLog } from '../runtime/embedded';
import { createInput, produce, PipelineRun } from '../workloads/clickhouse-pipeline-run';
import type { WideEvent } from '../schemas/wide-event';

const EVENTS = 200_000;

function events(): WideEvent[] {
  return [...new TrafficGenerator({ seed: 7, events: EVENTS, durationMs: 86_400_000, services: 20 }).events()];
}

async function withDatabase(name: string, body: (connection: ClickHouseConnection, version: string) => Promise<BenchResult>): Promise<BenchResult> {
  const url = process.env.CLICKHOUSE_URL;
  if (!url) throw new Error('CLICKHOUSE_URL is unset: run `eval "$(scripts/clickhouse.sh up)"` first');
  const connection = await ClickHouseConnection.open({ url, database: `weir_bench_${name}_${process.pid}`, requestTimeoutMs: 300_000 });
  try {
    await migrate(connection);
    return await body(connection, connection.capabilities.version);
  } finally {
    await connection.command(`DROP DATABASE IF EXISTS ${connection.database}`);
    await connection.close();
  }
}

function sinkOnly(batchRows: number): Benchmark {
  return {
    name: `clickhouse-sink-raw-batch-${batchRows / 1000}k`,
    run: () =>
      withDatabase(`sink${batchRows}`, async (connection, version) => {
        const data = events();
        const sink = new ClickHouseBatchingSink(connection, wideEvents, () => {}, { batchRows, maxBufferedRows: EVENTS + 1 });
        const started = performance.now();
        for (let i = 0; i < data.length; i++) sink.add(data[i]!, { topic: 'wide-events', partition: 0, offset: i });
        await sink.flush();
        const elapsedMs = performance.now() - started;
        if (sink.counters.rowsWritten !== EVENTS) throw new Error(`wrote ${sink.counters.rowsWritten} rows`);
        return { events: EVENTS, elapsedMs, notes: `ClickHouse ${version}, ${EVENTS} raw events, batches of ${batchRows} rows, encode + insert + ack` };
      }),
  };
}

export const benchmarks: Benchmark[] = [
  sinkOnly(10_000),
  sinkOnly(50_000),
  {
    name: 'clickhouse-topology-200k',
    run: () =>
      withDatabase('topology', async (connection, version) => {
        const log = new EmbeddedLog();
        await createInput(log, 4);
        await produce(log, events());
        const run = new PipelineRun(log, connection, 'ch-bench');
        const started = performance.now();
        await run.runToEnd();
        const elapsedMs = performance.now() - started;
        return { events: EVENTS, elapsedMs, notes: `ClickHouse ${version}, full run: 4 partitions, JSON in, raw events + 1-minute rollups out, until committed` };
      }),
  },
];
