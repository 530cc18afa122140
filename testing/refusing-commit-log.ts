import { WeirError } from '../errors/weir-error';
import type { LogClient } from '../runtime/log';
import type { EmbeddedLog } from '../runtime/embedded';
import { interceptCommits } from './intercepted-commit-log';

/**
 * Wraps an embedded log connection so that its Nth commit is refused as a broker refuses a batch
 * over `max.message.bytes`: nothing of the unit is applied and the error is not one a retry can
 * change. The process stays alive, so what it does next (close the task dirty, fail) is observed.
 */
export function refusingCommit(log: EmbeddedLog, nth: number): LogClient {
  return interceptCommits(log, {
    beforeCommit: (unit, n) => {
      if (n !== nth) return;
      const first = unit.records[0];
      throw new WeirError('RECORD_TOO_LARGE', 'the broker refused a produce request (MESSAGE_TOO_LARGE); retrying cannot help (simulated)', { topic: first?.topic, partition: first?.partition, records: unit.records.length });
    },
  });
}
