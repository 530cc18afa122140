import { WeirError } from '../errors/weir-error';
import type { CommitLog, CommitUnit, LogClient } from '../runtime/log';
import type { EmbeddedLog } from '../runtime/embedded';

/**
 * Wraps an embedded log connection so that its Nth commit crashes that "process" after the task
 * flushed its stores and before the commit lands: the crash a restart must recover from exactly.
 */
export function crashingAtCommit(log: EmbeddedLog, nth: number): LogClient {
  let commits = 0;
  return new Proxy(log, {
    get(target, prop, receiver) {
      if (prop !== 'commitLog') return Reflect.get(target, prop, receiver);
      return async (options: Parameters<LogClient['commitLog']>[0]) => {
        const inner = await target.commitLog(options);
        const wrapped: CommitLog = {
          guarantee: inner.guarantee,
          send: (records) => inner.send(records),
          close: () => inner.close(),
          commit: async (unit: CommitUnit) => {
            if (++commits === nth) {
              target.crash();
              throw new WeirError('COMMIT_FAILED', 'simulated crash between store flush and offset commit');
            }
            return inner.commit(unit);
          },
        };
        return wrapped;
      };
    },
  });
}
