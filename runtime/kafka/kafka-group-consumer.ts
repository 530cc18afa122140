/**
 * A consumer-group member on kafkajs, with the embedded log's contract: `onRevoked` runs and
 * resolves before the partitions are released, `onAssigned` before any batch of them is handled.
 *
 * How revocation works on kafkajs (which has no rebalance listener), eager as kafkajs' protocol is:
 * - before kafkajs rejoins, `rejoin-hook.ts` runs `revokeAll`: every owned partition goes through
 *   `onRevoked` (flush and commit) while this member still belongs to the old generation;
 * - the join's result (kafkajs' GROUP_JOIN event) queues `onAssigned` for the new assignment, then
 *   seeks each new partition to its committed offset, read after `onAssigned` so that a late commit
 *   of the previous owner is never skipped (kafkajs may have fetched from an older offset: those
 *   batches are stale and dropped);
 * - every batch first waits for that queue, heartbeating meanwhile so that a long restoration does
 *   not cost the membership (kafkajs heartbeats only from its fetch loop);
 * - while weir's handlers run (a restoration can take long), a timer keeps heartbeating: kafkajs
 *   heartbeats only from its fetch loop, and a member silent for the session timeout is expelled
 *   and becomes a zombie; a heartbeat answered "unknown member" or "illegal generation" marks the
 *   membership lost at once, so that no commit of this member is accepted any more;
 * - when membership was lost without a rejoin hook (session timeout, consumer restart after a
 *   crash), the old partitions are revoked late, before the new ones are assigned.
 *
 * Batches of different partitions run concurrently (`partitionsConsumedConcurrently`), never two of
 * one partition (kafkajs' fetcher assigns each partition to one worker).
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { ConsumedRecord, ConsumerHandlers, GroupConsumer, GroupConsumerOptions, LogHeaders, TopicPartition } from '../log';
import type { Logger } from '../logger';
import { WeirError } from '../../errors/weir-error';
import { topicPartitionKey } from '../embedded/assignor';
import type { PartitionAssignorName } from '../embedded/assignor';
import { createPartitionAssigner } from './range-assigner';
import { resolvePosition } from '../offset-reset';
import { onOffsetOutOfRange } from './offset-reset-hook';
import { failsTheTask } from '../exception-handlers';
import { beforeRejoin, consumerGroupOf, installRejoinHook } from './rejoin-hook';

export interface KafkaGroupConsumerSettings {
  readonly assignor: PartitionAssignorName;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly partitionsConsumedConcurrently: number;
  readonly maxBytesPerPartition: number;
}

export class KafkaGroupConsumer implements GroupConsumer {
  readonly consumer: Consumer;
  private readonly owned = new Map<string, TopicPartition>();
  private rebalances: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();
  private handlers: ConsumerHandlers | undefined;
  private removeHook: (() => void) | undefined;
  private stopping = false;
  private finished: Promise<void> | undefined;
  private settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  /** Set when this member must rejoin at its next batch (see `requestRejoin`). */
  private rejoinReason: string | undefined;
  /** Member id and generation of the current membership; unset while it is lost. */
  private membership: { memberId: string } | undefined;
  /** Next offset to read per partition, as weir positioned it (seek) or delivered it (batches). */
  private readonly nextOffsets = new Map<string, number>();
  private removeResetHook: (() => void) | undefined;
  private failed = false;

  constructor(
    kafka: Kafka,
    private readonly options: GroupConsumerOptions,
    private readonly settings: KafkaGroupConsumerSettings,
    private readonly logger: Logger,
  ) {
    installRejoinHook();
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      readUncommitted: !options.readCommitted,
      partitionAssigners: [createPartitionAssigner(settings.assignor)],
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      // Kafka's own default (fetch.max.wait.ms); kafkajs' 5 s would hold a stopping consumer for as long.
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
      retry: {
        retries: 8,
        initialRetryTime: 300,
        maxRetryTime: 10_000,
        // A consumer that exhausted its retries (the broker is gone) restarts and rejoins instead of dying.
        restartOnFailure: async (error) => {
          this.logger.log('warn', 'kafka consumer failed; restarting it (the broker may be unavailable)', { groupId: options.groupId, error });
          return !this.stopping;
        },
      },
    });
  }

  /**
   * Makes kafkajs rejoin at the next batch. When a task's producer was fenced (a zombie of a former
   * membership re-initialized the same transactional id) this member still holds the partition but
   * its task is gone; rejoining revokes and re-assigns it, so the task is created again (fencing the
   * zombie in turn) from what was committed. A rejoin without membership change is cheap: the
   * coordinator hands the same assignment back.
   */
  requestRejoin(reason: string, partitions: readonly TopicPartition[]): void {
    this.rejoinReason ??= reason;
    // The failed batch was consumed already: seek back to the committed offsets so that a batch
    // arrives (and triggers the rejoin) even if no new record comes.
    this.seekToCommitted(partitions).catch((error) => this.logger.log('warn', 'could not seek back before a rejoin', { error }));
  }

  /** The application fails with `error`; no batch is processed after that. */
  private fail(error: unknown): void {
    this.failed = true;
    this.settle?.reject(error);
  }

  /** Whether this member owns the partition now: checked before its offsets are committed. */
  owns(tp: TopicPartition): boolean {
    return this.membership !== undefined && this.owned.has(topicPartitionKey(tp));
  }

  async run(handlers: ConsumerHandlers): Promise<void> {
    if (this.handlers) throw new WeirError('INVALID_CONFIG', 'a group consumer runs once', { groupId: this.options.groupId });
    this.handlers = handlers;
    this.finished = new Promise((resolve, reject) => { this.settle = { resolve, reject }; });
    const { consumer } = this;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.joined(payload.memberId, payload.memberAssignment));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.membership = undefined;
      this.logger.log(payload.restart ? 'warn' : 'error', payload.restart ? 'kafka consumer crashed; it restarts and rejoins' : 'kafka consumer crashed for good', {
        groupId: this.options.groupId,
        error: payload.error,
      });
      if (!payload.restart && !this.stopping) {
        this.fail(new WeirError('BROKER_UNAVAILABLE', 'the Kafka consumer stopped after repeated failures', { groupId: this.options.groupId }, { cause: payload.error }));
      }
    });
    this.removeResetHook = onOffsetOutOfRange(this.options.groupId, (tp) => this.outOfRange(tp));
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    return this.finished;
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.consumer.pause(groupByTopic(partitions));
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.consumer.resume(groupByTopic(partitions));
  }

  /** Finishes the batches in flight, revokes (commits) every owned partition, then leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return this.finished;
    this.stopping = true;
    try {
      await this.rebalances;
      await this.revokeAll('shutdown');
      await this.consumer.stop();
      await this.consumer.disconnect();
      this.removeHook?.();
      this.removeResetHook?.();
      this.settle?.resolve();
    } catch (error) {
      this.settle?.reject(error);
    }
    return this.finished;
  }

  private joined(memberId: string, assignment: { [topic: string]: number[] }): void {
    const lostMembership = this.membership === undefined || this.membership.memberId !== memberId;
    this.membership = { memberId };
    this.removeHook?.();
    this.removeHook = beforeRejoin(this.options.groupId, memberId, () => this.queue(() => this.revokeAll('rebalance')));
    const partitions = Object.entries(assignment).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
    void this.queue(async () => {
      // Partitions still owned here were not revoked before the join: the membership was lost, and
      // they may have a new owner already, so they are revoked without the right to commit.
      if (lostMembership && this.owned.size > 0) await this.revokeAll('membership lost', { lost: true });
      if (this.stopping) return;
      await this.keepAlive(() => this.handlers!.onAssigned(partitions));
      for (const tp of partitions) this.owned.set(topicPartitionKey(tp), tp);
      if (this.membership?.memberId !== memberId) {
        // Expelled while the tasks were being created: they belong to someone else already.
        await this.revokeAll('membership lost during assignment', { lost: true });
        return;
      }
      await this.seekToCommitted(partitions);
      this.logger.log('info', 'partitions assigned', { groupId: this.options.groupId, memberId, partitions: describe(partitions) });
    }).catch((error) => this.fail(error));
  }

  private queue(job: () => Promise<void>): Promise<void> {
    const next = this.rebalances.then(job);
    this.rebalances = next.catch(() => {});
    return next;
  }

  private async revokeAll(reason: string, options: { lost?: boolean } = {}): Promise<void> {
    await Promise.all([...this.inFlight]);
    if (this.owned.size === 0) return;
    const partitions = [...this.owned.values()];
    if (options.lost) this.owned.clear();
    try {
      await this.keepAlive(() => this.handlers!.onRevoked(partitions));
    } finally {
      this.owned.clear();
      for (const tp of partitions) this.nextOffsets.delete(topicPartitionKey(tp));
    }
    this.logger.log('info', 'partitions revoked', { groupId: this.options.groupId, reason, partitions: describe(partitions) });
  }

  /** Runs a handler while a timer heartbeats for this member. */
  private async keepAlive<T>(job: () => Promise<T>): Promise<T> {
    const memberId = this.membership?.memberId;
    const group = memberId ? consumerGroupOf(this.options.groupId, memberId) : undefined;
    if (!group || !memberId) return job();
    const timer = setInterval(() => {
      group.heartbeat({ interval: this.settings.heartbeatIntervalMs }).catch((error: { type?: string }) => {
        // REBALANCE_IN_PROGRESS still refreshes the session; the member rejoins once the handler is done.
        if (error.type === 'UNKNOWN_MEMBER_ID' || error.type === 'ILLEGAL_GENERATION' || error.type === 'FENCED_INSTANCE_ID') {
          if (this.membership?.memberId === memberId) this.membership = undefined;
          this.logger.log('warn', 'group membership lost while a rebalance handler ran; its commits will be refused', { groupId: this.options.groupId, memberId, error: error.type });
        }
      });
    }, this.settings.heartbeatIntervalMs);
    try {
      return await job();
    } finally {
      clearInterval(timer);
    }
  }

  /** The committed offset read now, after the previous owner committed; without one, the start the options ask for. */
  private async seekToCommitted(partitions: readonly TopicPartition[]): Promise<void> {
    for (const topic of new Set(partitions.map((p) => p.topic))) {
      const [committed] = await this.consumerAdmin().fetchOffsets({ groupId: this.options.groupId, topics: [topic] });
      const ends = await this.consumerAdmin().fetchTopicOffsets(topic);
      for (const tp of partitions.filter((p) => p.topic === topic)) {
        const c = committed?.partitions.find((p) => p.partition === tp.partition);
        const bounds = ends.find((e) => e.partition === tp.partition);
        const low = Number(bounds?.low ?? 0);
        const high = Number(bounds?.high ?? 0);
        let offset = this.options.fromBeginning ? low : high;
        if (c && Number(c.offset) >= 0) {
          // A committed offset that retention or delete-records has passed: kafkajs would reset silently.
          const resolved = resolvePosition(tp, Number(c.offset), low, high, this.options.autoOffsetReset ?? 'earliest');
          if (resolved.reset) this.handlers?.onOffsetReset?.(resolved.reset);
          offset = resolved.offset;
        }
        this.nextOffsets.set(topicPartitionKey(tp), offset);
        this.consumer.seek({ topic, partition: tp.partition, offset: String(offset) });
      }
    }
  }

  private adminClient: ReturnType<Kafka['admin']> | undefined;
  /** Set by KafkaLog: the admin used to read committed offsets. */
  attachAdmin(admin: ReturnType<Kafka['admin']>): void {
    this.adminClient = admin;
  }

  private consumerAdmin(): ReturnType<Kafka['admin']> {
    if (!this.adminClient) throw new WeirError('INVALID_CONFIG', 'kafka group consumer has no admin client attached', { groupId: this.options.groupId });
    return this.adminClient;
  }

  private async eachBatch({ batch, isStale, heartbeat }: EachBatchPayload): Promise<void> {
    await this.waitForRebalance(heartbeat);
    if (this.rejoinReason !== undefined && !this.stopping) {
      const reason = this.rejoinReason;
      this.rejoinReason = undefined;
      this.logger.log('warn', 'rejoining the group', { groupId: this.options.groupId, reason });
      // kafkajs rejoins on errors of this type (its `isRebalancing`); the batch is fetched again after the join.
      throw Object.assign(new Error(`weir requested a rejoin: ${reason}`), { type: 'REBALANCE_IN_PROGRESS', retriable: false });
    }
    const tp = { topic: batch.topic, partition: batch.partition };
    // Batches fetched before a seek, or for partitions this member no longer holds, are dropped.
    if (this.stopping || this.failed || isStale() || !this.owned.has(topicPartitionKey(tp)) || batch.messages.length === 0) return;
    this.nextOffsets.set(topicPartitionKey(tp), Number(batch.messages[batch.messages.length - 1].offset) + 1);
    const records: ConsumedRecord[] = batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: Number(m.offset),
      key: m.key ?? null,
      value: m.value ?? null,
      timestamp: Number(m.timestamp),
      headers: toLogHeaders(m.headers),
    }));
    const work = this.handlers!.onBatch({ topic: batch.topic, partition: batch.partition, records, highWatermark: Number(batch.highWatermark) });
    this.inFlight.add(work);
    try {
      await work;
    } catch (error) {
      // Retrying the batch (kafkajs' restart) would fail the same way: the application fails.
      if (!failsTheTask(error)) throw error;
      this.fail(error);
    } finally {
      this.inFlight.delete(work);
    }
  }

  /**
   * A fetch found its offset gone (retention or delete-records passed it while this member read
   * behind). `auto.offset.reset` decides where to go; the reset is reported with what it skips.
   * A partition weir has not positioned yet is seeked by `seekToCommitted`, which reports there.
   */
  private async outOfRange(tp: TopicPartition): Promise<number | undefined> {
    const bounds = (await this.consumerAdmin().fetchTopicOffsets(tp.topic)).find((e) => e.partition === tp.partition);
    const low = Number(bounds?.low ?? 0);
    const expected = this.nextOffsets.get(topicPartitionKey(tp));
    if (expected === undefined) return low;
    try {
      const resolved = resolvePosition(tp, expected, low, Number(bounds?.high ?? 0), this.options.autoOffsetReset ?? 'earliest');
      if (resolved.reset) this.handlers?.onOffsetReset?.(resolved.reset);
      this.nextOffsets.set(topicPartitionKey(tp), resolved.offset);
      return resolved.offset;
    } catch (error) {
      // auto.offset.reset=none: stop fetching it and fail the application.
      this.consumer.pause([{ topic: tp.topic, partitions: [tp.partition] }]);
      this.fail(error);
      return undefined;
    }
  }

  /** Waits for queued onRevoked/onAssigned, heartbeating so that a long restoration keeps the membership. */
  private async waitForRebalance(heartbeat: () => Promise<void>): Promise<void> {
    let done = false;
    const pending = this.rebalances.then(() => { done = true; });
    while (!done) {
      await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, this.settings.heartbeatIntervalMs).unref())]);
      if (done) break;
      try {
        await heartbeat();
      } catch (error) {
        // A rebalance started meanwhile: let the assignment finish, then let kafkajs rejoin (the hook revokes).
        await pending;
        throw error;
      }
    }
  }
}

function groupByTopic(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  return [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }));
}

function toLogHeaders(headers: { [key: string]: Buffer | string | (Buffer | string)[] | undefined } | undefined): LogHeaders {
  if (!headers) return {};
  const out: { [name: string]: Buffer } = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[value.length - 1] : value;
    out[name] = typeof first === 'string' ? Buffer.from(first) : first;
  }
  return out;
}

function describe(partitions: readonly TopicPartition[]): string {
  return partitions.map((p) => `${p.topic}-${p.partition}`).join(',');
}
