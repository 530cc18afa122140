/**
 * The example's topology: HTTP requests keyed by service; health checks dropped; per service and
 * minute a latency rollup (requests, 5xx errors, mean, median, max) emitted once the minute has
 * closed, to `service-latency-1m`. It imports only weir's public entry points, as any user's code.
 */
import { StreamsBuilder, filter, groupByKey, map, toStream, to, tumbling, jsonSerde, stringSerde, type Topology } from 'weir';
import { windowedRollup } from 'weir/observability';

/** One HTTP request, keyed by its service; its event time is the record's timestamp. */
export interface Request {
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
}

/** One closed minute of one service. */
export interface ServiceLatency {
  readonly service: string;
  /** Inclusive start of the minute, ISO 8601. */
  readonly minute: string;
  readonly requests: number;
  readonly errors: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly maxMs: number;
}

export const TOPICS = { requests: 'requests', latency: 'service-latency-1m' } as const;
export const requestSerde = jsonSerde<Request>();
export const latencySerde = jsonSerde<ServiceLatency>();

/** Records up to 5 s late still count for their minute; later ones are dropped and counted as late. */
export const GRACE_MS = 5_000;

/** `weir describe src/topology.ts` loads this default export. */
export default function serviceLatencyTopology(): Topology {
  const builder = new StreamsBuilder();
  builder.stream(TOPICS.requests, { keySerde: stringSerde, valueSerde: requestSerde }).pipe(
    filter((_service, request) => request.route !== '/health', { name: 'drop-health-checks' }),
    // The key already is the service, so grouping by it needs no repartition topic.
    groupByKey(),
    windowedRollup({
      // Names the store and its changelog: keep it stable, or a restarted app loses its state.
      name: 'service-latency-1m',
      windows: tumbling(60_000, { grace: GRACE_MS }),
      keySerde: stringSerde,
      value: (request) => request.durationMs,
      isError: (request) => request.status >= 500,
    }),
    toStream(),
    map((window, stats) => ({
      key: window.key,
      value: {
        service: window.key,
        minute: new Date(window.start).toISOString(),
        requests: stats.count,
        errors: stats.error_count,
        meanMs: stats.mean,
        p50Ms: stats.p50,
        maxMs: stats.max,
      },
    }), { name: 'to-service-latency' }),
    to(TOPICS.latency, { keySerde: stringSerde, valueSerde: latencySerde }),
  );
  return builder.build();
}
