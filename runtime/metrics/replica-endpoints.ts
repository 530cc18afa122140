/**
 * `/metrics`, `/health` and `/ready` of a replica.
 *
 * - `/health`: 200 while the process runs and the app has not failed (a liveness probe: restart
 *   on 503), with the app's state.
 * - `/ready`: 200 once the group has assigned partitions (none is an answer too) and every task
 *   is restored, while the app runs; 503 with the reason otherwise (starting, rebalancing,
 *   restoring with the remaining records per task and store, closing, failed).
 */
import type { ReplicaServer, RouteResponse } from '../http/replica-server';
import type { StreamTask } from '../stream-task';
import type { TaskMetrics } from '../task-metrics';
import type { StreamsMetrics } from './streams-metrics';
import type { ThreadMetrics } from './thread-metrics';

export interface HealthSource {
  readonly state: 'created' | 'running' | 'closing' | 'closed' | 'failed';
  readonly failure: unknown;
  readonly thread: ThreadMetrics;
  activeTasks(): readonly StreamTask[];
  restoringTasks(): readonly TaskMetrics[];
}

export interface Readiness {
  readonly ready: boolean;
  readonly state: HealthSource['state'];
  readonly reason?: string;
  readonly tasks: string[];
  readonly restoring: { task: string; store: string | null; restoredRecords: number; remainingRecords: number }[];
}

export function readiness(source: HealthSource): Readiness {
  const { thread } = source;
  const restoring = source.restoringTasks().map((m) => ({
    task: m.taskId,
    store: m.restoringStore ?? null,
    restoredRecords: m.restoredRecords,
    remainingRecords: Math.max(0, m.remainingRecords),
  }));
  const tasks = source.activeTasks().map((t) => t.taskId);
  const reason =
    source.state !== 'running' ? `the application is ${source.state}`
    : restoring.length > 0 ? `restoring state: ${restoring.map((r) => (r.store === null ? `task ${r.task} opening its stores` : `task ${r.task} ${r.remainingRecords} records to go`)).join(', ')}`
    : thread.assignments === 0 ? 'waiting for the first partition assignment'
    : thread.rebalancing > 0 || thread.awaitingAssignment ? 'rebalancing'
    : undefined;
  return { ready: reason === undefined, state: source.state, ...(reason === undefined ? {} : { reason }), tasks, restoring };
}

export function mountReplicaEndpoints(server: ReplicaServer, source: HealthSource, metrics: StreamsMetrics): void {
  server.route('/metrics', async () => ({ status: 200, contentType: metrics.contentType, body: await metrics.scrape() }));
  server.route('/health', () => {
    const failed = source.state === 'failed';
    return json(failed ? 503 : 200, {
      status: failed ? 'DOWN' : 'UP',
      state: source.state,
      ...(failed ? { error: source.failure instanceof Error ? source.failure.message : String(source.failure) } : {}),
    });
  });
  server.route('/ready', () => {
    const r = readiness(source);
    return json(r.ready ? 200 : 503, r);
  });
}

function json(status: number, body: unknown): RouteResponse {
  return { status, contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(body)}\n` };
}
