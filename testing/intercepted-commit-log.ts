import type { CommitLog, CommitUnit, LogClient, ProducedRecord } from '../runtime/log';
import type { EmbeddedLog } from '../runtime/embedded';

export interface CommitHooks {
  /** Runs before each commit (`n` counts from 1 over every commit log of the connection); throwing refuses it. */
  beforeCommit?(unit: CommitUnit, n: number): void;
  /** Runs before each send; throwing refuses it. */
  beforeSend?(records: readonly ProducedRecord[]): void;
}

/**
 * An embedded log connection whose commit logs run `hooks` before they send or commit: the one
 * mechanism behind the tests' simulated crashes, refusals and outages.
 */
export function interceptCommits(log: EmbeddedLog, hooks: CommitHooks): LogClient {
  let commits = 0;
  return new Proxy(log, {
    get(target, prop, receiver) {
      if (prop !== 'commitLog') return Reflect.get(target, prop, receiver);
      return async (options: Parameters<LogClient['commitLog']>[0]) => {
        const inner = await target.commitLog(options);
        const wrapped: CommitLog = {
          guarantee: inner.guarantee,
          close: () => inner.close(),
          send: async (records) => {
            hooks.beforeSend?.(records);
            return inner.send(records);
          },
          commit: async (unit: CommitUnit) => {
            hooks.beforeCommit?.(unit, ++commits);
            return inner.commit(unit);
          },
        };
        return wrapped;
      };
    },
  });
}
