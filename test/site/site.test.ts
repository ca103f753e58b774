import { afterEach, describe, expect, it, vi } from 'vitest';
import { SITE_FILE_TYPES } from '../../lambdas/core/site/files.js';
import { buildSite, globalFiles, renderPostPage } from '../../lambdas/core/site/site.js';
import { STYLESHEET } from '../../lambdas/core/site/styles.js';
import { config, makePost, posts } from './fixtures.js';
import { fileAt } from './helpers.js';

describe('buildSite', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is byte-identical across builds, whatever the clock says and whatever the input order', () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const first = buildSite(posts, config);
    vi.setSystemTime(new Date('1999-12-31T23:59:59Z'));
    const second = buildSite([...posts].reverse(), config);
    expect(second).toEqual(first);
    expect(JSON.stringify(first)).not.toMatch(/2030|1999/);
  });

  it('has every post page and every global file, sorted by path, without duplicates', () => {
    const files = buildSite(posts, config);
    const paths = files.map((file) => file.path);
    expect(paths).toEqual([...paths].sort());
    expect(new Set(paths).size).toBe(paths.length);
    for (const post of posts) expect(paths).toContain(`posts/${post.slug}/index.html`);
    for (const path of ['index.html', 'feed.xml', 'atom.xml', 'feed.json', 'sitemap.xml', 'robots.txt', 'styles.css', 'tags/index.html']) {
      expect(paths).toContain(path);
    }
  });

  it('is the post pages plus globalFiles', () => {
    const everything = buildSite(posts, config);
    const global = globalFiles(posts, config);
    expect(global.some((file) => file.path.startsWith('posts/'))).toBe(false);
    expect(everything.filter((file) => !file.path.startsWith('posts/'))).toEqual(global);
    for (const post of posts) expect(fileAt(everything, `posts/${post.slug}/index.html`)).toEqual(renderPostPage(post, config));
  });

  it('refuses two posts with the same slug', () => {
    const a = makePost({ key: 'a.md', slug: 'same' });
    const b = makePost({ key: 'b.md', slug: 'same' });
    expect(() => buildSite([a, b], config)).toThrow(/posts\/same\/index\.html/);
  });

  it('builds an empty site', () => {
    const paths = buildSite([], config).map((file) => file.path);
    expect(paths).toEqual(['atom.xml', 'favicon.svg', 'feed.json', 'feed.xml', 'index.html', 'robots.txt', 'sitemap.xml', 'styles.css', 'tags/index.html']);
  });

  it('gives every file the content type and cache policy of its kind', () => {
    const files = buildSite(posts, config);
    const kinds = new Set(Object.values(SITE_FILE_TYPES).map((type) => `${type.contentType}|${type.cacheControl}`));
    for (const file of files) expect(kinds).toContain(`${file.contentType}|${file.cacheControl}`);
    expect(fileAt(files, 'styles.css')).toMatchObject({ contentType: 'text/css; charset=utf-8', cacheControl: 'public, max-age=86400' });
    expect(fileAt(files, 'favicon.svg')).toMatchObject({ contentType: 'image/svg+xml', cacheControl: 'public, max-age=86400' });
    // Pages, feeds, sitemap and robots.txt: a week at the edge, which is told of every change (invalidation after each
    // publish run); a minute in browsers, which are not.
    for (const path of ['index.html', 'feed.xml', 'atom.xml', 'feed.json', 'sitemap.xml', 'robots.txt']) {
      expect(fileAt(files, path).cacheControl, path).toBe('public, max-age=60, s-maxage=604800, stale-while-revalidate=60');
    }
  });
});

describe('stylesheet', () => {
  it('uses system fonts only, a readable measure, responsive media and a dark scheme', () => {
    expect(STYLESHEET).not.toMatch(/@import|@font-face|url\(/);
    expect(STYLESHEET).toContain('system-ui');
    expect(STYLESHEET).toContain('max-width: 42rem');
    expect(STYLESHEET).toMatch(/img, video, svg \{ max-width: 100%/);
    expect(STYLESHEET).toMatch(/pre \{[^}]*overflow-x: auto/);
    expect(STYLESHEET).toContain('@media (prefers-color-scheme: dark)');
  });
});
