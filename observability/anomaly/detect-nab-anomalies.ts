/**
 * The NAB detector as a weir processor: records keyed by series name, valued {timestamp, value},
 * in; one {timestamp, value, anomaly_score} per record out, same key. Each series' detector state
 * lives in a key-value store keyed by series name, so it is flushed at every commit, logged to the
 * changelog and restored after a restart: a restarted task scores the rest of a series as if it had
 * never stopped (under exactly_once; under at_least_once a crash between the store flush and the
 * offset commit replays points that the restored detector has already learned, as in Kafka Streams).
 * The processor sees timestamps and values only, never labels.
 *
 * ```ts
 * builder.stream('nab-points', { keySerde: stringSerde, valueSerde: jsonSerde<NabPoint>() })
 *   .pipe(detectNabAnomalies({ name: 'nab-detector' }), to('nab-scores'))
 * ```
 */
import { WeirError } from '../../errors/weir-error';
import type { KStream } from '../../topology/kstream';
import type { Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import type { Serde } from '../../serdes/serde';
import type { KeyValueStore } from '../../state/key-value-store';
import type { StoreSupplier } from '../../state/state-store';
import { Stores } from '../../state/stores';
import { process } from '../../operators/process';
import { jsonSerde } from '../../serdes/json-serde';
import { stringSerde } from '../../serdes/string-serde';
import { NabDetector, type NabDetectorData, type NabDetectorOptions } from './nab-detector';

/** One point of a NAB series; `timestamp` in epoch ms. */
export interface NabPoint {
  readonly timestamp: number;
  readonly value: number;
}

/** The detector's verdict on one point, in [0, 1]. */
export interface NabScore {
  readonly timestamp: number;
  readonly value: number;
  readonly anomaly_score: number;
}

export interface NabDetectionOptions {
  /** Name of the processor node and its store (`<name>-state`); default `nab-detector`. */
  readonly name?: string;
  readonly detector?: NabDetectorOptions;
  /** Keep detector states in RocksDB (default true) or in memory; either way they are changelogged. */
  readonly persistent?: boolean;
}

/** Stores a detector as its JSON state; the options are configuration, not state, so the serde carries them. */
function detectorSerde(options: NabDetectorOptions | undefined): Serde<NabDetector> {
  const json = jsonSerde<NabDetectorData>();
  return {
    name: 'nab-detector-state',
    serialize: (topic, detector) => json.serialize(topic, detector.toData()),
    deserialize: (topic, data) => NabDetector.fromData(json.deserialize(topic, data), options),
  };
}

/** The per-series state store of `detectNabAnomalies`. */
export function nabDetectorStore(options: NabDetectionOptions = {}): StoreSupplier<KeyValueStore<string, NabDetector>> {
  const name = `${options.name ?? 'nab-detector'}-state`;
  return Stores.keyValue<string, NabDetector>(name, { keySerde: stringSerde, valueSerde: detectorSerde(options.detector), persistent: options.persistent });
}

class NabDetectorProcessor implements Processor<string, NabPoint, string, NabScore> {
  private context!: ProcessorContext<string, NabScore>;
  private store!: KeyValueStore<string, NabDetector>;

  constructor(
    private readonly storeName: string,
    private readonly options: NabDetectorOptions | undefined,
  ) {}

  init(context: ProcessorContext<string, NabScore>): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
  }

  process(record: StreamRecord<string, NabPoint>): void {
    const { key, value: point } = record;
    if (typeof key !== 'string' || key.length === 0) {
      throw new WeirError('INVALID_CONFIG', 'a NAB point needs its series name as key', { origin: this.context.origin() });
    }
    // The cached store hands back the same detector object, so the hot path neither serializes nor
    // copies; putting it again marks it dirty, and it is serialized once at the next commit.
    const detector = this.store.get(key) ?? new NabDetector(this.options);
    const anomalyScore = detector.handleRecord(point.timestamp, point.value);
    this.store.put(key, detector);
    this.context.forward({ key, value: { timestamp: point.timestamp, value: point.value, anomaly_score: anomalyScore }, timestamp: record.timestamp, headers: record.headers });
  }
}

/** Scores every point of every series (the key) with the NAB detector; see the file comment. */
export function detectNabAnomalies(options: NabDetectionOptions = {}) {
  return (points: KStream<string, NabPoint>): KStream<string, NabScore> => {
    const store = nabDetectorStore(options);
    return points.pipe(
      process<string, NabPoint, string, NabScore>(
        { name: options.name ?? 'nab-detector', stores: [store], keySerde: stringSerde, valueSerde: jsonSerde<NabScore>(), detail: 'rolling band + day-earlier baseline, anomaly likelihood, refractory period; state per series' },
        () => new NabDetectorProcessor(store.name, options.detector),
      ),
    );
  };
}
