/**
 * Real blogs of other generators, brought as they are: every post their generator publishes is published, dated as
 * it dates them, with the Liquid and shortcodes they leave converted or reported, and the emulated AWS stack
 * publishes the same bytes as the in-process build from them.
 * - Jekyll's own blog: test/fixtures/real-blogs/jekyll-docs (102 posts, MIT; source and commit in its README).
 * - A Hugo content folder in the forms Hugo sites use: test/fixtures/real-blogs/hugo-site.
 * The Rust blog (../shared/corpus/rust-blog, 584 posts, Jekyll-style) is held to the same in
 * test/corpus/real-blog-equivalence.test.ts, from the one in-process build its equivalence test makes anyway.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dateFromFileName, parseDate } from '../../lambdas/core/dates.js';
import { listContentFolder } from '../../lambdas/local/markdown-files.js';
import { emulated, expectSame, inProcess } from '../support/equivalence.js';
import { prng } from '../support/prng.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'real-blogs');
const jekyllPosts = join(fixtures, 'jekyll-docs', '_posts');
const hugoContent = join(fixtures, 'hugo-site', 'content');

async function filesUnder(dir: string, prefix: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name).slice(dir.length + 1).split('\\').join('/');
    files.set(`${prefix}${path}`, await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  return files;
}

/** `<loc>` → `<lastmod>` of the sitemap. */
function sitemapDates(sitemap: string): Map<string, string | undefined> {
  return new Map([...sitemap.matchAll(/<url>\s*<loc>([^<]+)<\/loc>(?:\s*<lastmod>([^<]+)<\/lastmod>)?/g)].map((m) => [m[1]!, m[2]]));
}

describe('real blogs of other generators publish as their generators publish them', () => {
  it('Jekyll\'s blog and a Hugo folder: every post published and dated, Liquid converted, the same bytes through the emulated stack', async () => {
    const files = new Map([...await filesUnder(jekyllPosts, 'jekyll/'), ...await filesUnder(hugoContent, 'hugo/')]);
    const cacheDir = await mkdtemp(join(tmpdir(), 'real-blogs-cache-'));
    const built = await inProcess(files, cacheDir);
    const reports = new Map([...built.reports].filter(([name]) => name !== '_site.json').map(([name, json]) => [name.replace(/\.json$/, ''), JSON.parse(json)]));

    // Jekyll: all 102 posts (96 of them .markdown) published, each dated, in date order in the feed.
    const jekyll = [...reports].filter(([key]) => key.startsWith('jekyll/'));
    expect(jekyll).toHaveLength(102);
    expect(jekyll.filter(([, report]) => report.status !== 'published').map(([key]) => key)).toEqual([]);
    const lastmods = sitemapDates(built.site.get('sitemap.xml')!);
    for (const [key, report] of jekyll) {
      // A near copy of another post is left out of the sitemap (its canonical is the original).
      if (report.site?.canonicalUrl !== undefined) continue;
      const lastmod = lastmods.get(report.url);
      expect(lastmod, key).toBeDefined();
      // The front matter's date where it has one (`2014-12-17 11:16:21 -0800`), else the file name's.
      const written = /^date:\s*["']?(.+?)["']?\s*$/m.exec(files.get(key)!)?.[1];
      expect(lastmod, key).toBe(written === undefined ? dateFromFileName(key.split('/').pop()!) : parseDate(written) ?? parseDate(written.slice(0, 10)));
    }
    const pubDates = [...built.site.get('feed.xml')!.matchAll(/<pubDate>([^<]+)<\/pubDate>/g)].map((m) => Date.parse(m[1]!));
    expect(pubDates.length).toBeGreaterThan(10);
    expect(pubDates).toEqual([...pubDates].sort((a, b) => b - a));
    const pages = [...built.site].filter(([path]) => path.startsWith('posts/'));
    // Posts with {% highlight %} blocks show them as code blocks, without the tags.
    const highlighted = [...files].filter(([key, text]) => key.startsWith('jekyll/') && text.includes('{% highlight'));
    expect(highlighted.length).toBeGreaterThanOrEqual(5);
    for (const [key] of highlighted) {
      const html = built.site.get(`${new URL(reports.get(key).url).pathname.slice(1)}index.html`)!;
      expect(html, key).toMatch(/<pre><code class="language-\w+">/);
      // (A tag the author wrote as inline code, inside {% raw %}, is shown as code: that is what it meant.)
      expect(html.replace(/<code>[\s\S]*?<\/code>/g, ''), key).not.toMatch(/\{%-?\s*(highlight|endhighlight)\b/);
    }
    // {% post_url %} and {% link _posts/… %} point at pages that exist; {% link _docs/… %} (not a post) is reported.
    const postUrlTarget = 'https://blog.example.com/posts/2013-05-06-jekyll-1-0-0-released/';
    expect(pages.some(([, html]) => html.includes(`href="${postUrlTarget}"`))).toBe(true);
    expect(built.site.has('posts/2013-05-06-jekyll-1-0-0-released/index.html')).toBe(true);
    const warnings = jekyll.flatMap(([, report]) => report.warnings as { ruleId: string }[]);
    expect(warnings.filter((m) => m.ruleId === 'seo:broken-internal-link')).toEqual([]);
    expect(warnings.filter((m) => m.ruleId === 'front-matter:unknown-field')).toEqual([]);
    expect(jekyll.flatMap(([, report]) => report.notes as { ruleId: string }[]).filter((m) => m.ruleId === 'liquid:converted').length).toBeGreaterThanOrEqual(15);
    expect(JSON.parse(built.reports.get('_site.json')!).ignoredFields).toMatchObject({ version: 90 });
    // Jekyll's `redirect_from`: the old address leads to the post, and no alias collides with a page.
    expect(reports.get('jekyll/2019-08-04-jekyll-4-0-0-pre-beta1-released.markdown').redirects)
      .toEqual([{ from: '/news/2019/07/20/jekyll-4-0-0-pre-beta1-released', why: 'alias' }]);
    expect(warnings.filter((m) => m.ruleId === 'redirect:alias-ignored')).toEqual([]);

    // Hugo: TOML front matter, a page bundle named by its folder, a section page and a draft not published.
    expect(reports.get('hugo/posts/first-toml-post.md')).toMatchObject({ status: 'published', url: 'https://blog.example.com/posts/first-toml-post/' });
    expect(reports.get('hugo/posts/bundle-post/index.md')).toMatchObject({ status: 'published', url: 'https://blog.example.com/posts/bundle-post/' });
    expect(reports.get('hugo/posts/unfinished.md')).toMatchObject({ status: 'draft' });
    // Hugo's `aliases` and a WordPress export's `url`: old addresses of their posts.
    expect(reports.get('hugo/posts/first-toml-post.md').redirects).toEqual([{ from: '/2019/11/tuning-the-planner', why: 'alias' }]);
    expect(reports.get('hugo/posts/2008-11-10-imported-from-wordpress.md').redirects)
      .toEqual([{ from: '/index.php/desktopdev/mstech/visual-studio-2010-and-the-net-framework-9', why: 'alias' }]);
    expect(reports.has('hugo/posts/_index.md')).toBe(false);
    expect(lastmods.get('https://blog.example.com/posts/first-toml-post/')).toBe('2020-01-05T09:00:00.000Z');
    const toml = built.site.get('posts/first-toml-post/index.html')!;
    expect(toml).toContain('The planner picks a join order from statistics');
    expect(toml).toMatch(/<meta name="description" content="The planner picks a join order from statistics[^"]*"/);
    expect(reports.get('hugo/posts/first-toml-post.md').warnings.map((m: { ruleId: string; line: number }) => [m.ruleId, m.line]))
      .toContainEqual(['liquid:unprocessed', 18]);
    const wordpress = built.site.get('posts/2008-11-10-imported-from-wordpress/index.html')!;
    expect(wordpress).toContain('href="https://blog.example.com/tags/microsoft-technologies/"');

    // The same content, uploaded in a shuffled order to the emulated AWS stack (the image and the section page
    // too: the S3 notification filters and ingest leave them alone).
    const random = prng(7);
    const shuffled = [...files].map(([key, text]) => ({ key, text, order: random() })).sort((a, b) => a.order - b.order);
    expectSame(await emulated(shuffled, 40, cacheDir), built);
  }, 300_000);

  it('lists every other file of a content folder once, with the reason', async () => {
    const folder = await listContentFolder(hugoContent);
    expect(folder.posts).toEqual(['posts/2008-11-10-imported-from-wordpress.md', 'posts/bundle-post/index.md', 'posts/first-toml-post.md', 'posts/unfinished.md']);
    expect(folder.skipped.map((file) => [file.path, file.reason.split(/[:;(]/)[0]!.trim()])).toEqual([
      ['posts/_index.md', 'a Hugo section page'],
      ['posts/bundle-post/layout.png', 'not a post'],
    ]);
  });
});
