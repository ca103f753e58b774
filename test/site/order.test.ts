import { describe, expect, it } from 'vitest';
import { newestUpdate, sortNewestFirst, tagsOf } from '../../lambdas/core/site/order.js';
import { anonymousPost, japanesePost, makePost, nastyPost, posts, undatedPost } from './fixtures.js';

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
});
