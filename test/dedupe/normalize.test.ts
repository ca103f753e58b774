import { describe, expect, it } from 'vitest';
import { editSimilarity, fingerprint, jaccard, normalizeText, shingles, words } from '../../lambdas/core/normalize.js';

describe('normalizeText', () => {
  it('case-folds, strips punctuation and symbols and collapses whitespace', () => {
    expect(normalizeText('  Hello,   World!  It’s 100% — “fine”.\n')).toBe('hello world it s 100 fine');
    expect(normalizeText('It\'s "fine"')).toBe(normalizeText('It’s “fine”'));
  });

  it('treats full-width and half-width forms alike (NFKC)', () => {
    expect(normalizeText('ＡＢＣ１２３')).toBe('abc123');
    expect(normalizeText('ﾃｽﾄ')).toBe(normalizeText('テスト'));
    expect(normalizeText('ﬁle')).toBe('file');
  });

  it('keeps accents but folds case in French and German; ß equals SS', () => {
    expect(normalizeText('« Élève », dit-elle : ÉTÉ !')).toBe('élève dit elle été');
    expect(normalizeText('élève')).not.toBe(normalizeText('eleve'));
    expect(normalizeText('Die Straße')).toBe(normalizeText('DIE STRASSE'));
    expect(normalizeText('ΟΔΟΣ')).toBe(normalizeText('οδος'));
  });

  it('strips CJK punctuation and invisible format characters', () => {
    expect(normalizeText('日本語、テスト。')).toBe('日本語 テスト');
    expect(normalizeText('soft\u00adhyphen zero\u200bwidth')).toBe('softhyphen zerowidth');
  });
});

describe('words and shingles', () => {
  it('splits on spaces, and Chinese/Japanese into single characters', () => {
    expect(words('hello big world')).toEqual(['hello', 'big', 'world']);
    expect(words('日本語 テスト')).toEqual(['日', '本', '語', 'テ', 'ス', 'ト']);
    expect(words(normalizeText('iPhoneを使う'))).toEqual(['iphone', 'を', '使', 'う']);
    expect(words('')).toEqual([]);
  });

  it('makes distinct 4-word shingles, and one shingle of short text', () => {
    expect(shingles(['a', 'b', 'c', 'd', 'e'])).toEqual(['a b c d', 'b c d e']);
    expect(shingles(['a', 'b', 'a', 'b', 'a', 'b'])).toEqual(['a b a b', 'b a b a']);
    expect(shingles(['read', 'more'])).toEqual(['read more']);
    expect(shingles([])).toEqual([]);
  });

  it('gives CJK text character 4-grams', () => {
    expect(shingles(words(normalizeText('東京都庁舎')))).toEqual(['東 京 都 庁', '京 都 庁 舎']);
  });
});

describe('fingerprint', () => {
  it('is 16 hex digits, equal for equal normalised text and different otherwise', () => {
    const a = fingerprint(normalizeText('Subscribe to our newsletter!'));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(normalizeText('SUBSCRIBE to our   newsletter'))).toBe(a);
    expect(fingerprint(normalizeText('Subscribe to our podcast'))).not.toBe(a);
    // Stable forever: stored fingerprints must keep matching.
    expect(fingerprint('subscribe to our newsletter')).toBe(a);
    expect(a).toBe('8c03f38666a24aa8'); // printf 'subscribe to our newsletter' | sha256sum
  });
});

describe('exact similarity measures', () => {
  it('jaccard', () => {
    expect(jaccard(new Set(['a', 'b']), new Set(['b', 'c']))).toBeCloseTo(1 / 3);
    expect(jaccard(new Set(['a']), new Set(['a']))).toBe(1);
    expect(jaccard(new Set(), new Set())).toBe(0);
  });

  it('editSimilarity counts changed, inserted and deleted words', () => {
    const forty = Array.from({ length: 40 }, (_, i) => `w${i}`);
    const changed = forty.map((word, i) => (i === 20 ? 'other' : word));
    expect(editSimilarity(forty, changed)).toBeCloseTo(39 / 40);
    expect(editSimilarity(forty, forty.slice(1))).toBeCloseTo(39 / 40);
    expect(editSimilarity(['a', 'b'], ['c', 'd'])).toBe(0);
    expect(editSimilarity([], [])).toBe(0);
  });
});
