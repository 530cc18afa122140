/**
 * `weir run`: runs a topology as one replica of its application. Several processes with the same
 * `--application-id` form a consumer group on Kafka and share the input partitions; when one
 * stops or dies, the others take over its tasks and restore their state from the changelogs.
 *
 *   weir run topology.ts --brokers 127.0.0.1:19092 --application-id rollups \
 *     [--state-dir .weir/state] [--guarantee at_least_once|exactly_once] [--commit-interval-ms N]
 *     [--metrics-port 9464 [--metrics-host 127.0.0.1]]
 *
 * The topology file default-exports a function returning a Topology (or a Promise of one).
 * Without `--brokers` (nor KAFKA_BROKERS) the topology runs on the embedded log, alone.
 * SIGTERM and SIGINT shut down gracefully: finish the batch, commit, leave the group.
 */
import { parseArgs } from 'node:util';
import { isWeirError } from '../errors/weir-error';
import type { LogClient, ProcessingGuarantee } from '../runtime/log';
import { createLogger, type LogLevel } from '../runtime/logger';
import { StreamsApp } from '../runtime/streams-app';
import type { Topology } from '../topology/topology';
import { loadTopology } from './load-topology';

export const summary = 'run a topology file as one replica of its application (--brokers, --application-id, --state-dir, --guarantee, --metrics-port)';

const USAGE = `usage: weir run <topology.ts> --application-id ID [--brokers HOST:PORT,...] [--state-dir DIR]
                [--guarantee at_least_once|exactly_once] [--commit-interval-ms N] [--log-level debug|info|warn|error]
                [--metrics-port N [--metrics-host HOST]]
  --metrics-port serves /metrics (Prometheus), /health and /ready on HOST (default 127.0.0.1)
  --brokers defaults to $KAFKA_BROKERS; without either, the embedded log runs in this process`;

interface RunOptions {
  topologyFile: string;
  applicationId: string;
  brokers?: string[];
  stateDir?: string;
  guarantee?: ProcessingGuarantee;
  commitIntervalMs?: number;
  logLevel?: LogLevel;
  metricsPort?: number;
  metricsHost?: string;
}

export async function run(argv: string[]): Promise<number> {
  let options: RunOptions;
  try {
    options = parse(argv);
  } catch (error) {
    console.error(`weir run: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const logger = createLogger({ level: options.logLevel, fields: { pid: process.pid } });
  let topology: Topology;
  try {
    topology = await loadTopology(options.topologyFile);
  } catch (error) {
    logger.log('error', 'could not load the topology file', { file: options.topologyFile, error });
    return 1;
  }
  const log = await openLog(options, logger);
  const app = new StreamsApp(
    topology,
    {
      applicationId: options.applicationId,
      stateDir: options.stateDir,
      processingGuarantee: options.guarantee,
      commitIntervalMs: options.commitIntervalMs,
      logLevel: options.logLevel,
      metricsPort: options.metricsPort,
      metricsHost: options.metricsHost,
    },
    log,
    { logger },
  );
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    logger.log('info', 'shutting down', { signal });
    stopping ??= app.close();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  try {
    await app.start();
    logger.log('info', 'replica running', { applicationId: options.applicationId, log: log.kind, guarantee: app.config.processingGuarantee });
    // The app runs until a signal closes it or its stream thread fails.
    while (!stopping && app.state === 'running') await new Promise((r) => setTimeout(r, 200));
    if (!stopping) {
      logger.log('error', 'the application failed; closing', { state: app.state });
      await app.close();
      return 1;
    }
    await stopping;
    return app.state === 'failed' ? 1 : 0;
  } catch (error) {
    logger.log('error', isWeirError(error) ? error.message : 'weir run failed', { error });
    await app.close().catch(() => {});
    return 1;
  } finally {
    // The app has committed and closed; a client that hangs while disconnecting, or a socket or
    // timer it leaves behind (kafkajs after a broker restart), must not keep the replica alive.
    setTimeout(() => {
      logger.log('warn', 'the log client did not let go within 30 s of shutdown; exiting');
      process.exit();
    }, 30_000).unref();
    await log.close().catch((error) => logger.log('warn', 'closing the log failed', { error }));
    setTimeout(() => process.exit(), 2_000).unref();
  }
}

function parse(argv: string[]): RunOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      'application-id': { type: 'string' },
      'state-dir': { type: 'string' },
      guarantee: { type: 'string' },
      'commit-interval-ms': { type: 'string' },
      'log-level': { type: 'string' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new Error('exactly one topology file is expected');
  const applicationId = values['application-id'];
  if (!applicationId) throw new Error('--application-id is required');
  const guarantee = values.guarantee;
  if (guarantee !== undefined && guarantee !== 'at_least_once' && guarantee !== 'exactly_once') {
    throw new Error(`--guarantee must be at_least_once or exactly_once, not ${guarantee}`);
  }
  const commitInterval = values['commit-interval-ms'];
  if (commitInterval !== undefined && !(Number(commitInterval) >= 0)) throw new Error('--commit-interval-ms must be a number >= 0');
  const logLevel = values['log-level'];
  if (logLevel !== undefined && !['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new Error('--log-level must be debug, info, warn or error');
  const metricsPort = values['metrics-port'];
  if (metricsPort !== undefined && !(/^\d+$/.test(metricsPort) && Number(metricsPort) <= 65535)) throw new Error(`--metrics-port must be a port number from 0 to 65535, not ${metricsPort}`);
  if (values['metrics-host'] !== undefined && metricsPort === undefined) throw new Error('--metrics-host needs --metrics-port');
  const brokers = values.brokers ?? process.env.KAFKA_BROKERS;
  return {
    topologyFile: positionals[0],
    applicationId,
    brokers: brokers ? brokers.split(',').map((b) => b.trim()).filter(Boolean) : undefined,
    stateDir: values['state-dir'],
    guarantee,
    commitIntervalMs: commitInterval === undefined ? undefined : Number(commitInterval),
    logLevel: logLevel as LogLevel | undefined,
    metricsPort: metricsPort === undefined ? undefined : Number(metricsPort),
    metricsHost: values['metrics-host'],
  };
}

async function openLog(options: RunOptions, logger: ReturnType<typeof createLogger>): Promise<LogClient> {
  if (!options.brokers) {
    logger.log('warn', 'no --brokers nor KAFKA_BROKERS: running on the embedded log, in this process only');
    // Required lazily (not import()): `weir` runs through tsx's CommonJS hook, which import() bypasses.
    const { EmbeddedLog } = require('../runtime/embedded') as typeof import('../runtime/embedded');
    return new EmbeddedLog();
  }
  const { KafkaLog } = require('../runtime/kafka/kafka-log') as typeof import('../runtime/kafka/kafka-log');
  return new KafkaLog({ brokers: options.brokers, clientId: `${options.applicationId}-${process.pid}`, logger });
}
