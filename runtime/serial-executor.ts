/** Runs async jobs one at a time, in order: a task's batches, commits and punctuations never interleave. */
export class SerialExecutor {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T> | T): Promise<T> {
    const next = this.tail.then(job, job);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
