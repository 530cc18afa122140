/**
 * Runs NAB series through weir's stream engine: every point becomes a record (key = series name,
 * value = {timestamp, value}, record timestamp = the point's) on the `nab-points` topic of an
 * embedded log; a StreamsApp runs `detectNabAnomalies` over it and writes one score per point to
 * `nab-scores`; the scores are read back per series, in order. Per-key order holds because a
 * series' records all land on one partition, produced in file order.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WeirError } from '../../../errors/weir-error';
import { StreamsBuilder } from '../../../topology/streams-builder';
import type { Topology } from '../../../topology/topology';
import { to } from '../../../operators/to';
import { jsonSerde } from '../../../serdes/json-serde';
import { stringSerde } from '../../../serdes/string-serde';
import { StreamsApp } from '../../../runtime/streams-app';
import { EmbeddedLog } from '../../../runtime/embedded';
import { createLogger, type Logger } from '../../../runtime/logger';
import type { StreamsConfigInput } from '../../../runtime/streams-config';
import { detectNabAnomalies, type NabDetectionOptions, type NabPoint, type NabScore } from '../../../observability/anomaly/detect-nab-anomalies';

export const NAB_POINTS_TOPIC = 'nab-points';
export const NAB_SCORES_TOPIC = 'nab-scores';

/** What the engine needs of a series: its name and points in order. */
export interface NabSeriesPoints {
  readonly name: string;
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

const pointSerde = jsonSerde<NabPoint>();
const scoreSerde = jsonSerde<NabScore>();

/** nab-points -> detectNabAnomalies -> nab-scores. */
export function nabTopology(options: NabDetectionOptions = {}): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(NAB_POINTS_TOPIC, { keySerde: stringSerde, valueSerde: pointSerde, timestampExtractor: (_key, point) => point.timestamp })
    .pipe(detectNabAnomalies(options), to(NAB_SCORES_TOPIC, { keySerde: stringSerde, valueSerde: scoreSerde }));
  return builder.build();
}

/** Creates `nab-points` and appends every series to it, one send per series. */
export async function produceNabSeries(log: EmbeddedLog, series: readonly NabSeriesPoints[], partitions = 4): Promise<void> {
  await log.admin().createTopics([{ name: NAB_POINTS_TOPIC, partitions }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'nab-producer' });
  try {
    for (const s of series) {
      const key = Buffer.from(s.name);
      await producer.send(
        s.values.map((value, i) => ({
          topic: NAB_POINTS_TOPIC,
          key,
          value: pointSerde.serialize(NAB_POINTS_TOPIC, { timestamp: s.timestamps[i]!, value }),
          timestamp: s.timestamps[i]!,
          headers: {},
        })),
      );
    }
  } finally {
    await producer.close();
  }
}

/**
 * The scores of each series, in the order of its points. Exactly one score per point, with the
 * point's timestamp, or it throws: a lost or duplicated record would silently shift every score
 * after it against its row.
 */
export function readNabScores(log: EmbeddedLog, series: readonly NabSeriesPoints[]): Map<string, number[]> {
  const byKey = new Map<string, NabScore[]>();
  for (const r of log.records(NAB_SCORES_TOPIC)) {
    const key = stringSerde.deserialize(NAB_SCORES_TOPIC, r.key);
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(scoreSerde.deserialize(NAB_SCORES_TOPIC, r.value));
  }
  const scores = new Map<string, number[]>();
  for (const s of series) {
    const out = byKey.get(s.name) ?? [];
    if (out.length !== s.values.length || out.some((o, i) => o.timestamp !== s.timestamps[i])) {
      throw new WeirError('PROCESSING_FAILED', 'the engine did not return exactly one score per point, in order', { series: s.name, points: s.values.length, scores: out.length });
    }
    scores.set(s.name, out.map((o) => o.anomaly_score));
  }
  return scores;
}

export interface StreamNabOptions {
  readonly detection?: NabDetectionOptions;
  /** Partitions of `nab-points` (default 4: four tasks, each with its share of the series). */
  readonly partitions?: number;
  /** Streams config beyond the application id and state dir (guarantee, commit interval...). */
  readonly config?: Partial<StreamsConfigInput>;
  readonly logger?: Logger;
}

export interface NabStreamRun {
  /** Per series, one anomaly score per point, in order. */
  readonly scores: Map<string, number[]>;
  readonly partitions: number;
  /** Records the app's tasks processed, and the commits they made (each flushes the detector states). */
  readonly processed: number;
  readonly commits: number;
}

/** Scores every series through a StreamsApp on a fresh embedded log, in a temporary state directory. */
export async function streamNabSeries(series: readonly NabSeriesPoints[], options: StreamNabOptions = {}): Promise<NabStreamRun> {
  const partitions = options.partitions ?? 4;
  const stateDir = await mkdtemp(join(tmpdir(), 'weir-nab-state-'));
  const log = new EmbeddedLog();
  try {
    await produceNabSeries(log, series, partitions);
    const app = new StreamsApp(nabTopology(options.detection), { ...options.config, applicationId: 'weir-nab', stateDir }, log, {
      logger: options.logger ?? createLogger({ level: 'warn' }),
    });
    await app.start();
    let metrics: { processed: number; commits: number };
    try {
      await app.waitUntilCaughtUp();
      await app.endOfInput();
      metrics = app.metrics();
    } finally {
      await app.close();
    }
    return { scores: readNabScores(log, series), partitions, processed: metrics.processed, commits: metrics.commits };
  } finally {
    await log.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}
