/**
 * A wake-up flag for a loop that waits for work: `notify` before or during `wait` wakes it once.
 * No timers, so the embedded log never sleeps and tests stay deterministic.
 */
export class Signal {
  private pending = false;
  private waiters: Array<() => void> = [];

  notify(): void {
    this.pending = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(() => { this.pending = false; resolve(); }));
  }
}
