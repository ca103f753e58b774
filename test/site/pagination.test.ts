import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { renderIndexPages } from '../../lambdas/core/site/index-page.js';
import { changedArchivePages, paginate } from '../../lambdas/core/site/pagination.js';
import { changedGlobalFiles, globalFiles } from '../../lambdas/core/site/site.js';
import { sortNewestFirst } from '../../lambdas/core/site/order.js';
import { prng } from '../support/prng.js';
import { renderTagPages } from '../../lambdas/core/site/tag-pages.js';
import type { PublishedPost, SiteFile } from '../../lambdas/core/types.js';
import { makePost } from './fixtures.js';
import { fileAt } from './helpers.js';

const PAGE_SIZE = 5;
const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com', listingPageSize: PAGE_SIZE });

/** Post `n` is dated `n` days after 2024-01-01, so a higher `n` is newer. */
function post(n: number, tags: readonly string[] = ['all']): PublishedPost {
  const date = new Date(Date.UTC(2024, 0, 1 + n)).toISOString();
  return makePost({ key: `p${String(n).padStart(4, '0')}.md`, slug: `p${n}`, title: `Post number ${n}`, date, updated: date, tags });
}

const postsUpTo = (count: number) => Array.from({ length: count }, (_, i) => post(i + 1));
const listedSlugs = (page: string) => [...page.matchAll(/<h2><a href="https:\/\/blog\.example\.com\/posts\/([^/]+)\/">/g)].map((m) => m[1]);
const byPath = (files: readonly SiteFile[]) => new Map(files.map((file) => [file.path, file.body]));

describe('paginate', () => {
  it('shows the newest posts first and numbers the archive from the oldest, each post exactly once', () => {
    for (let count = 0; count <= 23; count++) {
      const newestFirst = Array.from({ length: count }, (_, i) => count - i);
      const { first, archive } = paginate(newestFirst, PAGE_SIZE);
      expect(first).toEqual(newestFirst.slice(0, PAGE_SIZE));
      expect([...first, ...[...archive].reverse().flatMap((page) => page.posts)]).toEqual(newestFirst);
      archive.forEach((page, i) => {
        expect(page.number).toBe(i + 1);
        // Every archive page is full except the newest one; page 1 starts with the oldest post.
        if (i < archive.length - 1) expect(page.posts).toHaveLength(PAGE_SIZE);
      });
      if (archive.length > 0) expect(archive[0]!.posts.at(-1)).toBe(1);
    }
  });

  it('rejects a page size that is not a positive integer', () => {
    expect(() => paginate([1], 0)).toThrow(RangeError);
    expect(() => paginate([1], 2.5)).toThrow(RangeError);
  });
});

describe('home and archive pages', () => {
  it('list the newest posts on the home page and link the archive pages both ways', () => {
    const files = byPath(renderIndexPages(postsUpTo(13), config));
    // 13 posts, 5 per page: the home page shows 13..9; the archive, counted from the oldest, is page 1 = 5..1, page 2 = 8..6.
    expect([...files.keys()]).toEqual(['index.html', 'page/1/index.html', 'page/2/index.html']);
    expect(listedSlugs(files.get('index.html')!)).toEqual(['p13', 'p12', 'p11', 'p10', 'p9']);
    expect(listedSlugs(files.get('page/2/index.html')!)).toEqual(['p8', 'p7', 'p6']);
    expect(listedSlugs(files.get('page/1/index.html')!)).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);

    const home = files.get('index.html')!;
    expect(home).toContain('<a rel="next" href="https://blog.example.com/page/2/">Older posts →</a>');
    expect(home).not.toContain('rel="prev"');
    const newest = files.get('page/2/index.html')!;
    expect(newest).toContain('<a rel="prev" href="https://blog.example.com/">← Newer posts</a>');
    expect(newest).toContain('<a rel="next" href="https://blog.example.com/page/1/">Older posts →</a>');
    expect(newest).toContain('<link rel="canonical" href="https://blog.example.com/page/2/">');
    const oldest = files.get('page/1/index.html')!;
    expect(oldest).toContain('<a rel="prev" href="https://blog.example.com/page/2/">← Newer posts</a>');
    expect(oldest).not.toContain('rel="next"');
  });

  it('have no archive and no pagination links when every post fits on the home page', () => {
    const files = renderIndexPages(postsUpTo(PAGE_SIZE), config);
    expect(files.map((file) => file.path)).toEqual(['index.html']);
    expect(files[0]!.body).not.toContain('class="pagination"');
  });

  it('change only the home page and the newest two archive pages when a newer post is published', () => {
    for (let count = 1; count <= 3 * PAGE_SIZE + 2; count++) {
      const before = byPath(renderIndexPages(postsUpTo(count), config));
      const after = byPath(renderIndexPages(postsUpTo(count + 1), config));
      const changed = [...after.keys()].filter((path) => before.get(path) !== after.get(path));
      const archivePages = [...after.keys()].filter((path) => path.startsWith('page/')).length;
      const allowed = ['index.html', `page/${archivePages}/index.html`, `page/${archivePages - 1}/index.html`];
      expect(changed.filter((path) => !allowed.includes(path)), `${count} → ${count + 1} posts`).toEqual([]);
      // Nothing disappears: a post never leaves the site by getting older.
      expect([...before.keys()].filter((path) => !after.has(path))).toEqual([]);
    }
  });
});

describe('tag pages', () => {
  it('paginate each tag the same way under tags/<slug>/page/<n>/', () => {
    const posts = postsUpTo(12).map((p, i) => ({ ...p, tags: i % 2 === 0 ? ['Even', 'All'] : ['All'] }));
    const files = renderTagPages(posts, config);
    const paths = files.map((file) => file.path).sort();
    expect(paths).toEqual([
      'tags/all/feed.xml', 'tags/all/index.html', 'tags/all/page/1/index.html', 'tags/all/page/2/index.html',
      'tags/even/feed.xml', 'tags/even/index.html', 'tags/even/page/1/index.html', 'tags/index.html',
    ]);
    const allFirst = fileAt(files, 'tags/all/index.html').body;
    expect(listedSlugs(allFirst)).toEqual(['p12', 'p11', 'p10', 'p9', 'p8']);
    expect(allFirst).toContain('12 posts');
    expect(allFirst).toContain('<a rel="next" href="https://blog.example.com/tags/all/page/2/">Older posts →</a>');
    expect(listedSlugs(fileAt(files, 'tags/all/page/1/index.html').body)).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);
    expect(listedSlugs(fileAt(files, 'tags/even/page/1/index.html').body)).toEqual(['p1']);
    expect(fileAt(files, 'tags/even/page/1/index.html').body).toContain('<a rel="prev" href="https://blog.example.com/tags/even/">← Newer posts</a>');
  });

  it('every post of the site is reachable from the home page by following links', () => {
    const posts = postsUpTo(37);
    const files = byPath(globalFiles(posts, config));
    const reached = new Set<string>();
    const queue = ['index.html'];
    const seen = new Set(queue);
    while (queue.length > 0) {
      const page = files.get(queue.shift()!)!;
      for (const slug of listedSlugs(page)) reached.add(slug!);
      for (const [, href] of page.matchAll(/<a rel="(?:next|prev)" href="https:\/\/blog\.example\.com\/([^"]*)">/g)) {
        const path = `${href}index.html`;
        if (!seen.has(path)) { seen.add(path); queue.push(path); }
      }
    }
    expect(reached.size).toBe(37);
  });
});

describe('rendering only the archive pages that changed', () => {
  /** A random change to a listing: unchanged posts stay the same objects, as the publisher's snapshot keeps them. */
  function changed(posts: readonly PublishedPost[], random: () => number, serial: () => number): PublishedPost[] {
    const pick = () => Math.floor(random() * posts.length);
    const tagSet = ['Alpha', 'beta', 'gamma', 'Delta'];
    const someTags = () => tagSet.filter(() => random() < 0.4);
    const next = [...posts];
    const kind = posts.length === 0 ? 0 : Math.floor(random() * 6);
    const n = serial();
    if (kind === 0) next.push({ ...post(Math.floor(random() * 90), someTags()), key: `new-${n}.md`, slug: `new-${n}` }); // added
    if (kind === 1) next.splice(pick(), 1); // deleted
    if (kind === 2) { const i = pick(); next[i] = { ...next[i]!, title: `Retitled ${n}` }; } // edited, same date
    if (kind === 3) { const i = pick(); next[i] = { ...next[i]!, date: post(Math.floor(random() * 90)).date }; } // moved in time
    if (kind === 4) { const i = pick(); next[i] = { ...next[i]!, tags: someTags() }; } // re-tagged
    if (kind === 5) { const i = pick(); next[i] = { ...next[i]!, tags: [...next[i]!.tags, 'ALPHA'] }; } // a spelling that renames a tag
    return next;
  }

  it('gives the site a full render gives, with the pages it did not render taken from the previous render', () => {
    const random = prng(23);
    let count = 0;
    const serial = () => count++;
    for (let run = 0; run < 120; run++) {
      let posts = Array.from({ length: Math.floor(random() * 40) }, (_, i) => ({ ...post(i * 2 + 1, ['Alpha', 'beta'].filter(() => random() < 0.6)) }));
      for (let step = 0; step < 4; step++) {
        const next = changed(posts, random, serial);
        const before = sortNewestFirst(posts);
        const after = sortNewestFirst(next);
        const previousFiles = byPath(changedGlobalFiles(before, config).files);
        const objects = new Map(posts.map((p) => [p.key, p]));
        const incremental = changedGlobalFiles(after, config, { previous: { newestFirst: before, unchanged: (p) => objects.get(p.key) === p } });
        const merged = byPath(incremental.files);
        for (const path of incremental.kept) {
          expect(previousFiles.has(path), path).toBe(true);
          merged.set(path, previousFiles.get(path)!);
        }
        expect(merged, `run ${run}, step ${step}`).toEqual(byPath(changedGlobalFiles(after, config).files));
        posts = next;
      }
    }
  });

  it('renders the pages of a changed post, the newest archive page and nothing else', () => {
    const site = postsUpTo(20 * PAGE_SIZE);
    const before = sortNewestFirst(site);
    const objects = new Map(site.map((p) => [p.key, p]));
    const unchanged = (p: PublishedPost) => objects.get(p.key) === p;
    // Post 23 is the 3rd oldest post of page 5 (posts 21..25, counted from the oldest).
    const edited = sortNewestFirst(site.map((p) => (p.slug === 'p23' ? { ...p, title: 'Edited' } : p)));
    expect(changedArchivePages(before, edited, PAGE_SIZE, (a, b) => a.key === b.key && unchanged(b))).toEqual(new Set([5]));
    const added = sortNewestFirst([...site, post(20 * PAGE_SIZE + 1)]);
    expect(changedArchivePages(before, added, PAGE_SIZE, (a, b) => a.key === b.key && unchanged(b))).toEqual(new Set([19, 20]));
    const { files, kept } = changedGlobalFiles(added, config, { previous: { newestFirst: before, unchanged } });
    expect(files.map((file) => file.path).filter((path) => path.startsWith('page/'))).toEqual(['page/19/index.html', 'page/20/index.html']);
    expect(kept).toHaveLength(18 + 18); // the other home archive pages and the same of the tag "all"
  });
});
