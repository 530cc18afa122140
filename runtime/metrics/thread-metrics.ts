/**
 * Metrics of the replica's one stream thread (Kafka Streams' thread-level and state-updater
 * metrics), and the group state `/ready` reports. Task totals are kept here when a task closes,
 * so the thread's totals never go down when partitions move away.
 */
import { LatencyStat } from './sensors';

export class ThreadMetrics {
  taskCreated = 0;
  taskClosed = 0;
  commits = 0;
  readonly commitLatency = new LatencyStat();
  processedByClosedTasks = 0;
  restoredByClosedTasks = 0;
  readonly createdAt = performance.now();
  /** Assignments received from the group so far (an empty one counts: nothing to do is a state). */
  assignments = 0;
  /** Rebalance callbacks running now (revoking partitions, creating and restoring tasks). */
  rebalancing = 0;
  /** Partitions were revoked and the next assignment has not arrived yet. */
  awaitingAssignment = false;
}
