import type { ProcessorMetrics } from '../topology/processor';

/** Per-task counters: processed records, commits, and what processors report (late drops, dead letters...). */
export class TaskMetrics implements ProcessorMetrics {
  processed = 0;
  commits = 0;
  readonly counters = new Map<string, number>();

  increment(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.counters.get(name) ?? 0;
  }
}
