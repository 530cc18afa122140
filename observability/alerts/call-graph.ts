/**
 * The service call graph learned in-stream from traces: a span whose parent span belongs to another
 * service is a call from the parent's service (the dependent) to the span's service (its
 * dependency, "upstream" in the suppression rule's sense: what it relies on). Parent spans are
 * remembered for a bounded number of spans in two generations (a full generation becomes the old
 * one, the old one is dropped), which is enough because a child arrives within its parent's
 * duration, and cheaper than evicting one entry at a time from an insertion-ordered Map.
 */
import type { WideEvent } from '../../schemas/wide-event';

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
