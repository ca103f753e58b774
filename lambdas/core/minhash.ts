/**
 * MinHash signatures and LSH band keys: find sections/posts whose shingle sets have a high Jaccard similarity
 * without comparing every pair. Pure and deterministic: the same shingles give the same signature on every
 * machine and every run, so signatures stored in DynamoDB stay comparable forever. Changing any constant here
 * (seeds, permutations, bands, rows) invalidates every stored signature and band key: bump `MINHASH_VERSION`.
 *
 * Parameters — 128 permutations, 20 bands × 6 rows:
 *   A pair with Jaccard s agrees on one signature row with probability s, on a whole band of r rows with s^r, so it
 *   shares at least one of b band keys with probability P(s) = 1 − (1 − s^r)^b. With b = 20, r = 6:
 *     s:    0.95    0.9     0.8     0.7    0.6    0.5    0.4    0.3    0.2
 *     P:   ≈1.0   ≈1.0    0.9977  0.918  0.615  0.270  0.079  0.015  0.001
 *   so repeats (s ≥ 0.8) are found with probability > 0.99, and a pair under 0.4 becomes a candidate rarely
 *   (< 8%, under 0.3 < 1.5%); a candidate is only a lookup — the decision compares full signatures. The 16 × 8
 *   split would give only P(0.8) = 0.947; 21 × 6 gains nothing noticeable (0.998) for one more index key.
 *   The last 8 of the 128 values are not banded; they sharpen `estimateJaccard` (standard error
 *   √(s(1−s)/128) ≈ 0.035 at s = 0.8, so ±0.1 is ~3σ). 64 permutations would double the variance (±0.05 at 0.8),
 *   too coarse for a 0.8 cut-off; a signature is 512 bytes (684 base64 characters).
 */

export const MINHASH_VERSION = 1;
export const MINHASH_PERMUTATIONS = 128;
export const LSH_BANDS = 20;
export const LSH_ROWS = 6;

/** Row value of an empty shingle set: no element hashed below it. Rows with this value never count as agreeing. */
const EMPTY = 0xffffffff;

/**
 * MinHash signature: for each permutation i, the minimum over the shingles of h_i(shingle). Each shingle is hashed
 * once with murmur3 (32-bit, UTF-8 bytes); h_i(x) = fmix32(x ⊕ seed_i) — murmur3's finaliser is a bijection of the
 * 32-bit values with full avalanche, so XOR-ing a per-permutation seed before it gives independent-looking
 * permutations at the cost of a few multiplications instead of re-hashing every string 128 times.
 */
export function minhashSignature(shingles: Iterable<string>, permutations = MINHASH_PERMUTATIONS): Uint32Array {
  const seeds = permutationSeeds(permutations);
  const signature = new Uint32Array(permutations).fill(EMPTY);
  const encoder = new TextEncoder();
  for (const shingle of shingles) {
    const base = murmur3(encoder.encode(shingle), 0);
    for (let i = 0; i < permutations; i++) {
      const value = fmix32(base ^ seeds[i]!);
      if (value < signature[i]!) signature[i] = value;
    }
  }
  return signature;
}

/**
 * `minhashSignature(shingles(wordList, size))` bit for bit, without making the shingle strings: the words (as
 * `words` in normalize.ts gives them: none holds a space) are encoded once, joined by spaces as `shingles` joins
 * them, and each shingle is hashed where it lies in those bytes. A shingle that occurs twice is hashed twice, which
 * changes no minimum. This is most of what a post's own features cost, hence the care.
 */
export function wordShingleSignature(wordList: readonly string[], size = 4, permutations = MINHASH_PERMUTATIONS): Uint32Array {
  const seeds = permutationSeeds(permutations);
  const signature = new Uint32Array(permutations).fill(EMPTY);
  if (wordList.length === 0) return signature;
  const joined = wordList.join(' ');
  if (scratch.length < joined.length * 3) scratch = new Uint8Array(joined.length * 3);
  const bytes = scratch;
  const length = scratchEncoder.encodeInto(joined, bytes).written;
  // Where each word ends: at a space (0x20 is never part of a longer UTF-8 sequence) or at the end.
  const ends: number[] = [];
  for (let i = 0; i < length; i++) if (bytes[i] === 0x20) ends.push(i);
  ends.push(length);
  // Below `size` words, one shingle of all of them (as `shingles` makes it).
  const span = Math.min(size, ends.length);
  let start = 0;
  for (let first = 0; first + span <= ends.length; first++) {
    const base = murmur3Range(bytes, start, ends[first + span - 1]!, 0);
    for (let i = 0; i < permutations; i++) {
      const value = fmix32(base ^ seeds[i]!);
      if (value < signature[i]!) signature[i] = value;
    }
    start = ends[first]! + 1;
  }
  return signature;
}

/** Reused by `wordShingleSignature`: its bytes are read before it returns, so one buffer serves every call. */
let scratch = new Uint8Array(4096);
const scratchEncoder = new TextEncoder();

/**
 * The signature of the union of some shingle sets, from their signatures: per permutation, the minimum over a union
 * is the minimum of the parts' minimums. Equal, bit for bit, to `minhashSignature` of the union, so a text made of
 * parts (a section of blocks) is hashed once per part, however many sections share the part.
 */
export function unionSignature(parts: Iterable<Uint32Array>, permutations = MINHASH_PERMUTATIONS): Uint32Array {
  const signature = new Uint32Array(permutations).fill(EMPTY);
  for (const part of parts) {
    if (part.length !== permutations) throw new RangeError(`a signature of ${part.length} values cannot join signatures of ${permutations}`);
    for (let i = 0; i < permutations; i++) if (part[i]! < signature[i]!) signature[i] = part[i]!;
  }
  return signature;
}

/**
 * Estimated Jaccard similarity: the share of rows where both signatures hold the same minimum. Rows of an empty set
 * never agree, so empty text is similar to nothing (not even to empty text).
 */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`signatures of different lengths (${a.length}, ${b.length}) cannot be compared`);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i] && a[i] !== EMPTY) same++;
  return same / a.length;
}

/**
 * LSH band keys `b<band>:<8 hex>`: the band number and a murmur3 hash of the band's rows. Two signatures share a key
 * exactly when they agree on every row of that band (up to 2^-32 hash collisions). Store them in an index and
 * query it with the keys of a new signature to get the candidates; empty signatures get no keys.
 */
export function lshBandKeys(signature: Uint32Array, bands = LSH_BANDS, rows = LSH_ROWS): string[] {
  if (bands * rows > signature.length) throw new RangeError(`${bands} bands × ${rows} rows need ${bands * rows} values, the signature has ${signature.length}`);
  if (signature.every((value) => value === EMPTY)) return [];
  const keys: string[] = [];
  // One buffer for every band: each is hashed before the next is written.
  const bytes = new Uint8Array(rows * 4);
  const view = new DataView(bytes.buffer);
  for (let band = 0; band < bands; band++) {
    for (let row = 0; row < rows; row++) view.setUint32(row * 4, signature[band * rows + row]!, true);
    keys.push(`b${band}:${murmur3(bytes, band).toString(16).padStart(8, '0')}`);
  }
  return keys;
}

/** Signature → base64 of its little-endian bytes (for a DynamoDB string attribute). */
export function encodeSignature(signature: Uint32Array): string {
  const bytes = new Uint8Array(signature.length * 4);
  const view = new DataView(bytes.buffer);
  signature.forEach((value, i) => view.setUint32(i * 4, value, true));
  return Buffer.from(bytes).toString('base64');
}

/** base64 from `encodeSignature` → signature. Throws on text that is not a whole number of 32-bit values. */
export function decodeSignature(encoded: string): Uint32Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw new RangeError('signature is not base64');
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) throw new RangeError(`signature has ${bytes.length} bytes, not a multiple of 4`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint32Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(i * 4, true));
}

const seedCache = new Map<number, Uint32Array>();

/** Fixed seeds derived from the permutation number (golden-ratio steps through fmix32): no randomness, no state. */
function permutationSeeds(count: number): Uint32Array {
  let seeds = seedCache.get(count);
  if (!seeds) {
    seeds = Uint32Array.from({ length: count }, (_, i) => fmix32(Math.imul(i + 1, 0x9e3779b9) >>> 0));
    seedCache.set(count, seeds);
  }
  return seeds;
}

/** murmur3's 32-bit finaliser. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86 32-bit. */
export function murmur3(bytes: Uint8Array, seed: number): number {
  return murmur3Range(bytes, 0, bytes.length, seed);
}

/** `murmur3(bytes.subarray(start, end), seed)`, without the subarray. */
function murmur3Range(bytes: Uint8Array, start: number, end: number, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const length = end - start;
  const tail = start + (length & ~3);
  for (let i = start; i < tail; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = length & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= bytes[tail + 2]! << 16;
    if (rest >= 2) k ^= bytes[tail + 1]! << 8;
    k ^= bytes[tail]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= length;
  return fmix32(h);
}
