/**
 * kafkajs has no rebalance listener: when a member learns that the group is rebalancing it sends
 * JoinGroup at once, so the partitions it held could reach their new owner before it committed.
 * Kafka's own consumer runs `onPartitionsRevoked` before rejoining, and weir's contract
 * (`ConsumerHandlers.onRevoked`) promises the same.
 *
 * This module wraps kafkajs' `ConsumerGroup.joinAndSync` (every rejoin goes through it: after a
 * rebalance notice in heartbeat or fetch, after a metadata change) with a hook looked up by group
 * id and member id, which the weir consumer registers after each join. When the hook resolves, the
 * old partitions are committed and released, and only then does kafkajs send JoinGroup. The group
 * coordinator waits for every member's JoinGroup before it hands out the new assignment, so a new
 * owner never starts on a partition its previous owner has not committed. kafkajs' batches are not
 * in flight at that point (its fetcher waits for every batch handler before rejoining).
 *
 * A member that lost its membership (session expired, consumer restarted after a crash) rejoins
 * with no member id, so no hook runs: its partitions may already be owned by someone else, as
 * with Kafka's `onPartitionsLost`; the weir consumer then revokes them late, and fencing (the
 * transactional id per task, the ownership check on commit) refuses the zombie's commits.
 *
 * kafkajs is pinned at 2.2.x; the patch checks that the method it wraps exists.
 */
import { WeirError } from '../../errors/weir-error';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ConsumerGroup: { prototype: { joinAndSync: (this: ConsumerGroupLike) => Promise<void> } } = require('kafkajs/src/consumer/consumerGroup');

export interface ConsumerGroupLike {
  groupId: string;
  memberId: string | null;
  heartbeat(options: { interval: number }): Promise<void>;
}

type Hook = () => Promise<void>;

const hooks = new Map<string, Hook>();
/** The kafkajs group of each (group id, member id), for heartbeats while weir's handlers run. */
const groups = new Map<string, ConsumerGroupLike>();
let installed = false;

function install(): void {
  if (installed) return;
  const original = ConsumerGroup.prototype.joinAndSync;
  if (typeof original !== 'function') throw new WeirError('INVALID_CONFIG', 'kafkajs ConsumerGroup.joinAndSync not found: the kafkajs version is not the one weir was written for (2.2.x)');
  ConsumerGroup.prototype.joinAndSync = async function joinAndSyncAfterRevoke(this: ConsumerGroupLike): Promise<void> {
    const hook = this.memberId ? hooks.get(`${this.groupId}\u0000${this.memberId}`) : undefined;
    if (hook) await hook();
    await original.call(this);
    if (this.memberId) groups.set(`${this.groupId}\u0000${this.memberId}`, this);
  };
  installed = true;
}

/** Runs `hook` before the member (group id, member id) rejoins; returns the function that removes it. */
export function beforeRejoin(groupId: string, memberId: string, hook: Hook): () => void {
  install();
  const key = `${groupId}\u0000${memberId}`;
  hooks.set(key, hook);
  return () => {
    if (hooks.get(key) === hook) hooks.delete(key);
    groups.delete(key);
  };
}

/** kafkajs' group of a member, once it has joined: its `heartbeat` keeps the session alive. */
export function consumerGroupOf(groupId: string, memberId: string): ConsumerGroupLike | undefined {
  return groups.get(`${groupId}\u0000${memberId}`);
}

/** Installs the wrapper before the first consumer joins (the first join has no member id, so no hook runs). */
export function installRejoinHook(): void {
  install();
}
