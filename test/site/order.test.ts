import { describe, expect, it } from 'vitest';
import { inNewestFirstOrder, mergeNewestFirst, newestUpdate, sortNewestFirst, tagsOf } from '../../lambdas/core/site/order.js';
import type { PublishedPost } from '../../lambdas/core/types.js';
import { prng } from '../support/prng.js';
import { anonymousPost, japanesePost, makePost, nastyPost, posts, undatedPost } from './fixtures.js';

/** Posts with few distinct dates (ties broken by key), some undated, and a few tags each. */
function randomPosts(random: () => number, count: number, prefix = 'p'): PublishedPost[] {
  return Array.from({ length: count }, (_, i) => {
    const day = Math.floor(random() * 6);
    const date = day === 0 ? undefined : `2024-01-0${day}T00:00:00.000Z`;
    const tags = ['Alpha', 'beta', 'Beta', 'gamma'].filter(() => random() < 0.4);
    return makePost({ key: `${prefix}${Math.floor(random() * 1000)}-${i}.md`, slug: `${prefix}${i}`, date, updated: date, tags });
  });
}
const keysOf = (list: readonly PublishedPost[]) => list.map((post) => post.key);

describe('sortNewestFirst', () => {
  it('orders by date, newest first, with undated posts last', () => {
    expect(sortNewestFirst(posts).map((post) => post.key)).toEqual([
      nastyPost.key,
      japanesePost.key,
      anonymousPost.key,
      undatedPost.key,
    ]);
  });

  it('breaks date ties by key, whatever the input order', () => {
    const date = '2024-05-05T00:00:00.000Z';
    const b = makePost({ key: 'b.md', slug: 'b', date, updated: date });
    const a = makePost({ key: 'a.md', slug: 'a', date, updated: date });
    const undatedZ = makePost({ key: 'z.md', slug: 'z', date: undefined, updated: undefined });
    const undatedY = makePost({ key: 'y.md', slug: 'y', date: undefined, updated: undefined });
    const expected = ['a.md', 'b.md', 'y.md', 'z.md'];
    expect(sortNewestFirst([undatedZ, b, undatedY, a]).map((post) => post.key)).toEqual(expected);
    expect(sortNewestFirst([a, undatedY, b, undatedZ]).map((post) => post.key)).toEqual(expected);
  });

  it('compares instants, not strings', () => {
    const earlier = makePost({ key: 'a.md', slug: 'a', date: '2024-05-05T10:00:00+02:00' });
    const later = makePost({ key: 'b.md', slug: 'b', date: '2024-05-05T09:00:00Z' });
    expect(sortNewestFirst([earlier, later]).map((post) => post.key)).toEqual(['b.md', 'a.md']);
  });

  it('does not modify its input', () => {
    const input = [...posts];
    sortNewestFirst(input);
    expect(input).toEqual(posts);
  });
});

describe('inNewestFirstOrder', () => {
  it('returns a list it made as it is, and checks a caller\'s list every time (the caller may change it)', () => {
    const sorted = sortNewestFirst(posts);
    expect(inNewestFirstOrder(sorted)).toBe(sorted);
    const own = [...sorted];
    const checked = inNewestFirstOrder(own);
    expect(checked).toEqual(sorted);
    expect(checked).not.toBe(own);
    expect(inNewestFirstOrder(checked)).toBe(checked);
    own.reverse();
    expect(keysOf(inNewestFirstOrder(own))).toEqual(keysOf(sorted));
  });
});

describe('mergeNewestFirst', () => {
  it('gives what sorting both lists together gives, whatever their order', () => {
    const random = prng(11);
    for (let round = 0; round < 200; round++) {
      const a = randomPosts(random, Math.floor(random() * 30), 'a');
      const b = randomPosts(random, Math.floor(random() * 5), 'b');
      const merged = mergeNewestFirst(random() < 0.5 ? sortNewestFirst(a) : a, sortNewestFirst(b));
      expect(keysOf(merged)).toEqual(keysOf(sortNewestFirst([...a, ...b])));
    }
  });
});

describe('newestUpdate', () => {
  it('is the latest updated timestamp, ignoring undated posts', () => {
    expect(newestUpdate(posts)).toBe(nastyPost.updated);
    expect(newestUpdate([undatedPost])).toBeUndefined();
    expect(newestUpdate([])).toBeUndefined();
  });
});

describe('tagsOf', () => {
  it('groups spellings that share a slug, showing the first spelling in sort order', () => {
    const tags = tagsOf(posts);
    expect(tags.map((tag) => tag.slug)).toEqual(['depression', 'ketamine', 'qa-hot', '日本語']);
    const depression = tags.find((tag) => tag.slug === 'depression')!;
    expect(depression.name).toBe('Depression');
    expect(depression.posts.map((post) => post.key)).toEqual([nastyPost.key, japanesePost.key]);
    const ketamine = tags.find((tag) => tag.slug === 'ketamine')!;
    expect(ketamine.name).toBe('Ketamine');
    expect(ketamine.posts.map((post) => post.key)).toEqual([anonymousPost.key, undatedPost.key]);
  });

  it('lists a post once when two of its tags share a slug, and skips tags with no usable slug', () => {
    const post = makePost({ key: 'x.md', slug: 'x', tags: ['Mental Health', 'mental-health', '!!!'] });
    const tags = tagsOf([post]);
    expect(tags).toHaveLength(1);
    expect(tags[0]!.slug).toBe('mental-health');
    expect(tags[0]!.posts).toHaveLength(1);
  });

  it('keeps each tag\'s posts newest first, whatever the order of the list', () => {
    const random = prng(5);
    for (let round = 0; round < 50; round++) {
      const list = randomPosts(random, 40);
      const all = tagsOf(list);
      for (const tag of all) expect(keysOf(tag.posts)).toEqual(keysOf(sortNewestFirst(tag.posts)));
      expect(tagsOf(sortNewestFirst(list))).toEqual(all);
    }
  });
});
