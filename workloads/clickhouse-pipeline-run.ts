/**
 * Runs the ClickHouse topology on the embedded log: produces wide events, starts a StreamsApp,
 * and offers the steps the tests need (wait, end of input, close), collecting the app's log lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLog } from '../runtime/embedded';
import { StreamsApp } from '../runtime/streams-app';
import { createLogger } from '../runtime/logger';
import type { ProducedRecord } from '../runtime/log';
import type { ClickHouseConnection } from '../sinks/clickhouse/connection';
import type { BatchingSinkOptions } from '../sinks/clickhouse/batching-sink';
import type { WideEvent } from '../schemas/wide-event';
import { clickhouseTopology, eventKey, INPUT_TOPIC, type ClickHouseTopologyOptions } from './clickhouse-topology';

export async function createInput(log: EmbeddedLog, partitions: number): Promise<void> {
  await log.admin().createTopics([{ name: INPUT_TOPIC, partitions }]);
}

export async function produce(log: EmbeddedLog, events: Iterable<WideEvent>): Promise<number> {
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'it-producer' });
  let batch: ProducedRecord[] = [];
  let n = 0;
  for (const e of events) {
    batch.push({ topic: INPUT_TOPIC, key: Buffer.from(eventKey(e)), value: Buffer.from(JSON.stringify(e)), timestamp: e.timestamp, headers: {} });
    n++;
    if (batch.length === 5_000) {
      await producer.send(batch);
      batch = [];
    }
  }
  if (batch.length) await producer.send(batch);
  await producer.close();
  return n;
}

export class PipelineRun {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly app: StreamsApp;
  private readonly stateDir = mkdtempSync(join(tmpdir(), 'weir-ch-it-'));

  constructor(log: EmbeddedLog, connection: ClickHouseConnection, applicationId: string, sink: BatchingSinkOptions = {}, topology: ClickHouseTopologyOptions = {}) {
    const logger = createLogger({ level: 'info', write: (line) => this.lines.push(JSON.parse(line) as Record<string, unknown>) });
    this.app = new StreamsApp(clickhouseTopology(connection, sink, topology), { applicationId, stateDir: this.stateDir, commitIntervalMs: 500 }, log, { logger });
  }

  /** Starts, consumes everything produced so far, flushes open windows, commits and closes. */
  async runToEnd(): Promise<void> {
    await this.app.start();
    await this.finish();
  }

  async finish(): Promise<void> {
    try {
      await this.app.waitUntilCaughtUp({ timeoutMs: 900_000 });
      await this.app.endOfInput();
    } finally {
      await this.app.close();
      rmSync(this.stateDir, { recursive: true, force: true });
    }
  }
}
