/**
 * The synthetic system: services in layers (edge, middle tiers, leaves) whose operations call
 * operations of deeper layers. The graph is acyclic, every operation is reachable from an edge
 * operation, and every (service, operation) has its own lognormal self-time and error rates.
 */
import { SeededRandom } from './random';

export interface Call {
  /** Index into `ServiceGraph.operations`. */
  readonly target: number;
  /** Probability that one execution of the caller makes this call. */
  readonly probability: number;
}

export interface OperationSpec {
  readonly index: number;
  readonly service: string;
  readonly serviceIndex: number;
  readonly operation: string;
  readonly method: string;
  /** Self time (excluding downstream calls) is lognormal: median e^mu ms. */
  readonly latencyMu: number;
  readonly latencySigma: number;
  /** Baseline probability of a 5xx raised by this operation itself. */
  readonly errorRate: number;
  /** Baseline probability of a 4xx. */
  readonly clientErrorRate: number;
  readonly calls: readonly Call[];
}

export interface ServiceSpec {
  readonly index: number;
  readonly name: string;
  /** 0 for edge services; larger is deeper. */
  readonly layer: number;
  readonly operations: readonly number[];
  readonly hosts: readonly string[];
}

export interface ServiceGraphOptions {
  services: number;
  operationsPerService: number;
  /** Number of layers, edge included (>= 2). */
  layers: number;
}

const NAMED_SERVICES: readonly (readonly string[])[] = [
  ['api-gateway', 'web-frontend', 'mobile-bff', 'partner-api'],
  ['checkout', 'cart', 'search', 'accounts', 'orders', 'catalog', 'reviews', 'support'],
  ['payments', 'pricing', 'recommendations', 'inventory', 'shipping', 'auth', 'promotions', 'notifications'],
  ['fraud', 'tax', 'ledger', 'warehouse', 'email', 'sms', 'identity', 'feature-flags'],
  ['orders-db', 'payments-db', 'session-cache', 'search-index', 'inventory-db', 'user-db', 'object-store', 'ledger-db'],
];

const EDGE_OPERATIONS = ['GET /home', 'GET /product', 'POST /cart', 'POST /checkout', 'GET /search', 'GET /account', 'GET /orders', 'POST /login'];
const VERBS = ['Get', 'List', 'Create', 'Update', 'Delete', 'Reserve', 'Validate', 'Compute', 'Sync', 'Lookup'];
const NOUNS = ['Item', 'Order', 'User', 'Price', 'Quote', 'Token', 'Batch', 'Record', 'Session', 'Stock'];

export class ServiceGraph {
  readonly services: readonly ServiceSpec[];
  readonly operations: readonly OperationSpec[];
  /** Indexes of edge operations, where traces start. */
  readonly roots: readonly number[];
  /** Cumulative weights over `roots` (a few popular endpoints, a long tail). */
  readonly rootWeights: readonly number[];
  private readonly byName = new Map<string, ServiceSpec>();
  private readonly expectedSizes: number[];

  constructor(options: ServiceGraphOptions, random: SeededRandom) {
    const { services: count, operationsPerService: opsPer, layers } = options;
    const layerOf = (i: number): number => (count <= layers ? Math.min(i, layers - 1) : layerForIndex(i, count, layers));
    const services: ServiceSpec[] = [];
    const operations: OperationSpec[] = [];
    const perLayerSeen = new Array<number>(layers).fill(0);
    const callsOf: Call[][] = [];
    for (let s = 0; s < count; s++) {
      const layer = layerOf(s);
      const nth = perLayerSeen[layer]++;
      const name = serviceName(layer, nth, layers);
      const opIndexes: number[] = [];
      const ops = layer === 0 ? Math.max(opsPer, 1) : opsPer;
      for (let o = 0; o < ops; o++) {
        const index = operations.length;
        const isEdge = layer === 0;
        const opName = isEdge ? edgeOperation(o) : rpcOperation(o);
        // Deeper layers are faster per call (caches, databases); edge and middle tiers do more work.
        const median = layer === layers - 1 ? random.between(0.8, 6) : random.between(3, 25);
        const calls: Call[] = [];
        callsOf.push(calls);
        operations.push({
          index,
          service: name,
          serviceIndex: s,
          operation: opName,
          method: isEdge ? opName.slice(0, opName.indexOf(' ')) : 'grpc',
          latencyMu: Math.log(median),
          latencySigma: random.between(0.25, 0.6),
          errorRate: random.between(0.0005, 0.004),
          clientErrorRate: isEdge ? random.between(0.01, 0.03) : random.between(0.001, 0.008),
          calls,
        });
        opIndexes.push(index);
      }
      const hosts = Array.from({ length: 3 + random.int(4) }, (_, h) => `${name}-${h}`);
      services.push({ index: s, name, layer, operations: opIndexes, hosts });
    }
    const opsByLayer: number[][] = Array.from({ length: layers }, () => []);
    for (const op of operations) opsByLayer[services[op.serviceIndex].layer].push(op.index);
    // Random downstream calls: one or two per non-leaf operation, mostly into the next layer.
    const called = new Array<boolean>(operations.length).fill(false);
    for (const op of operations) {
      const layer = services[op.serviceIndex].layer;
      if (layer === layers - 1) continue;
      const n = 1 + random.int(2);
      for (let k = 0; k < n; k++) {
        const targetLayer = layer + 1 + (random.chance(0.2) && layer + 2 < layers ? 1 : 0);
        const pool = opsByLayer[targetLayer];
        if (pool.length === 0) continue;
        const target = random.pick(pool);
        if (callsOf[op.index].some((c) => c.target === target)) continue;
        callsOf[op.index].push({ target, probability: random.between(0.35, 0.85) });
        called[target] = true;
      }
    }
    // Every non-edge operation gets at least one caller in the layer above, so it sees traffic.
    for (let layer = 1; layer < layers; layer++) {
      for (const target of opsByLayer[layer]) {
        if (called[target]) continue;
        const callerPool = opsByLayer[layer - 1].length > 0 ? opsByLayer[layer - 1] : opsByLayer[0];
        const caller = random.pick(callerPool);
        callsOf[caller].push({ target, probability: random.between(0.35, 0.85) });
        called[target] = true;
      }
    }
    this.services = services;
    this.operations = operations;
    for (const s of services) this.byName.set(s.name, s);
    this.roots = opsByLayer[0];
    let acc = 0;
    this.rootWeights = this.roots.map((_, i) => (acc += 1 / (1 + i * 0.35)));
    this.expectedSizes = this.computeExpectedSizes();
  }

  service(name: string): ServiceSpec | undefined {
    return this.byName.get(name);
  }

  /** Expected number of spans of a trace (all of them emitted), averaged over the root mix. */
  expectedSpansPerTrace(): number {
    const total = this.rootWeights[this.rootWeights.length - 1];
    let sum = 0;
    let prev = 0;
    this.roots.forEach((root, i) => {
      sum += ((this.rootWeights[i] - prev) / total) * this.expectedSizes[root];
      prev = this.rootWeights[i];
    });
    return sum;
  }

  /** Expected spans of each service per trace: how traffic splits over the services. */
  expectedSpansPerService(): number[] {
    const visits = new Array<number>(this.operations.length).fill(0);
    const total = this.rootWeights[this.rootWeights.length - 1];
    let prev = 0;
    this.roots.forEach((root, i) => {
      visits[root] += (this.rootWeights[i] - prev) / total;
      prev = this.rootWeights[i];
    });
    // Callers sit in shallower layers, so shallow-first order has every caller's visits final before its callees.
    const order = [...this.operations].sort((a, b) => this.services[a.serviceIndex].layer - this.services[b.serviceIndex].layer);
    for (const op of order) for (const c of op.calls) visits[c.target] += visits[op.index] * c.probability;
    const perService = new Array<number>(this.services.length).fill(0);
    for (const op of this.operations) perService[op.serviceIndex] += visits[op.index];
    return perService;
  }

  /** Services that call `service`, directly or through others (the possible victims of a failure in it). */
  ancestors(service: string): string[] {
    const spec = this.byName.get(service);
    if (!spec) return [];
    const callersOf = new Map<number, Set<number>>();
    for (const op of this.operations) {
      for (const c of op.calls) {
        const t = this.operations[c.target].serviceIndex;
        if (t === op.serviceIndex) continue;
        let set = callersOf.get(t);
        if (!set) callersOf.set(t, (set = new Set()));
        set.add(op.serviceIndex);
      }
    }
    const seen = new Set<number>();
    const stack = [spec.index];
    while (stack.length) {
      for (const caller of callersOf.get(stack.pop()!) ?? []) {
        if (!seen.has(caller)) {
          seen.add(caller);
          stack.push(caller);
        }
      }
    }
    return [...seen].sort((a, b) => a - b).map((i) => this.services[i].name);
  }

  /** Services `service` calls directly. */
  downstreams(service: string): string[] {
    const spec = this.byName.get(service);
    if (!spec) return [];
    const out = new Set<string>();
    for (const o of spec.operations) for (const c of this.operations[o].calls) out.add(this.operations[c.target].service);
    return [...out];
  }

  private computeExpectedSizes(): number[] {
    const sizes = new Array<number>(this.operations.length).fill(0);
    // Calls only go to deeper layers, so deepest-first order resolves every callee first.
    const order = [...this.operations].sort((a, b) => this.services[b.serviceIndex].layer - this.services[a.serviceIndex].layer);
    for (const op of order) {
      let size = 1;
      for (const c of op.calls) size += c.probability * sizes[c.target];
      sizes[op.index] = size;
    }
    return sizes;
  }
}

/** Edge gets ~10%, leaves ~20%, the middle tiers share the rest. */
function layerForIndex(i: number, count: number, layers: number): number {
  const edge = Math.max(1, Math.round(count * 0.1));
  const leaves = Math.max(1, Math.round(count * 0.2));
  if (i < edge) return 0;
  if (i >= count - leaves) return layers - 1;
  const middle = count - edge - leaves;
  const middleLayers = layers - 2;
  return 1 + Math.min(middleLayers - 1, Math.floor(((i - edge) * middleLayers) / Math.max(1, middle)));
}

function serviceName(layer: number, nth: number, layers: number): string {
  // Names come from the tier that matches the layer's role (edge, leaves, middle tiers in order).
  const tier = layer === 0 ? 0 : layer === layers - 1 ? NAMED_SERVICES.length - 1 : Math.min(layer, NAMED_SERVICES.length - 2);
  const names = NAMED_SERVICES[tier];
  const base = names[nth % names.length];
  const round = Math.floor(nth / names.length);
  if (round === 0 && (layer === 0 || layer === layers - 1 || layer <= NAMED_SERVICES.length - 2)) return base;
  return `${base}-${layer}-${round}`;
}

function edgeOperation(o: number): string {
  if (o < EDGE_OPERATIONS.length) return EDGE_OPERATIONS[o];
  return `GET /v${1 + Math.floor(o / EDGE_OPERATIONS.length)}${EDGE_OPERATIONS[o % EDGE_OPERATIONS.length].slice(4)}`;
}

function rpcOperation(o: number): string {
  return `${VERBS[o % VERBS.length]}${NOUNS[Math.floor(o / VERBS.length) % NOUNS.length]}${o >= VERBS.length * NOUNS.length ? o : ''}`;
}
