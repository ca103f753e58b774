import { describe, expect, it } from 'vitest';
import type { ListedPost } from '../../lambdas/model/records.js';
import { sortNewestFirst } from '../../lambdas/core/site/order.js';
import type { PublishedPost } from '../../lambdas/core/types.js';
import { ListingMemo } from '../../lambdas/services/listing-memo.js';
import { prng } from '../support/prng.js';
import { makePost } from './fixtures.js';

function entry(key: string, date: string | undefined, title = `Title of ${key}`): ListedPost {
  const { contentHtml: _html, ...post } = makePost({ key, slug: key.replace('.md', ''), date, updated: date, title });
  return { ...post, messages: [{ severity: 'warning', ruleId: 'seo:missing-author', reason: 'x' }] };
}

const day = (random: () => number) => (random() < 0.1 ? undefined : `2024-0${1 + Math.floor(random() * 3)}-1${Math.floor(random() * 3)}T00:00:00.000Z`);

/** What the memo must give: every entry converted afresh and sorted. */
function expected(entries: readonly ListedPost[]): PublishedPost[] {
  return [...sortNewestFirst(entries.map(({ view: _view, messages: _messages, ...rest }) => ({ ...rest, contentHtml: '' })))];
}

describe('ListingMemo', () => {
  it('lists the entries newest first through any sequence of additions, removals, edits and foreign snapshots', () => {
    const random = prng(3);
    const memo = new ListingMemo();
    let entries: ListedPost[] = Array.from({ length: 40 }, (_, i) => entry(`p${i}.md`, day(random)));
    let next = 40;
    for (let step = 0; step < 300; step++) {
      const before = entries;
      const after = [...before];
      const change = random();
      if (change < 0.3) after.push(entry(`p${next++}.md`, day(random)));
      else if (change < 0.5 && after.length > 0) after.splice(Math.floor(random() * after.length), 1);
      else if (change < 0.9 && after.length > 0) {
        const i = Math.floor(random() * after.length);
        after[i] = entry(after[i]!.key, day(random), `Edited ${step}`);
      } else {
        // Another container's snapshot: equal entries, other objects, in another order.
        after.splice(0, after.length, ...after.map((old) => ({ ...old })).reverse());
      }
      // As the publisher calls it: the snapshot's listing, then the new one.
      expect(memo.newestFirst(before)).toEqual(expected(before));
      expect(memo.newestFirst(after)).toEqual(expected(after));
      entries = after;
    }
  });

  it('keeps the posts of unchanged entries, and the whole list when no entry changed', () => {
    const memo = new ListingMemo();
    const entries = [entry('a.md', '2024-01-01T00:00:00.000Z'), entry('b.md', '2024-01-02T00:00:00.000Z'), entry('c.md', undefined)];
    const first = memo.newestFirst(entries);
    expect(memo.newestFirst([...entries].reverse())).toBe(first);
    const edited = [entries[0]!, entry('b.md', '2023-12-31T00:00:00.000Z', 'B, edited'), entries[2]!];
    const second = memo.newestFirst(edited);
    expect(second.map((post) => post.key)).toEqual(['a.md', 'b.md', 'c.md']);
    expect(second[0]).toBe(first[1]);
    expect(second[2]).toBe(first[2]);
    expect(second[1]!.title).toBe('B, edited');
  });

  it('renders a feed post\'s body HTML once per entry: again for a changed post\'s new entry', () => {
    const memo = new ListingMemo();
    const rendered: string[] = [];
    const render = (html: string) => () => { rendered.push(html); return html; };
    const a = entry('a.md', undefined);
    expect(memo.hasContent(a)).toBe(false);
    const first = memo.withContent(a, render('<p>one</p>'));
    expect(first).toMatchObject({ key: 'a.md', contentHtml: '<p>one</p>' });
    expect(memo.hasContent(a)).toBe(true);
    expect(memo.withContent(a, render('<p>not called</p>'))).toBe(first);
    const edited = entry('a.md', undefined, 'Edited');
    expect(memo.withContent(edited, render('<p>two</p>'))).toMatchObject({ title: 'Edited', contentHtml: '<p>two</p>' });
    expect(rendered).toEqual(['<p>one</p>', '<p>two</p>']);
  });

  it('applies the view and drops the messages', () => {
    const memo = new ListingMemo();
    const viewed = { ...entry('a.md', undefined), view: { description: 'From the view.', summary: 'Summary from the view.', canonicalUrl: 'https://example.org/a', sectionActions: [] } };
    const post = memo.publishedOf(viewed);
    expect(post).toMatchObject({ key: 'a.md', description: 'From the view.', summary: 'Summary from the view.', canonical: 'https://example.org/a', contentHtml: '' });
    expect(post).not.toHaveProperty('messages');
    expect(post).not.toHaveProperty('view');
    expect(memo.publishedOf(viewed)).toBe(post);
  });
});
