/**
 * The ranking fast path (`targetScorer`, and `rankRelated`'s running top list) against the definitions it must
 * match bit for bit: `scorePair(...).score`, and "score every candidate, keep each key's best, sort, take `limit`".
 * Random vectors over a small vocabulary, so that pairs share many terms, tags and exact score ties.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  compareRelated, rankRelated, resolveRelatedOptions, scorePair, scoringVector, targetScorer,
  type CorpusStats, type RankInput, type RelatedOptionsInput,
} from '../../lambdas/core/related.js';
import type { TermVector, WeightedTerm } from '../../lambdas/core/terms.js';
import { prng } from '../support/prng.js';

const VOCABULARY = Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? `two words ${i}` : `t${(i * 7919).toString(36)}`));
const TAGS = ['news', 'rust', 'css', 'seo', 'ops', 'ux'];

function randomVector(random: () => number, options: { fixedWeights?: boolean } = {}): TermVector {
  const pick = (count: number) => {
    const terms = new Set<string>();
    while (terms.size < count) terms.add(VOCABULARY[Math.floor(random() ** 2 * VOCABULARY.length)]!);
    return [...terms];
  };
  // Fixed weights make many candidates score exactly alike (ties broken by date, then key).
  const weight = () => (options.fixedWeights ? 0.125 : random() / 3);
  const field = (count: number): WeightedTerm[] => pick(count).map((term) => ({ term, word: term.toUpperCase(), weight: weight() }));
  return {
    version: 1,
    lang: 'en',
    body: field(Math.floor(random() * 41)),
    title: field(Math.floor(random() * 6)),
    tags: TAGS.filter(() => random() < 0.4),
  };
}

function randomCorpus(random: () => number): CorpusStats {
  const frequencies = new Map<string, number>();
  return {
    postCount: 50 + Math.floor(random() * 5000),
    documentFrequency(key) {
      let df = frequencies.get(key);
      if (df === undefined) frequencies.set(key, df = 1 + Math.floor(random() * 300));
      return df;
    },
  };
}

const WEIGHTINGS: RelatedOptionsInput[] = [
  {},
  { weights: { text: 0 } },
  { weights: { title: 0 } },
  { weights: { tags: 0 } },
  { weights: { text: 0.3, tags: 2, title: 1.7 } },
];

describe('targetScorer', () => {
  it('gives scorePair(...).score to the last bit, for random vectors and weightings', () => {
    const random = prng(11);
    for (let round = 0; round < 25; round++) {
      const corpus = randomCorpus(random);
      const vectors = Array.from({ length: 40 }, () => randomVector(random));
      for (const input of WEIGHTINGS) {
        const options = resolveRelatedOptions(input);
        for (const a of vectors.slice(0, 8)) {
          const score = targetScorer(a, corpus, options);
          for (const b of vectors) expect(Object.is(score(b), scorePair(a, b, corpus, options).score)).toBe(true);
        }
      }
    }
  });

  it('adds the contributions up in the order scorePair does (seen with the final rounding turned off)', () => {
    // Scores are rounded to 6 decimals, which hides almost any difference in the last bits of the sum; with
    // `Math.round` as the identity, summing the same terms in another order would show.
    const round = vi.spyOn(Math, 'round').mockImplementation((x) => x);
    try {
      const random = prng(14);
      for (let i = 0; i < 10; i++) {
        const corpus = randomCorpus(random);
        const vectors = Array.from({ length: 30 }, () => randomVector(random));
        const options = resolveRelatedOptions({});
        for (const a of vectors.slice(0, 6)) {
          const score = targetScorer(a, corpus, options);
          for (const b of vectors) {
            expect(Object.is(score(b), scorePair(a, b, corpus, options).score)).toBe(true);
          }
        }
      }
    } finally {
      round.mockRestore();
    }
  });

  it('keeps every scorer exact when several are used in turn', () => {
    const random = prng(12);
    const corpus = randomCorpus(random);
    const options = resolveRelatedOptions({});
    const vectors = Array.from({ length: 30 }, () => randomVector(random));
    const scorers = vectors.slice(0, 5).map((a) => ({ a, score: targetScorer(a, corpus, options) }));
    for (const b of vectors) {
      for (const { a, score } of scorers) expect(score(b)).toBe(scorePair(a, b, corpus, options).score);
    }
  });

  it('stays exact across the start-over of its term ids (a long-lived process meeting ever new terms)', () => {
    const random = prng(15);
    const corpus = randomCorpus(random);
    const options = resolveRelatedOptions({});
    const vectors = Array.from({ length: 10 }, () => randomVector(random));
    const early = targetScorer(vectors[0]!, corpus, options);
    for (const b of vectors) expect(early(b)).toBe(scorePair(vectors[0]!, b, corpus, options).score);
    // More distinct terms than are kept: the next scorer made starts the ids over.
    const huge: TermVector = {
      version: 1, lang: 'en', title: [], tags: Array.from({ length: 300_000 }, (_, i) => `tag-${i}`),
      body: Array.from({ length: 300_000 }, (_, i) => ({ term: `w${i}`, word: `w${i}`, weight: 0.001 })),
    };
    expect(early(huge)).toBe(scorePair(vectors[0]!, huge, corpus, options).score);
    const late = targetScorer(vectors[1]!, corpus, options);
    for (const b of [...vectors, huge]) {
      expect(early(b)).toBe(scorePair(vectors[0]!, b, corpus, options).score);
      expect(late(b)).toBe(scorePair(vectors[1]!, b, corpus, options).score);
    }
  });

  it('scores a vector prepared ahead (RankInput.scoring) as it scores the vector, a stale preparation included', () => {
    const random = prng(16);
    const corpus = randomCorpus(random);
    const options = resolveRelatedOptions({});
    const vectors = Array.from({ length: 20 }, () => randomVector(random));
    const prepared = vectors.map(scoringVector);
    const score = targetScorer(vectors[0]!, corpus, options);
    vectors.forEach((b, i) => expect(score(b, prepared[i])).toBe(scorePair(vectors[0]!, b, corpus, options).score));
    // A scorer made after the term ids started over does not trust the preparations made before.
    const huge: TermVector = {
      version: 1, lang: 'en', title: [], tags: [], body: Array.from({ length: 300_000 }, (_, i) => ({ term: `p${i}`, word: `p${i}`, weight: 0.001 })),
    };
    score(huge);
    const late = targetScorer(vectors[1]!, corpus, options);
    vectors.forEach((b, i) => expect(late(b, prepared[i])).toBe(scorePair(vectors[1]!, b, corpus, options).score));
    const inputs: RankInput[] = vectors.map((vector, i) => ({ key: `k${i}`, vector, scoring: prepared[i]! }));
    const plain: RankInput[] = vectors.map((vector, i) => ({ key: `k${i}`, vector }));
    expect(rankRelated(inputs[2]!, inputs, corpus, { limit: 6 })).toStrictEqual(rankRelated(plain[2]!, plain, corpus, { limit: 6 }));
  });

  it('scores vectors with no terms, no tags, or a term listed twice in the candidate', () => {
    const random = prng(13);
    const corpus = randomCorpus(random);
    const options = resolveRelatedOptions({});
    const empty: TermVector = { version: 1, lang: 'en', body: [], title: [], tags: [] };
    const full = randomVector(random);
    const twice: TermVector = { ...full, body: [...full.body, { ...full.body[0]!, weight: 0.01 }] };
    for (const [a, b] of [[empty, full], [full, empty], [empty, empty], [full, twice]] as const) {
      expect(targetScorer(a, corpus, options)(b)).toBe(scorePair(a, b, corpus, options).score);
    }
  });
});

describe('rankRelated', () => {
  /** The definition: every candidate scored, each key's best entry, all sorted, the first `limit` explained. */
  function reference(target: RankInput, candidates: readonly RankInput[], corpus: CorpusStats, input: RelatedOptionsInput) {
    const options = resolveRelatedOptions(input);
    const best = new Map<string, { key: string; score: number; date?: string; candidate: RankInput }>();
    for (const candidate of candidates) {
      if (candidate.key === target.key) continue;
      const score = scorePair(target.vector, candidate.vector, corpus, options).score;
      if (score <= 0 || score < options.minScore) continue;
      const entry = { key: candidate.key, score, ...(candidate.date !== undefined && { date: candidate.date }), candidate };
      const seen = best.get(candidate.key);
      if (seen === undefined || compareRelated(entry, seen) < 0) best.set(candidate.key, entry);
    }
    return [...best.values()].sort(compareRelated).slice(0, options.limit).map(({ candidate }) => {
      const pair = scorePair(target.vector, candidate.vector, corpus, options);
      return {
        key: candidate.key, ...(candidate.date !== undefined && { date: candidate.date }), score: pair.score,
        sharedTerms: pair.sharedTerms.slice(0, options.explainTerms), sharedTags: pair.sharedTags,
      };
    });
  }

  it('lists what sorting every scored candidate lists, ties and duplicate keys included', () => {
    const random = prng(21);
    for (let round = 0; round < 30; round++) {
      const corpus = randomCorpus(random);
      const fixedWeights = round % 2 === 0;
      const inputs: RankInput[] = Array.from({ length: 60 }, () => {
        const date = random() < 0.2 ? undefined : `20${10 + Math.floor(random() * 3)}-01-0${1 + Math.floor(random() * 3)}`;
        return { key: `post-${Math.floor(random() * 45)}`, ...(date !== undefined && { date }), vector: randomVector(random, { fixedWeights }) };
      });
      const target = inputs[0]!;
      for (const input of [{}, { limit: 1 }, { limit: 10 }, { limit: 0 }, { limit: 100, minScore: 0 }, { weights: { text: 0 }, limit: 6 }]) {
        expect(rankRelated(target, inputs, corpus, input)).toEqual(reference(target, inputs, corpus, input));
        expect(rankRelated(target, [...inputs].reverse(), corpus, input)).toEqual(reference(target, inputs, corpus, input));
      }
    }
  });
});
