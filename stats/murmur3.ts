/**
 * MurmurHash3 (x86, 32-bit) over a string's UTF-16 code units, two per 32-bit block. Hashing code
 * units instead of UTF-8 bytes skips an encoding per record on the hot path; the values are stable
 * across runs and processes, which is what sketches that get merged need.
 */
export function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const len = text.length;
  const blocks = len >>> 1;
  for (let b = 0; b < blocks; b++) {
    let k = (text.charCodeAt(2 * b) & 0xffff) | ((text.charCodeAt(2 * b + 1) & 0xffff) << 16);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (len & 1) {
    let k = text.charCodeAt(len - 1) & 0xffff;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= len * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
