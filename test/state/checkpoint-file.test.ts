import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CheckpointFile } from '../../state/checkpoint-file';
import { isWeirError } from '../../errors/weir-error';
import { withStateDir } from './store-variants';

describe('CheckpointFile', () => {
  it('round-trips changelog offsets in the Kafka Streams .checkpoint format', () =>
    withStateDir(async (dir) => {
      const checkpoint = CheckpointFile.forTask(dir);
      assert.equal(checkpoint.file, path.join(dir, '.checkpoint'));
      const offsets = [
        { topic: 'app-counts-changelog', partition: 3, offset: 1042 },
        { topic: 'app-rollup-1m-changelog', partition: 3, offset: 0 },
      ];
      await checkpoint.write(offsets);
      assert.equal(await readFile(checkpoint.file, 'utf8'), '0\n2\napp-counts-changelog 3 1042\napp-rollup-1m-changelog 3 0\n');
      assert.deepEqual(await new CheckpointFile(checkpoint.file).read(), offsets);
      assert.deepEqual(await readdir(dir), ['.checkpoint'], 'no temp file is left behind');
    }));

  it('replaces the previous checkpoint on write', () =>
    withStateDir(async (dir) => {
      const checkpoint = CheckpointFile.forTask(dir);
      await checkpoint.write([{ topic: 't', partition: 0, offset: 5 }]);
      await checkpoint.write([{ topic: 't', partition: 0, offset: 9 }]);
      assert.deepEqual(await checkpoint.read(), [{ topic: 't', partition: 0, offset: 9 }]);
      await checkpoint.write([]);
      assert.deepEqual(await checkpoint.read(), []);
    }));

  it('reads no offsets when there is no checkpoint, or after delete', () =>
    withStateDir(async (dir) => {
      const checkpoint = CheckpointFile.forTask(path.join(dir, 'task-0_0'));
      assert.deepEqual(await checkpoint.read(), []);
      await checkpoint.write([{ topic: 't', partition: 1, offset: 2 }]);
      await checkpoint.delete();
      assert.deepEqual(await checkpoint.read(), []);
    }));

  it('fails with the file and line on a corrupt checkpoint', () =>
    withStateDir(async (dir) => {
      const checkpoint = CheckpointFile.forTask(dir);
      const cases: Array<[string, number | undefined]> = [
        ['1\n0\n', 1],
        ['0\n2\nt 0 1\n', undefined],
        ['0\n1\nt 0\n', 3],
        ['0\n1\nt zero 1\n', 3],
        ['0\n1\nt 0 -4\n', 3],
      ];
      for (const [text, line] of cases) {
        await writeFile(checkpoint.file, text);
        await assert.rejects(checkpoint.read(), (error: unknown) => isWeirError(error, 'STORE_ERROR') && error.context.file === checkpoint.file && error.context.line === line);
      }
    }));

  it('refuses to write invalid or duplicate entries', () =>
    withStateDir(async (dir) => {
      const checkpoint = CheckpointFile.forTask(dir);
      await assert.rejects(checkpoint.write([{ topic: 'has space', partition: 0, offset: 1 }]), (e: unknown) => isWeirError(e, 'STORE_ERROR'));
      await assert.rejects(checkpoint.write([{ topic: 't', partition: 0, offset: 1.5 }]), (e: unknown) => isWeirError(e, 'STORE_ERROR'));
      await assert.rejects(
        checkpoint.write([{ topic: 't', partition: 0, offset: 1 }, { topic: 't', partition: 0, offset: 2 }]),
        (e: unknown) => isWeirError(e, 'STORE_ERROR') && e.context.partition === 0,
      );
      assert.deepEqual(await checkpoint.read(), [], 'nothing was written');
    }));
});
