/**
 * Seeded synthetic traffic: traces that start at edge services and fan out through the call graph,
 * one `WideEvent` per span, in event-time order, streamed so a million events never sit in memory.
 *
 * ```ts
 * const generator = new TrafficGenerator({ seed: 7, events: 100_000, scenarios: [...] });
 * for (const event of generator.events()) producer.send(event);
 * generator.groundTruth.incidents; // what a detector should find
 * ```
 */
import type { WideEvent } from '../schemas/wide-event';
import type { Deployment } from '../schemas/deployment';
import type { KnownEvent } from '../schemas/known-event';
import { WeirError } from '../errors/weir-error';
import { SeededRandom, seedOf, hashUnit } from './random';
import { ServiceGraph } from './service-graph';
import { LoadProfile, DEFAULT_LOAD_PROFILE, type LoadProfileOptions, gaussianFromUnit } from './load-profile';
import { UserPopulation, DEFAULT_USER_POPULATION, type DrawnUser } from './user-population';
import { EventHeap } from './event-heap';
import { compileScenarios, type Effect, type GroundTruth, type Scenario } from './scenario';

export interface TrafficGeneratorOptions {
  /** Same seed, same options: same events, byte for byte. Default 1. */
  seed?: number | string;
  /** Exact number of events `events()` yields. */
  events: number;
  /** Event time of the first trace, epoch ms. Default Monday 2026-01-05 00:00 UTC. */
  start?: number;
  /** Event-time span the rate is calibrated for (the last event lands near start + durationMs). Default 7 days. */
  durationMs?: number;
  /** Number of services (2..1000). Default 40. */
  services?: number;
  /** Operations per service (1..100). Default 4. */
  operationsPerService?: number;
  /** Depth of the call graph, edge and leaves included (2..10). Default 5. */
  layers?: number;
  /** Distinct users. Default 20,000. */
  users?: number;
  scenarios?: readonly Scenario[];
  load?: Partial<LoadProfileOptions>;
  /** A span longer than this ends with 504 at this duration. Default 10 s. */
  timeoutMs?: number;
}

/** A record of the generated timeline, in event-time order. */
export type TimelineRecord =
  | { type: 'event'; timestamp: number; value: WideEvent }
  | { type: 'deployment'; timestamp: number; value: Deployment }
  | { type: 'known-event'; timestamp: number; value: KnownEvent };

const DAY = 86_400_000;
const CLIENT_ERRORS = [400, 404, 401, 429];
const SERVER_ERRORS = [500, 503, 500, 502];

export class TrafficGenerator {
  readonly graph: ServiceGraph;
  /** Known events (maintenance, sales), announced before the traffic starts. */
  readonly knownEvents: readonly KnownEvent[];
  /** Deployments and rollbacks, by time. */
  readonly deployments: readonly Deployment[];
  readonly groundTruth: GroundTruth;
  readonly start: number;
  readonly durationMs: number;
  /** Roots per ms at relative load 1, calibrated so the expected event count over `durationMs` is `events`. */
  readonly baseRootRate: number;
  private readonly seed: number;
  private readonly options: Required<Pick<TrafficGeneratorOptions, 'events' | 'timeoutMs' | 'users'>>;
  private readonly profile: LoadProfile;
  private readonly effectsByService: Effect[][];
  private readonly globalEffects: Effect[];
  private readonly versionTimeline: { at: number; version: string }[][];

  constructor(options: TrafficGeneratorOptions) {
    const services = integerOption('services', options.services ?? 40, 2, 1000);
    const operationsPerService = integerOption('operationsPerService', options.operationsPerService ?? 4, 1, 100);
    const layers = integerOption('layers', options.layers ?? 5, 2, 10);
    if (services < layers) throw new WeirError('INVALID_CONFIG', 'services must be at least the number of layers', { option: 'services', services, layers });
    const events = integerOption('events', options.events, 0, Number.MAX_SAFE_INTEGER);
    this.seed = seedOf(options.seed ?? 1);
    this.start = options.start ?? Date.UTC(2026, 0, 5);
    this.durationMs = options.durationMs ?? 7 * DAY;
    if (!(this.durationMs > 0)) throw new WeirError('INVALID_CONFIG', 'durationMs must be positive', { option: 'durationMs', value: this.durationMs });
    this.options = { events, timeoutMs: options.timeoutMs ?? 10_000, users: integerOption('users', options.users ?? DEFAULT_USER_POPULATION.users, 0, 10_000_000) };
    const setup = new SeededRandom(this.seed).fork('graph');
    this.graph = new ServiceGraph({ services, operationsPerService, layers }, setup);
    this.profile = new LoadProfile({ ...DEFAULT_LOAD_PROFILE, ...options.load }, this.seed);

    const versions = new Map(this.graph.services.map((s) => [s.name, `v1.${setup.int(20)}.0`] as const));
    const compiled = compileScenarios(options.scenarios ?? [], this.graph, versions);
    this.knownEvents = compiled.knownEvents;
    this.deployments = compiled.deployments;
    this.groundTruth = compiled.groundTruth;
    this.effectsByService = this.graph.services.map(() => []);
    this.globalEffects = [];
    for (const e of compiled.effects) (e.serviceIndex < 0 ? this.globalEffects : this.effectsByService[e.serviceIndex]).push(e);
    this.versionTimeline = this.graph.services.map((s) => [{ at: Number.NEGATIVE_INFINITY, version: versions.get(s.name)! }]);
    for (const d of this.deployments) this.versionTimeline[this.graph.service(d.service)!.index].push({ at: d.deployed_at, version: d.version });

    this.baseRootRate = events / (this.graph.expectedSpansPerTrace() * this.integratedLoad());
  }

  /** Exactly `events` wide events in event-time order (ties: a parent before its children). */
  *events(): Generator<WideEvent, void, undefined> {
    const total = this.options.events;
    if (total === 0) return;
    const random = new SeededRandom(this.seed).fork('traffic');
    const users = new UserPopulation({ ...DEFAULT_USER_POPULATION, users: this.options.users }, this.seed);
    const heap = new EventHeap();
    const drawn: DrawnUser = { userId: null, tier: 'free', region: '' };
    const state: TraceState = { random, heap, seq: 0, traceId: '', user: drawn, timeoutMs: this.options.timeoutMs };
    let emitted = 0;
    let t = this.start;
    for (;;) {
      // A floor on the rate keeps time moving through a window with no traffic at all.
      t += random.exponential(this.baseRootRate * Math.max(this.rateAt(t), 0.001));
      // Every span still to come starts at or after t, so everything earlier is final.
      const now = Math.floor(t);
      while (heap.peekTime() <= now) {
        yield heap.pop();
        if (++emitted === total) return;
      }
      const root = this.graph.roots[random.weighted(this.graph.rootWeights)];
      const rootService = this.graph.operations[root].serviceIndex;
      const skip = this.callSkip(rootService, t);
      if (skip > 0 && random.chance(skip)) continue;
      state.traceId = random.hex(32);
      users.draw(random, drawn);
      this.span(state, root, t, null);
    }
  }

  /** Events, deployments and known events merged in time order; known events come first (announced before the traffic). */
  *timeline(): Generator<TimelineRecord, void, undefined> {
    for (const k of this.knownEvents) yield { type: 'known-event', timestamp: this.start, value: k };
    let d = 0;
    for (const event of this.events()) {
      while (d < this.deployments.length && this.deployments[d].deployed_at <= event.timestamp) {
        yield { type: 'deployment', timestamp: this.deployments[d].deployed_at, value: this.deployments[d] };
        d++;
      }
      yield { type: 'event', timestamp: event.timestamp, value: event };
    }
  }

  /** Relative rate of new traces at `t`: the load profile times global effects (sales, global maintenance, noisy days). */
  rateAt(t: number): number {
    let rate = this.profile.at(t);
    for (const e of this.globalEffects) {
      if (t < e.start || t >= e.end) continue;
      rate *= e.rateFactor;
      // Noisy days swing the rate per 5-minute bucket as well.
      if (e.noise > 0) rate *= Math.exp(e.noise * gaussianFromUnit(hashUnit(this.seed, Math.floor(t / 300_000), 5), hashUnit(this.seed, Math.floor(t / 300_000), 6)));
    }
    return rate;
  }

  /** Generates one span and its subtree; returns its end time, and its status in `state.status`. */
  private span(state: TraceState, opIndex: number, start: number, parentSpanId: string | null): number {
    const { random } = state;
    const op = this.graph.operations[opIndex];
    const seq = state.seq++;
    const spanId = random.hex(16);
    // Effects are read into locals before recursing: children overwrite nothing here.
    let latencyFactor = 1;
    let errorRate = 0;
    let errorStatus = 503;
    let propagates = true;
    let noise = 0;
    const user = state.user;
    for (const e of this.effectsByService[op.serviceIndex]) {
      if (start < e.start || start >= e.end) continue;
      if ((e.tier !== null && e.tier !== user.tier) || (e.region !== null && e.region !== user.region)) continue;
      latencyFactor *= e.latencyFactor;
      if (e.errorRate > errorRate) {
        errorRate = e.errorRate;
        errorStatus = e.errorStatus;
        propagates = e.propagates;
      }
    }
    for (const e of this.globalEffects) if (start >= e.start && start < e.end) noise += e.noise;
    const self = random.lognormal(op.latencyMu, op.latencySigma + noise) * latencyFactor;
    // 30% of the self time before the downstream calls (parsing, auth), the rest after (rendering).
    let cursor = start + self * 0.3;
    let downstreamFailed = false;
    for (const call of op.calls) {
      if (!random.chance(call.probability)) continue;
      const target = this.graph.operations[call.target].serviceIndex;
      const skip = this.callSkip(target, cursor);
      if (skip > 0 && random.chance(skip)) continue;
      cursor = this.span(state, call.target, cursor + 0.05, spanId);
      if (state.failed) downstreamFailed = true;
    }
    let end = cursor + self * 0.7;
    let status = 200;
    let failed = false;
    if (downstreamFailed && random.chance(0.85)) {
      status = 502;
      failed = true;
    } else if (random.chance(op.errorRate + errorRate)) {
      const fromScenario = random.chance(errorRate / (op.errorRate + errorRate));
      status = fromScenario ? errorStatus : SERVER_ERRORS[random.int(SERVER_ERRORS.length)];
      failed = fromScenario ? propagates : true;
    } else if (random.chance(op.clientErrorRate)) {
      status = CLIENT_ERRORS[random.int(CLIENT_ERRORS.length)];
    }
    if (end - start > state.timeoutMs) {
      end = start + state.timeoutMs;
      status = 504;
      failed = true;
    }
    const service = this.graph.services[op.serviceIndex];
    state.heap.push(
      {
        timestamp: Math.floor(start),
        service: op.service,
        operation: op.operation,
        method: op.method,
        status_code: status,
        duration_ms: Math.round((end - start) * 1000) / 1000,
        trace_id: state.traceId,
        span_id: spanId,
        parent_span_id: parentSpanId,
        user_id: user.userId,
        region: user.region,
        customer_tier: user.tier,
        attributes: { host: service.hosts[random.int(service.hosts.length)], version: this.versionAt(op.serviceIndex, start) },
      },
      seq,
    );
    state.failed = failed;
    return end;
  }

  private callSkip(serviceIndex: number, t: number): number {
    let skip = 0;
    for (const e of this.effectsByService[serviceIndex]) if (t >= e.start && t < e.end && e.callSkip > skip) skip = e.callSkip;
    return skip;
  }

  private versionAt(serviceIndex: number, t: number): string {
    const timeline = this.versionTimeline[serviceIndex];
    let i = timeline.length - 1;
    while (timeline[i].at > t) i--;
    return timeline[i].version;
  }

  /** Integral of the relative rate over [start, start + durationMs), per ms, by 1-minute steps. */
  private integratedLoad(): number {
    const step = Math.min(60_000, this.durationMs);
    let sum = 0;
    for (let t = this.start; t < this.start + this.durationMs; t += step) sum += this.rateAt(t + step / 2) * Math.min(step, this.start + this.durationMs - t);
    return sum;
  }
}

interface TraceState {
  random: SeededRandom;
  heap: EventHeap;
  seq: number;
  traceId: string;
  user: DrawnUser;
  timeoutMs: number;
  /** Set by `span` for its caller: the span failed in a way that makes callers fail. */
  failed?: boolean;
}

function integerOption(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new WeirError('INVALID_CONFIG', `${option} must be an integer in [${min}, ${max}]`, { option, value });
  }
  return value;
}
