/**
 * Per-task checkpoint of changelog offsets, as Kafka Streams' `.checkpoint` (OffsetCheckpoint):
 * after a commit the runtime records, per changelog topic-partition, the offset up to which the
 * local stores hold the changelog, so a restart restores only from there on. Same text format as
 * Kafka Streams (version 0): a version line, a count line, then `topic partition offset` lines.
 *
 * Written atomically (temp file, fsync, rename, fsync of the directory): a crash leaves either the
 * old or the new checkpoint, never a torn one. A missing file means "no checkpoint": restore all.
 *
 * @example
 * ```ts
 * const checkpoint = CheckpointFile.forTask(stateDir);
 * await checkpoint.write([{ topic: 'app-counts-changelog', partition: 3, offset: 1042 }]);
 * const offsets = await checkpoint.read(); // [] when no checkpoint was written
 * ```
 */
import { open, readFile, rename, rm, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { WeirError } from '../errors/weir-error';

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** Next changelog offset to restore from (Kafka Streams checkpoints the last written offset + 1). */
  readonly offset: number;
}

const VERSION = 0;
/** Kafka's legal topic characters; anything else would break the space-separated format. */
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

export class CheckpointFile {
  constructor(readonly file: string) {}

  /** The checkpoint file of one task's state directory. */
  static forTask(stateDir: string): CheckpointFile {
    return new CheckpointFile(path.join(stateDir, '.checkpoint'));
  }

  async write(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const seen = new Set<string>();
    for (const entry of offsets) {
      validate(entry, this.file);
      const id = `${entry.topic} ${entry.partition}`;
      if (seen.has(id)) throw new WeirError('STORE_ERROR', 'checkpoint lists a topic-partition twice', { file: this.file, topic: entry.topic, partition: entry.partition });
      seen.add(id);
    }
    const lines = [String(VERSION), String(offsets.length), ...offsets.map((e) => `${e.topic} ${e.partition} ${e.offset}`)];
    const temp = `${this.file}.tmp`;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(`${lines.join('\n')}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.file);
      await syncDirectory(path.dirname(this.file));
    } catch (error) {
      throw new WeirError('STORE_ERROR', 'cannot write checkpoint file', { file: this.file }, { cause: error });
    }
  }

  /** The checkpointed offsets, or [] when there is no checkpoint file. */
  async read(): Promise<TopicPartitionOffset[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new WeirError('STORE_ERROR', 'cannot read checkpoint file', { file: this.file }, { cause: error });
    }
    const lines = text.split('\n').filter((line) => line.length > 0);
    const corrupt = (reason: string, line?: number) => new WeirError('STORE_ERROR', `corrupt checkpoint file: ${reason}`, { file: this.file, line });
    if (lines[0] !== String(VERSION)) throw corrupt(`unsupported version ${JSON.stringify(lines[0])}`, 1);
    const count = Number(lines[1]);
    if (!Number.isSafeInteger(count) || count < 0) throw corrupt('invalid entry count', 2);
    if (lines.length !== count + 2) throw corrupt(`expected ${count} entries, found ${lines.length - 2}`);
    return lines.slice(2).map((line, i) => {
      const parts = line.split(' ');
      if (parts.length !== 3) throw corrupt('expected "topic partition offset"', i + 3);
      const entry = { topic: parts[0], partition: Number(parts[1]), offset: Number(parts[2]) };
      try {
        validate(entry, this.file);
      } catch (error) {
        throw new WeirError('STORE_ERROR', 'corrupt checkpoint file: invalid entry', { file: this.file, line: i + 3 }, { cause: error });
      }
      return entry;
    });
  }

  /** Removes the checkpoint, e.g. before wiping a task's stores (then everything is restored). */
  async delete(): Promise<void> {
    await rm(this.file, { force: true });
  }
}

function validate(entry: TopicPartitionOffset, file: string): void {
  if (!TOPIC.test(entry.topic)) throw new WeirError('STORE_ERROR', 'checkpoint topic is not a legal Kafka topic name', { file, topic: entry.topic });
  if (!Number.isSafeInteger(entry.partition) || entry.partition < 0) throw new WeirError('STORE_ERROR', 'checkpoint partition must be a non-negative integer', { file, topic: entry.topic, partition: entry.partition });
  if (!Number.isSafeInteger(entry.offset) || entry.offset < 0) throw new WeirError('STORE_ERROR', 'checkpoint offset must be a non-negative integer', { file, topic: entry.topic, partition: entry.partition, offset: entry.offset });
}

/** Makes the rename itself durable; some platforms cannot open directories, which is harmless. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    // Directory fsync unsupported (e.g. Windows): the rename is still atomic, only not yet durable.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}
