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
 *
 *   weir run observability --config weir.yaml
 *
 * runs the built-in flagship pipeline as configured by the file (cli/flagship-config.ts); the
 * environment overrides the file and the command line overrides both.
 * SIGTERM and SIGINT shut down gracefully: finish the batch, commit, leave the group.
 */
import { parseArgs } from 'node:util';
import { isWeirError } from '../errors/weir-error';
import type { LogClient, ProcessingGuarantee } from '../runtime/log';
import { createLogger, type LogLevel } from '../runtime/logger';
import { StreamsApp } from '../runtime/streams-app';
import type { Topology } from '../topology/topology';
import { loadTopology } from './load-topology';
import { loadFlagshipConfig, type FlagshipConfig } from './flagship-config';
import { flagshipTopology } from './flagship-topology';

/** `weir run observability` names the built-in flagship pipeline rather than a file. */
const BUILT_IN = 'observability';

function loadConfig(file: string | undefined): FlagshipConfig {
  if (file === undefined) throw new Error(`weir run ${BUILT_IN} needs --config <weir.yaml> (see weir.yaml in the repository)`);
  return loadFlagshipConfig(file);
}

export const summary = 'run a topology file as one replica of its application (--brokers, --application-id, --state-dir, --guarantee, --metrics-port)';

const USAGE = `usage: weir run <topology.ts> --application-id ID [--brokers HOST:PORT,...] [--state-dir DIR]
                [--guarantee at_least_once|exactly_once] [--commit-interval-ms N] [--log-level debug|info|warn|error]
       weir run observability --config weir.yaml [same options, overriding the file]
                [--metrics-port N [--metrics-host HOST]]
  --metrics-port serves /metrics (Prometheus), /health and /ready on HOST (default 127.0.0.1)
  --brokers defaults to $KAFKA_BROKERS; without either, the embedded log runs in this process`;

interface RunOptions {
  /** A topology file, or the built-in flagship pipeline with its configuration. */
  topology: { file: string } | { flagship: FlagshipConfig };
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
    console.error(`weir run: ${(error as Error).message}${isWeirError(error, 'INVALID_CONFIG') ? '' : `\n${USAGE}`}`);
    return 2;
  }
  const logger = createLogger({ level: options.logLevel, fields: { pid: process.pid } });
  let topology: Topology;
  const source = options.topology;
  try {
    topology = 'file' in source ? await loadTopology(source.file) : await flagshipTopology(source.flagship);
  } catch (error) {
    logger.log('error', 'file' in source ? 'could not load the topology file' : 'could not build the observability topology', { file: 'file' in source ? source.file : undefined, error });
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
      config: { type: 'string' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new Error('exactly one topology file (or `observability`) is expected');
  const flagship = positionals[0] === BUILT_IN ? loadConfig(values.config) : undefined;
  if (!flagship && values.config !== undefined) throw new Error(`--config configures the built-in pipeline: weir run ${BUILT_IN} --config ${values.config}`);
  const applicationId = values['application-id'] ?? flagship?.application_id;
  if (!applicationId) throw new Error('--application-id is required');
  const guarantee = values.guarantee ?? flagship?.processing_guarantee;
  if (guarantee !== undefined && guarantee !== 'at_least_once' && guarantee !== 'exactly_once') {
    throw new Error(`--guarantee must be at_least_once or exactly_once, not ${guarantee}`);
  }
  const commitInterval = values['commit-interval-ms'];
  if (commitInterval !== undefined && !(Number(commitInterval) >= 0)) throw new Error('--commit-interval-ms must be a number >= 0');
  const logLevel = values['log-level'] ?? flagship?.log_level;
  if (logLevel !== undefined && !['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new Error('--log-level must be debug, info, warn or error');
  const metricsPort = values['metrics-port'];
  if (metricsPort !== undefined && !(/^\d+$/.test(metricsPort) && Number(metricsPort) <= 65535)) throw new Error(`--metrics-port must be a port number from 0 to 65535, not ${metricsPort}`);
  if (values['metrics-host'] !== undefined && metricsPort === undefined) throw new Error('--metrics-host needs --metrics-port');
  const brokers = values.brokers ?? process.env.KAFKA_BROKERS;
  return {
    topology: flagship ? { flagship } : { file: positionals[0] },
    applicationId,
    brokers: brokers ? brokers.split(',').map((b) => b.trim()).filter(Boolean) : flagship?.kafka?.brokers,
    stateDir: values['state-dir'] ?? flagship?.state_dir,
    guarantee,
    commitIntervalMs: commitInterval === undefined ? flagship?.commit_interval_ms : Number(commitInterval),
    logLevel: logLevel as LogLevel | undefined,
    metricsPort: metricsPort === undefined ? flagship?.metrics?.port : Number(metricsPort),
    metricsHost: values['metrics-host'] ?? flagship?.metrics?.host,
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
