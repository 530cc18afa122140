/**
 * The backend/layer combinations every store contract test runs over (STYLE practice 13, as
 * Quix Streams parametrizes its store tests), plus temp state directories.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export interface StoreVariant {
  readonly label: string;
  readonly persistent: boolean;
  readonly cache: boolean;
  /** Tiny cache so eviction (early write-down) is exercised too. */
  readonly cacheMaxEntries?: number;
}

export const STORE_VARIANTS: readonly StoreVariant[] = [
  { label: 'in-memory', persistent: false, cache: false },
  { label: 'in-memory + cache', persistent: false, cache: true },
  { label: 'rocksdb', persistent: true, cache: false },
  { label: 'rocksdb + cache', persistent: true, cache: true },
  { label: 'rocksdb + cache of 2 entries', persistent: true, cache: true, cacheMaxEntries: 2 },
];

export async function withStateDir<T>(run: (stateDir: string) => Promise<T>): Promise<T> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'weir-state-test-'));
  try {
    return await run(stateDir);
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** Deterministic PRNG (mulberry32) so the randomized sequences are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
