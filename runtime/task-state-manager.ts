/**
 * Opens a task's stores, restores them from their changelogs before processing starts, flushes
 * them at commit (turning their changelog entries into records for `<app>-<store>-changelog`),
 * and writes the checkpoint on a clean close (Kafka Streams' ProcessorStateManager).
 *
 * Restoration starts at the checkpointed offset when the local (RocksDB) state is known to match
 * it, else from the beginning of the changelog after wiping the local state. The checkpoint is
 * deleted once a task starts processing, so a crash always means "restore from the changelog".
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateStore, StoreSupplier } from '../state/state-store';
import { CheckpointFile } from '../state/checkpoint-file';
import type { LogAdmin, PartitionReader, ProducedRecord } from './log';
import type { Logger } from './logger';
import { changelogTopicName } from './streams-config';
import type { TaskMetrics } from './task-metrics';

export interface TaskStateManagerOptions {
  readonly applicationId: string;
  readonly taskId: string;
  readonly partition: number;
  /** `<stateDir>/<applicationId>/<taskId>` */
  readonly taskDir: string;
  readonly suppliers: readonly StoreSupplier[];
  readonly logger: Logger;
  /** Where restoration progress goes (restored and remaining records, the store being restored). */
  readonly metrics?: TaskMetrics;
}

export interface RestoreSource {
  readonly admin: LogAdmin;
  readonly reader: PartitionReader;
}

export class TaskStateManager {
  private readonly stores = new Map<string, StateStore>();
  private readonly changelogTopics = new Map<string, string>();

  constructor(private readonly options: TaskStateManagerOptions) {}

  store(name: string): StateStore | undefined {
    return this.stores.get(name);
  }

  allStores(): IterableIterator<StateStore> {
    return this.stores.values();
  }

  /** Opens every store, restoring logged ones from `source` when given (the test driver has none). */
  async open(source?: RestoreSource): Promise<{ restoredRecords: number; offsetResets: number; skippedByReset: number }> {
    const { taskDir, suppliers, applicationId, partition, logger } = this.options;
    await mkdir(taskDir, { recursive: true });
    const checkpointFile = CheckpointFile.forTask(taskDir);
    const checkpoint = new Map((await checkpointFile.read()).map((e) => [`${e.topic}:${e.partition}`, e.offset]));
    const toRestore: { store: StateStore; topic: string; from: number; end: number }[] = [];
    let offsetResets = 0;
    let skippedByReset = 0;
    for (const supplier of suppliers) {
      const store = supplier.build();
      const topic = changelogTopicName(applicationId, store.name);
      let checkpointed = checkpoint.get(`${topic}:${partition}`);
      if (checkpointed !== undefined && source && store.loggingEnabled) {
        // The changelog lost the records after the checkpoint (retention, delete-records): the local
        // state plus what is left would not be any state the task had, so it is rebuilt from what is left.
        const low = await source.admin.beginningOffset({ topic, partition });
        if (checkpointed < low) {
          logger.log('warn', 'offset reset: the changelog no longer holds the checkpointed offset; wiping the store and restoring from the first offset left', {
            store: store.name, topic, partition, from: checkpointed, to: low, skipped: low - checkpointed,
          });
          offsetResets++;
          skippedByReset += low - checkpointed;
          checkpointed = undefined;
        }
      }
      const storeDir = join(taskDir, store.name);
      if (store.persistent && checkpointed === undefined) await rm(storeDir, { recursive: true, force: true });
      await store.init({ taskId: this.options.taskId, stateDir: storeDir });
      this.stores.set(store.name, store);
      if (!store.loggingEnabled) continue;
      this.changelogTopics.set(store.name, topic);
      if (!source) continue;
      const from = store.persistent && checkpointed !== undefined ? checkpointed : await source.admin.beginningOffset({ topic, partition });
      const end = await source.admin.endOffset({ topic, partition });
      if (end > from) toRestore.push({ store, topic, from, end });
    }
    // Every changelog's range is known before the first is restored, so the remaining count only falls.
    const metrics = this.options.metrics;
    if (metrics) metrics.remainingRecords = toRestore.reduce((sum, r) => sum + (r.end - r.from), 0);
    let restoredRecords = 0;
    for (const { store, topic, from, end } of toRestore) restoredRecords += await this.restore(store, topic, from, end, source!, logger);
    if (metrics) {
      metrics.remainingRecords = 0;
      metrics.restoringStore = undefined;
    }
    await rm(checkpointFile.file, { force: true });
    return { restoredRecords, offsetResets, skippedByReset };
  }

  private async restore(store: StateStore, topic: string, from: number, end: number, source: RestoreSource, logger: Logger): Promise<number> {
    const { partition, metrics } = this.options;
    if (metrics) metrics.restoringStore = store.name;
    const started = Date.now();
    logger.log('info', 'restoring store from changelog', { store: store.name, topic, partition, from, to: end });
    let restored = 0;
    let lastLog = started;
    for await (const batch of source.reader.read({ topic, partition }, from, end)) {
      await store.restore(batch.map((r) => ({ key: r.key ?? Buffer.alloc(0), value: r.value })));
      restored += batch.length;
      if (metrics) {
        metrics.restoredRecords += batch.length;
        metrics.remainingRecords -= batch.length;
      }
      if (Date.now() - lastLog > 2000) {
        lastLog = Date.now();
        logger.log('info', 'restoration progress', { store: store.name, restored, remaining: end - from - restored });
      }
    }
    const seconds = (Date.now() - started) / 1000;
    logger.log('info', 'store restored', { store: store.name, records: restored, seconds, recordsPerSecond: Math.round(restored / Math.max(seconds, 1e-3)) });
    return restored;
  }

  /** Flushes every store; returns the changelog records for this task's partition of each changelog topic. */
  async flush(): Promise<ProducedRecord[]> {
    const records: ProducedRecord[] = [];
    for (const store of this.stores.values()) {
      const entries = await store.flush();
      const topic = this.changelogTopics.get(store.name);
      if (!topic) continue;
      for (const entry of entries) {
        records.push({ topic, partition: this.options.partition, key: entry.key, value: entry.value, timestamp: Date.now(), headers: {} });
      }
    }
    return records;
  }

  /**
   * Closes the stores. After a clean commit, `endOffsets` (changelog end per topic) is written as
   * the checkpoint, so the next owner on this machine restores only what came after.
   */
  async close(endOffsets?: ReadonlyMap<string, number>): Promise<void> {
    const persistent = new Set([...this.stores.values()].filter((s) => s.persistent).map((s) => s.name));
    for (const store of this.stores.values()) await store.close();
    if (endOffsets) {
      const entries = [];
      for (const [store, topic] of this.changelogTopics) {
        const offset = endOffsets.get(store);
        if (offset !== undefined && persistent.has(store)) entries.push({ topic, partition: this.options.partition, offset });
      }
      await CheckpointFile.forTask(this.options.taskDir).write(entries);
    }
    this.stores.clear();
  }

  changelogTopicOf(store: string): string | undefined {
    return this.changelogTopics.get(store);
  }
}
