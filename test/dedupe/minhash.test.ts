import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeSignature, encodeSignature, estimateJaccard, LSH_BANDS, lshBandKeys, MINHASH_PERMUTATIONS, minhashSignature, murmur3,
} from '../../lambdas/core/minhash.js';
import { jaccard, normalizeText, shingles, words } from '../../lambdas/core/normalize.js';
import { paragraph, wordsFrom } from './helpers.js';

const shinglesOf = (text: string) => shingles(words(normalizeText(text)));

/** `base` with every `step`-th word (from `offset`) replaced by a word used nowhere else. */
function variant(base: readonly string[], step: number, offset = 0): string {
  return base.map((word, i) => (i % step === offset ? `other${i}` : word)).join(' ');
}

describe('murmur3', () => {
  it('matches the reference MurmurHash3 x86_32 values', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(murmur3(bytes(''), 0)).toBe(0);
    expect(murmur3(bytes(''), 1)).toBe(0x514e28b7);
    expect(murmur3(bytes('a'), 0)).toBe(0x3c2569b2);
    expect(murmur3(bytes('abc'), 0)).toBe(0xb3dd93fa);
    expect(murmur3(bytes('hello'), 0)).toBe(0x248bfa47);
    expect(murmur3(bytes('The quick brown fox jumps over the lazy dog'), 0)).toBe(0x2e4ff723);
  });
});

describe('minhashSignature and estimateJaccard', () => {
  it('gives identical texts similarity 1, and is the same for the shingles in any order', () => {
    const text = paragraph(1, 120);
    const a = minhashSignature(shinglesOf(text));
    expect(a).toHaveLength(MINHASH_PERMUTATIONS);
    expect(estimateJaccard(a, minhashSignature(shinglesOf(text)))).toBe(1);
    expect(minhashSignature([...shinglesOf(text)].reverse())).toEqual(a);
  });

  it('estimates the exact Jaccard within ±0.1 across the whole range', () => {
    const base = wordsFrom(2, 300);
    const pairs: [string, string][] = [
      [base.join(' '), variant(base, 40)],
      [base.join(' '), variant(base, 15)],
      [base.join(' '), variant(base, 8)],
      [base.join(' '), variant(base, 5)],
      [base.join(' '), variant(base, 3)],
      [base.join(' '), `${base.slice(0, 150).join(' ')} ${wordsFrom(3, 150).join(' ')}`],
      [paragraph(4, 200), paragraph(5, 200)],
    ];
    const exacts: number[] = [];
    for (const [x, y] of pairs) {
      const exact = jaccard(new Set(shinglesOf(x)), new Set(shinglesOf(y)));
      const estimate = estimateJaccard(minhashSignature(shinglesOf(x)), minhashSignature(shinglesOf(y)));
      expect(Math.abs(estimate - exact), `exact ${exact.toFixed(3)}, estimate ${estimate.toFixed(3)}`).toBeLessThanOrEqual(0.1);
      exacts.push(exact);
    }
    // The pairs really cover the range, from near-identical to unrelated.
    expect(Math.max(...exacts)).toBeGreaterThan(0.8);
    expect(exacts.some((j) => j > 0.3 && j < 0.7)).toBe(true);
    expect(Math.min(...exacts)).toBeLessThan(0.05);
  });

  it('calls empty text similar to nothing and gives it no band keys', () => {
    const empty = minhashSignature([]);
    expect(estimateJaccard(empty, empty)).toBe(0);
    expect(lshBandKeys(empty)).toEqual([]);
  });

  it('refuses to compare signatures of different lengths', () => {
    expect(() => estimateJaccard(minhashSignature(['a'], 64), minhashSignature(['a']))).toThrow(RangeError);
  });

  it('never changes for the same text (stored signatures stay comparable)', () => {
    const signature = minhashSignature(shinglesOf('The quick brown fox jumps over the lazy dog and runs far away.'));
    const digest = createHash('sha256').update(encodeSignature(signature)).digest('hex').slice(0, 16);
    expect({ digest, first: signature[0], key: lshBandKeys(signature)[0] }).toMatchInlineSnapshot(`
      {
        "digest": "1cea2a678f9f0168",
        "first": 625462927,
        "key": "b0:ff1f6b61",
      }
    `);
  });
});

describe('LSH band keys', () => {
  it('are 20 keys `b<band>:<8 hex>`', () => {
    const keys = lshBandKeys(minhashSignature(shinglesOf(paragraph(6, 80))));
    expect(keys).toHaveLength(LSH_BANDS);
    keys.forEach((key, band) => expect(key).toMatch(new RegExp(`^b${band}:[0-9a-f]{8}$`)));
  });

  it('collide for 0.9-similar sections and not for unrelated ones', () => {
    const base = wordsFrom(7, 400);
    const keysOf = (text: string) => new Set(lshBandKeys(minhashSignature(shinglesOf(text))));
    const shared = (a: Set<string>, b: Set<string>) => [...a].filter((key) => b.has(key)).length;
    const original = keysOf(base.join(' '));
    for (let offset = 0; offset < 10; offset++) {
      const similar = variant(base, 80, offset); // 5 changed words of 400: exact Jaccard ≈ 0.9
      expect(jaccard(new Set(shinglesOf(base.join(' '))), new Set(shinglesOf(similar)))).toBeGreaterThan(0.88);
      expect(shared(original, keysOf(similar))).toBeGreaterThan(0);
    }
    for (let seed = 100; seed < 120; seed++) expect(shared(original, keysOf(wordsFrom(seed, 400).join(' ')))).toBe(0);
  });

  it('finds nearly all 0.8-similar pairs and few 0.4-similar ones (the S-curve of 20 bands × 6 rows)', () => {
    const collides = (a: string, b: string) => {
      const keys = new Set(lshBandKeys(minhashSignature(shinglesOf(a))));
      return lshBandKeys(minhashSignature(shinglesOf(b))).some((key) => keys.has(key));
    };
    const exact = (a: string, b: string) => jaccard(new Set(shinglesOf(a)), new Set(shinglesOf(b)));
    let high = 0;
    let low = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const base = wordsFrom(1000 + seed, 200);
      const similar = variant(base, 36, seed % 36); // ≈ 0.8
      const distant = variant(base, 10, seed % 10); // ≈ 0.4
      expect(exact(base.join(' '), similar)).toBeGreaterThanOrEqual(0.78);
      expect(exact(base.join(' '), distant)).toBeLessThanOrEqual(0.45);
      if (collides(base.join(' '), similar)) high++;
      if (collides(base.join(' '), distant)) low++;
    }
    // P(0.8) = 0.998 → 40 of 40 expected (16 × 8 bands, P(0.8) = 0.947, misses 3 of these 40); P(0.43) ≈ 0.11 → about 4 (3 here).
    expect(high).toBe(40);
    expect(low).toBeLessThanOrEqual(8);
  });

  it('rejects more bands than the signature has rows for', () => {
    expect(() => lshBandKeys(minhashSignature(['a']), 32, 8)).toThrow(RangeError);
  });
});

describe('encodeSignature / decodeSignature', () => {
  it('round-trips through 684 base64 characters', () => {
    const signature = minhashSignature(shinglesOf(paragraph(8, 60)));
    const encoded = encodeSignature(signature);
    expect(encoded).toHaveLength(684);
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(decodeSignature(encoded)).toEqual(signature);
  });

  it('rejects text that is not a signature', () => {
    expect(() => decodeSignature('not base64!')).toThrow(RangeError);
    expect(() => decodeSignature('AAA=')).toThrow(RangeError);
    expect(() => decodeSignature('')).toThrow(RangeError);
  });
});
