import { WeirError } from '../errors/weir-error';
import type { LogClient } from '../runtime/log';
import type { EmbeddedLog } from '../runtime/embedded';
import { interceptCommits } from './intercepted-commit-log';

/**
 * Wraps an embedded log connection so that its Nth commit crashes that "process" after the task
 * flushed its stores and before the commit lands: the crash a restart must recover from exactly.
 */
export function crashingAtCommit(log: EmbeddedLog, nth: number): LogClient {
  return interceptCommits(log, {
    beforeCommit: (_unit, n) => {
      if (n !== nth) return;
      log.crash();
      throw new WeirError('COMMIT_FAILED', 'simulated crash between store flush and offset commit');
    },
  });
}
