/**
 * Commits of the embedded log. A commit is applied in one synchronous step, so its records and
 * offsets become visible together or (when it is refused) not at all: what Kafka's transactions
 * give `read_committed` readers. Under exactly_once each commit also writes a transaction marker
 * per partition (an offset gap, as on Kafka), and a newer commit log with the same transactional id
 * fences the older one, as `initTransactions` does.
 */
import { WeirError } from '../../errors/weir-error';
import type { CommitLog, CommitUnit, ProcessingGuarantee, ProducedRecord } from '../log';
import type { EmbeddedCluster } from './embedded-cluster';
import type { EmbeddedGroupConsumer } from './embedded-group-consumer';

export interface EmbeddedCommitLogOptions {
  readonly guarantee: ProcessingGuarantee;
  readonly transactionalId?: string;
  readonly clientId: string;
  readonly groupConsumer?: EmbeddedGroupConsumer;
  /** False once the owning process crashed (simulated). */
  readonly isAlive: () => boolean;
}

export class EmbeddedCommitLog implements CommitLog {
  readonly guarantee: ProcessingGuarantee;
  private readonly transactionalId: string | undefined;
  private readonly epoch: number | undefined;
  private closed = false;

  constructor(
    private readonly cluster: EmbeddedCluster,
    private readonly options: EmbeddedCommitLogOptions,
  ) {
    this.guarantee = options.guarantee;
    if (options.guarantee === 'exactly_once') {
      this.transactionalId = options.transactionalId ?? options.clientId;
      this.epoch = cluster.initTransactions(this.transactionalId);
    }
  }

  async commit(unit: CommitUnit): Promise<void> {
    this.checkUsable();
    const member = this.options.groupConsumer;
    const group = this.cluster.group(unit.groupId);
    const notOwned = member ? unit.offsets.filter((o) => !group.owns(member, o)) : [];
    if (this.guarantee === 'exactly_once') {
      // As a transactional producer with the group's generation (KIP-447): a zombie aborts whole.
      if (notOwned.length > 0) throw migrated(unit.groupId, notOwned[0]);
      this.cluster.append(unit.records, { transactional: true });
      group.commitOffsets(unit.offsets);
      return;
    }
    // at_least_once: the records are acknowledged first; a refused offset commit replays them.
    this.cluster.append(unit.records, { transactional: false });
    if (notOwned.length > 0) throw migrated(unit.groupId, notOwned[0]);
    group.commitOffsets(unit.offsets);
  }

  async send(records: readonly ProducedRecord[]): Promise<void> {
    this.checkUsable();
    this.cluster.append(records, { transactional: this.guarantee === 'exactly_once' });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private checkUsable(): void {
    if (this.closed) throw new WeirError('COMMIT_FAILED', 'commit log is closed', { clientId: this.options.clientId });
    if (!this.options.isAlive()) {
      throw new WeirError('COMMIT_FAILED', 'the process owning this commit log crashed (simulated)', { clientId: this.options.clientId });
    }
    if (this.transactionalId !== undefined && this.cluster.currentEpoch(this.transactionalId) !== this.epoch) {
      throw new WeirError('TASK_MIGRATED', 'producer fenced: a newer commit log uses the same transactional id', {
        transactionalId: this.transactionalId,
      });
    }
  }
}

function migrated(groupId: string, tp: { topic: string; partition: number }): WeirError {
  return new WeirError('TASK_MIGRATED', 'offset commit refused: the partition is no longer assigned to this member', {
    groupId,
    topic: tp.topic,
    partition: tp.partition,
  });
}
