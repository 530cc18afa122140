import { WeirError } from '../errors/weir-error';
import type { CommitLog, CommitUnit, LogClient } from '../runtime/log';
import type { EmbeddedLog } from '../runtime/embedded';

/**
 * Wraps an embedded log connection so that its Nth commit is refused as a broker refuses a batch
 * over `max.message.bytes`: nothing of the unit is applied and the error is not one a retry can
 * change. The process stays alive, so what it does next (close the task dirty, fail) is observed.
 */
export function refusingCommit(log: EmbeddedLog, nth: number): LogClient {
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
              const first = unit.records[0];
              throw new WeirError('RECORD_TOO_LARGE', 'the broker refused a produce request (MESSAGE_TOO_LARGE); retrying cannot help (simulated)', { topic: first?.topic, partition: first?.partition, records: unit.records.length });
            }
            return inner.commit(unit);
          },
        };
        return wrapped;
      };
    },
  });
}
