import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RELATED_OPTIONS,
  candidateTerms,
  compareRelated,
  corpusFromVectors,
  idfWeight,
  rankRelated,
  resolveRelatedOptions,
  scorePair,
  wouldEnter,
  type Related,
} from '../../lambdas/core/related.js';
import { indexKeys } from '../../lambdas/core/terms.js';
import { buildCorpus, prng, seedPosts, topicCorpus, type Corpus, type FixturePost } from './fixtures.js';

function precisionAt3({ posts, stats }: Corpus): number {
  const groupOf = new Map(posts.map((p) => [p.key, p.group]));
  let total = 0;
  for (const post of posts) {
    const top = rankRelated(post, posts, stats, { limit: 3 });
    total += top.filter((r) => groupOf.get(r.key) === post.group).length / 3;
  }
  return total / posts.length;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = prng(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const seeds = buildCorpus(seedPosts());
const topics = buildCorpus(topicCorpus());

describe('seed posts (all about ketamine and antidepressants)', () => {
  it('every post lists the four others, best first, each with named shared terms and tags', () => {
    expect(seeds.posts).toHaveLength(5);
    for (const post of seeds.posts) {
      const related = rankRelated(post, seeds.posts, seeds.stats, { limit: 4 });
      expect(related.map((r) => r.key).sort()).toEqual(seeds.posts.map((p) => p.key).filter((key) => key !== post.key).sort());
      for (let i = 1; i < related.length; i++) expect(compareRelated(related[i - 1]!, related[i]!)).toBeLessThan(0);
      for (const entry of related) {
        expect(entry.score).toBeGreaterThan(DEFAULT_RELATED_OPTIONS.minScore);
        expect(entry.sharedTerms.length).toBeGreaterThan(0);
        expect(entry.sharedTerms.length).toBeLessThanOrEqual(5);
        for (const term of entry.sharedTerms) {
          expect(term.contribution).toBeGreaterThan(0);
          expect(term.word).toMatch(/^\p{L}/u);
        }
        expect(entry.sharedTags).toEqual(expect.arrayContaining(['antidepressants', 'depression', 'ketamine']));
      }
    }
  });

  it('explanations use surface words (not stems) and the terms really are in both posts', () => {
    for (const post of seeds.posts) {
      for (const entry of rankRelated(post, seeds.posts, seeds.stats)) {
        const other = seeds.posts.find((p) => p.key === entry.key)!;
        for (const { term, word } of entry.sharedTerms) {
          expect(post.text.toLowerCase() + post.title.toLowerCase()).toContain(word.toLowerCase());
          const keys = new Set(indexKeys(other.vector));
          expect(keys.has(term)).toBe(true);
        }
      }
    }
  });
});

describe('topic fixture corpus (5 groups × 6 posts, shared filler words and generic tags)', () => {
  it('precision@3 ≥ 0.9 (same-group share of each post’s top 3)', () => {
    expect(topics.posts).toHaveLength(30);
    expect(precisionAt3(topics)).toBeGreaterThanOrEqual(0.9);
  });

  it('precision@3 ≥ 0.9 holds for other generator seeds too, not just a lucky one', () => {
    for (const seed of [1, 2, 3, 4, 5]) expect(precisionAt3(buildCorpus(topicCorpus(6, seed)))).toBeGreaterThanOrEqual(0.9);
  });

  it('posts are 150–300 words and share generic tags across groups', () => {
    for (const post of topics.posts) {
      const words = post.text.split(/\s+/).length;
      expect(words).toBeGreaterThanOrEqual(150);
      expect(words).toBeLessThanOrEqual(300);
    }
    const newsGroups = new Set(topics.posts.filter((p) => p.tags.includes('news')).map((p) => p.group));
    expect(newsGroups.size).toBeGreaterThanOrEqual(4);
  });

  it('candidate generation through an inverted index on candidateTerms finds the same lists as scoring every post', () => {
    const postings = new Map<string, string[]>();
    for (const post of topics.posts) for (const key of indexKeys(post.vector)) postings.set(key, [...(postings.get(key) ?? []), post.key]);
    for (const post of topics.posts) {
      const keys = candidateTerms(post.vector, 16, topics.stats);
      expect(keys.length).toBeLessThanOrEqual(16);
      const found = new Set(keys.flatMap((key) => postings.get(key) ?? []));
      const candidates = topics.posts.filter((p) => found.has(p.key));
      expect(rankRelated(post, candidates, topics.stats)).toEqual(rankRelated(post, topics.posts, topics.stats));
    }
  });
});

describe('stability', () => {
  it('the same inputs give the same lists: twice, shuffled, reversed', () => {
    for (const post of topics.posts) {
      const reference = rankRelated(post, topics.posts, topics.stats);
      expect(rankRelated(post, topics.posts, topics.stats)).toStrictEqual(reference);
      expect(rankRelated(post, [...topics.posts].reverse(), topics.stats)).toStrictEqual(reference);
      for (const seed of [7, 8, 9]) expect(rankRelated(post, shuffled(topics.posts, seed), topics.stats)).toStrictEqual(reference);
    }
  });

  it('scorePair is exactly symmetric, so a pair scored from either side agrees', () => {
    for (const a of topics.posts) for (const b of topics.posts) {
      expect(scorePair(a.vector, b.vector, topics.stats).score).toBe(scorePair(b.vector, a.vector, topics.stats).score);
    }
  });

  it('ties on score go to the newer post, then undated after dated, then key ascending', () => {
    const twin = (key: string, date?: string): FixturePost => ({
      key, group: 'x', title: 'Garden', text: 'Compost soil mulch seedlings.', tags: ['garden'], lang: 'en', ...(date ? { date } : {}),
    });
    const filler = (key: string): FixturePost => ({ key, group: 'y', title: 'Bike', text: 'Pedal chain saddle.', tags: ['bikes'], lang: 'en' });
    const corpus = buildCorpus([twin('t'), twin('b-undated'), twin('a-undated'), twin('old', '2020-01-01'), twin('new', '2024-01-01'), filler('f1'), filler('f2')]);
    const target = corpus.posts[0]!;
    const keys = rankRelated(target, shuffled(corpus.posts, 3), corpus.stats, { limit: 10 }).map((r) => r.key);
    expect(keys).toEqual(['new', 'old', 'a-undated', 'b-undated']);
  });

  it('never lists the post itself, even when its key appears among candidates twice', () => {
    const post = topics.posts[0]!;
    const related = rankRelated(post, [post, ...topics.posts, post], topics.stats, { limit: 30 });
    expect(related.map((r) => r.key)).not.toContain(post.key);
    expect(new Set(related.map((r) => r.key)).size).toBe(related.length);
  });
});

describe('options', () => {
  const post = topics.posts[3]!;

  it('respects N', () => {
    expect(rankRelated(post, topics.posts, topics.stats)).toHaveLength(4);
    expect(rankRelated(post, topics.posts, topics.stats, { limit: 2 })).toEqual(rankRelated(post, topics.posts, topics.stats).slice(0, 2));
    expect(rankRelated(post, topics.posts, topics.stats, { limit: 0 })).toEqual([]);
  });

  it('respects the threshold, even when the list is then shorter than N', () => {
    const all = rankRelated(post, topics.posts, topics.stats, { limit: 29, minScore: 0 });
    const cut = all[6]!.score;
    const kept = rankRelated(post, topics.posts, topics.stats, { limit: 29, minScore: cut });
    expect(kept).toEqual(all.filter((r) => r.score >= cut));
    expect(kept.length).toBeLessThan(all.length);
    expect(rankRelated(post, topics.posts, topics.stats, { minScore: 1 })).toEqual([]);
  });

  it('weights change the order predictably: a high tags weight puts the tag-sharing post first', () => {
    const make = (key: string, text: string, tags: string[]): FixturePost => ({ key, group: '', title: 'Notes', text, tags, lang: 'en' });
    const corpus = buildCorpus([
      make('target', 'Telescope aperture eyepiece lens nebula galaxy. The telescope aperture matters.', ['astrophotography', 'news']),
      make('text-twin', 'Telescope aperture eyepiece lens nebula galaxy. A telescope for observing.', ['gear', 'news']),
      make('tag-twin', 'Camera sensor exposure stacking of a nebula photograph.', ['astrophotography', 'news']),
      make('cooking', 'Garlic onions simmer in butter.', ['recipes', 'news']),
      make('cycling', 'Pedal the gravel climb with low gears.', ['bikes', 'news']),
      make('finance', 'Budget savings and index funds.', ['money', 'news']),
    ]);
    const target = corpus.posts[0]!;
    const order = (weights: { text?: number; tags?: number; title?: number }) =>
      rankRelated(target, corpus.posts, corpus.stats, { weights, minScore: 0 }).map((r) => r.key).slice(0, 2);
    expect(order({})).toEqual(['text-twin', 'tag-twin']);
    expect(order({ tags: 10 })).toEqual(['tag-twin', 'text-twin']);
    const tagTwin = rankRelated(target, corpus.posts, corpus.stats, { weights: { tags: 10 } })[0]!;
    // The rare tag explains the match first; the tag every post has comes last.
    expect(tagTwin.sharedTags).toEqual(['astrophotography', 'news']);
    expect(() => resolveRelatedOptions({ weights: { text: 0, tags: 0, title: 0 } })).toThrow(RangeError);
    expect(() => resolveRelatedOptions({ limit: -1 })).toThrow(RangeError);
  });

  it('a generic tag every post has counts for far less than a rare one (IDF at scoring time)', () => {
    expect(idfWeight(1, 100)).toBe(1);
    expect(idfWeight(100, 100)).toBeLessThan(0.05);
    expect(idfWeight(2, 100)).toBeGreaterThan(idfWeight(50, 100));
    // Stale counts from the index must not produce NaN or negative weights.
    expect(idfWeight(0, 0)).toBe(1);
    expect(idfWeight(500, 100)).toBeGreaterThan(0);
  });
});

describe('wouldEnter', () => {
  const entry = (key: string, score: number, date?: string): Related => ({ key, score, sharedTerms: [], sharedTags: [], ...(date ? { date } : {}) });
  const full = [entry('a', 0.09), entry('b', 0.07), entry('c', 0.05, '2023-01-01'), entry('d', 0.04, '2023-06-01')];

  it('enters a short list when the score passes the threshold', () => {
    expect(wouldEnter(full.slice(0, 2), 0.004, 4)).toBe(true);
    expect(wouldEnter(full.slice(0, 2), 0.001, 4)).toBe(false);
    expect(wouldEnter([], 0.001, 4, 0)).toBe(true);
    expect(wouldEnter([], 0, 4, 0)).toBe(false);
  });

  it('enters a full list only by beating the lowest entry; ties enter by number, exactly by rank key', () => {
    expect(wouldEnter(full, 0.05, 4)).toBe(true);
    expect(wouldEnter(full, 0.039, 4)).toBe(false);
    expect(wouldEnter(full, 0.04, 4)).toBe(true);
    expect(wouldEnter(full, { key: 'e', score: 0.04, date: '2024-01-01' }, 4)).toBe(true);
    expect(wouldEnter(full, { key: 'e', score: 0.04, date: '2022-01-01' }, 4)).toBe(false);
    expect(wouldEnter(full, { key: 'c', score: 0.01 }, 4)).toBe(true);
    expect(wouldEnter(full, 0.06, 3)).toBe(true);
    expect(wouldEnter(full, 0.045, 3)).toBe(false);
  });

  it('predicts exactly which existing lists change when a post is added', () => {
    const all = topicCorpus(6, 11);
    const added = topicCorpus(7, 12).find((p) => p.group === 'cycling' && p.key.endsWith('07.md'))!;
    const after = buildCorpus([...all, { ...added, key: 'new/cycling.md' }]);
    const newcomer = after.posts.find((p) => p.key === 'new/cycling.md')!;
    const older = after.posts.filter((p) => p !== newcomer);
    let changed = 0;
    for (const post of older) {
      const before = rankRelated(post, older, after.stats);
      const withNew = rankRelated(post, after.posts, after.stats);
      const score = scorePair(post.vector, newcomer.vector, after.stats).score;
      const entered = withNew.some((r) => r.key === newcomer.key);
      expect(wouldEnter(before, { key: newcomer.key, score, ...(newcomer.date ? { date: newcomer.date } : {}) })).toBe(entered);
      if (entered) expect(wouldEnter(before, score)).toBe(true);
      if (entered) changed++;
    }
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(older.length);
  });
});

describe('candidateTerms', () => {
  it('names the most discriminative keys, skips keys only this post has, and is bounded', () => {
    const post = topics.posts[0]!;
    const keys = candidateTerms(post.vector, 10, topics.stats);
    expect(keys).toHaveLength(10);
    for (const key of keys) expect(topics.stats.documentFrequency(key)).toBeGreaterThan(1);
    expect(keys).not.toContain('tag:news');
    expect(candidateTerms(post.vector, 3)).toEqual(candidateTerms(post.vector, 10).slice(0, 3));
  });

  it('corpusFromVectors counts each post once per key', () => {
    const stats = corpusFromVectors(topics.posts.map((p) => p.vector));
    expect(stats.postCount).toBe(30);
    expect(stats.documentFrequency('tag:news')).toBe(topics.posts.filter((p) => p.tags.includes('news')).length);
    expect(stats.documentFrequency('no-such-term')).toBe(0);
  });
});

describe('the score-only fast path used for ranking', () => {
  it('gives exactly the scores scorePair gives, for every pair of a corpus', async () => {
    const { targetScorer, resolveRelatedOptions, scorePair } = await import('../../lambdas/core/related.js');
    const { buildCorpus, topicCorpus, seedPosts } = await import('./fixtures.js');
    for (const corpus of [buildCorpus(topicCorpus(4)), buildCorpus(seedPosts())]) {
      const options = resolveRelatedOptions({});
      let pairs = 0;
      for (const a of corpus.posts) {
        const score = targetScorer(a.vector, corpus.stats, options);
        for (const b of corpus.posts) {
          expect(score(b.vector)).toBe(scorePair(a.vector, b.vector, corpus.stats, options).score);
          pairs++;
        }
      }
      expect(pairs).toBeGreaterThan(20);
    }
  });
});
