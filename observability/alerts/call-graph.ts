/**
 * The service call graph learned in-stream from traces: a span whose parent span belongs to another
 * service is a call from the parent's service (the dependent) to the span's service (its
 * dependency, "upstream" in the suppression rule's sense: what it relies on). Parent spans are
 * remembered for a bounded number of spans in two generations (a full generation becomes the old
 * one, the old one is dropped), which is enough because a child arrives within its parent's
 * duration, and cheaper than evicting one entry at a time from an insertion-ordered Map.
 */
import type { WideEvent } from '../../schemas/wide-event';

/**
 * A call from one service to another, as an OTLP CLIENT span tells it (`observability/otlp/`): the
 * wide events of OTLP input are the SERVER and CONSUMER spans, whose parents are CLIENT spans that
 * are not events, so the graph learns those calls from these edges instead of from parent ids.
 */
export interface CallEdge {
  /** Epoch ms of the client span (its end, like the wide events of the same input). */
  timestamp: number;
  /** Service of the client span. */
  caller: string;
  /** The called service: the child SERVER span's service when seen, else `peer.service`, else `server.address`; null when unknown. */
  callee: string | null;
  /** The client span's name. */
  operation: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  duration_ms: number;
  /** HTTP status of the call, else 500 for a span with status ERROR and 200 otherwise. */
  status_code: number;
}

export interface CallGraphOptions {
  /** Recent spans remembered to resolve parent ids (default 200,000). */
  readonly spanMemory?: number;
}

export class CallGraph {
  private current = new Map<string, string>();
  private previous = new Map<string, string>();
  private readonly deps = new Map<string, Set<string>>();
  private readonly dependentsOf = new Map<string, Set<string>>();
  private readonly spanMemory: number;

  constructor(options: CallGraphOptions = {}) {
    this.spanMemory = options.spanMemory ?? 200_000;
  }

  observe(event: Pick<WideEvent, 'service' | 'span_id' | 'parent_span_id'>): void {
    if (event.parent_span_id !== null) {
      const caller = this.current.get(event.parent_span_id) ?? this.previous.get(event.parent_span_id);
      if (caller !== undefined && caller !== event.service) this.addEdge(caller, event.service);
    }
    this.current.set(event.span_id, event.service);
    if (this.current.size >= this.spanMemory / 2) {
      this.previous = this.current;
      this.current = new Map();
    }
  }

  /** A call edge of OTLP input: its callee, when known, is a dependency of its caller. */
  observeCall(edge: Pick<CallEdge, 'caller' | 'callee'>): void {
    if (edge.callee !== null && edge.callee !== edge.caller) this.addEdge(edge.caller, edge.callee);
  }

  addEdge(caller: string, callee: string): void {
    let d = this.deps.get(caller);
    if (!d) this.deps.set(caller, (d = new Set()));
    d.add(callee);
    let r = this.dependentsOf.get(callee);
    if (!r) this.dependentsOf.set(callee, (r = new Set()));
    r.add(caller);
  }

  /** Services `service` calls (its upstream dependencies). */
  dependencies(service: string): string[] {
    return [...(this.deps.get(service) ?? [])].sort();
  }

  /** Services that call `service`. */
  dependents(service: string): string[] {
    return [...(this.dependentsOf.get(service) ?? [])].sort();
  }
}
