import { describe, expect, it } from 'vitest';
import { DEFAULT_INVALIDATION_LIMITS, EVERY_SITE_PATH, invalidationPaths, viewerPaths } from '../../lambdas/core/site/invalidation.js';

const posts = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `posts/post-${String(i + from).padStart(5, '0')}/index.html`);

describe('viewerPaths', () => {
  it('gives an index.html its directory form too, the home page as / and /index.html', () => {
    expect(viewerPaths('index.html')).toEqual(['/', '/index.html']);
    expect(viewerPaths('posts/x/index.html')).toEqual(['/posts/x/', '/posts/x/index.html']);
    expect(viewerPaths('tags/rust/index.html')).toEqual(['/tags/rust/', '/tags/rust/index.html']);
    expect(viewerPaths('tags/rust/page/2/index.html')).toEqual(['/tags/rust/page/2/', '/tags/rust/page/2/index.html']);
    expect(viewerPaths('page/3/index.html')).toEqual(['/page/3/', '/page/3/index.html']);
    expect(viewerPaths('tags/index.html')).toEqual(['/tags/', '/tags/index.html']);
  });

  it('leaves feeds, sitemaps, robots.txt and the stylesheet as they are', () => {
    for (const path of ['feed.xml', 'atom.xml', 'feed.json', 'sitemap.xml', 'robots.txt', 'styles.css', 'tags/rust/feed.xml', 'sitemaps/sitemap-2.xml']) {
      expect(viewerPaths(path)).toEqual([`/${path}`]);
    }
  });

  it('percent-encodes what CloudFront wants encoded (non-ASCII slugs and tags, as browsers send them), and a * is never a wildcard', () => {
    expect(viewerPaths('posts/日本語/index.html')).toEqual(['/posts/%E6%97%A5%E6%9C%AC%E8%AA%9E/', '/posts/%E6%97%A5%E6%9C%AC%E8%AA%9E/index.html']);
    expect(viewerPaths('tags/café/feed.xml')).toEqual(['/tags/caf%C3%A9/feed.xml']);
    expect(viewerPaths('posts/a*b/index.html')).toEqual(['/posts/a%2Ab/', '/posts/a%2Ab/index.html']);
  });
});

describe('invalidationPaths', () => {
  it('lists every viewer path of every file, sorted, once', () => {
    const paths = invalidationPaths(['posts/b/index.html', 'feed.xml', 'index.html', 'posts/a/index.html', 'feed.xml', 'tags/x/feed.xml']);
    expect(paths).toEqual(['/', '/feed.xml', '/index.html', '/posts/a/', '/posts/a/index.html', '/posts/b/', '/posts/b/index.html', '/tags/x/feed.xml']);
  });

  it('is the same whatever order the paths come in', () => {
    const files = [...posts(700), 'index.html', 'feed.xml', 'tags/a/index.html', 'tags/b/feed.xml', 'page/2/index.html'];
    const reversed = [...files].reverse();
    expect(invalidationPaths(reversed)).toEqual(invalidationPaths(files));
    expect(invalidationPaths(reversed, { maxPaths: 10, maxWildcards: 5 })).toEqual(invalidationPaths(files, { maxPaths: 10, maxWildcards: 5 }));
  });

  it('gives nothing for nothing', () => {
    expect(invalidationPaths([])).toEqual([]);
  });

  it('stays exact up to the limit (1,000 paths: a third of the 3,000 files CloudFront lets be in progress)', () => {
    expect(DEFAULT_INVALIDATION_LIMITS).toEqual({ maxPaths: 1000, maxWildcards: 5 });
    const files = [...posts(497), 'index.html', 'feed.xml', 'atom.xml', 'sitemap.xml', 'robots.txt'];
    const paths = invalidationPaths(files);
    expect(paths).toHaveLength(1000);
    expect(paths.some((path) => path.includes('*'))).toBe(false);
    // One more file: over the limit.
    expect(invalidationPaths([...files, 'atom.xml', 'feed.json'])).toContain('/posts/*');
  });

  it('above the limit, replaces the largest top-level folder by a wildcard and keeps root files and small folders exact', () => {
    const files = [...posts(600), 'index.html', 'feed.xml', 'sitemap.xml', 'tags/rust/index.html', 'tags/rust/feed.xml'];
    expect(invalidationPaths(files)).toEqual([
      '/', '/feed.xml', '/index.html', '/posts/*', '/sitemap.xml', '/tags/rust/', '/tags/rust/feed.xml', '/tags/rust/index.html',
    ]);
  });

  it('takes as many folders as it needs, largest first (ties by name)', () => {
    const tags = Array.from({ length: 400 }, (_, i) => `tags/t${i}/index.html`);
    const archive = Array.from({ length: 300 }, (_, i) => `page/${i + 2}/index.html`);
    const files = [...posts(450), ...tags, ...archive, 'index.html', 'robots.txt'];
    // 900 + 800 + 600 + 3 paths: posts and tags go; the archive pages (600) and root files fit.
    const paths = invalidationPaths(files);
    expect(paths.filter((path) => path.endsWith('*'))).toEqual(['/posts/*', '/tags/*']);
    expect(paths).toHaveLength(600 + 3 + 2);
    expect(paths).toContain('/page/2/');
    expect(paths).toContain('/robots.txt');
    // With a tighter wildcard budget there is no room for both: everything.
    expect(invalidationPaths(files, { maxPaths: 1000, maxWildcards: 1 })).toEqual(['/*']);
  });

  it('invalidates everything when the wildcards do not bring it under the limit, or when asked to', () => {
    // 1,200 root-level files: no folder to replace.
    const roots = Array.from({ length: 1200 }, (_, i) => `file-${i}.xml`);
    expect(invalidationPaths(roots)).toEqual(['/*']);
    expect(invalidationPaths(['feed.xml', EVERY_SITE_PATH])).toEqual(['/*']);
  });

  it('never lists more wildcards than allowed, nor more paths than the limit', () => {
    for (const count of [10, 999, 1000, 1001, 3000, 20_000]) {
      const files = [...posts(count), ...Array.from({ length: count % 97 }, (_, i) => `tags/t${i}/feed.xml`), 'index.html'];
      const paths = invalidationPaths(files);
      expect(paths.length).toBeLessThanOrEqual(DEFAULT_INVALIDATION_LIMITS.maxPaths);
      expect(paths.filter((path) => path.includes('*')).length).toBeLessThanOrEqual(DEFAULT_INVALIDATION_LIMITS.maxWildcards);
      expect(paths).toEqual([...paths].sort());
    }
  });
});
