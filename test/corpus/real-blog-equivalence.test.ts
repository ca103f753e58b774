/**
 * The Rust blog (../shared/corpus/rust-blog, 584 posts, the project's blog at commit 7b42b9ec, MIT OR Apache-2.0;
 * skipped when the corpus is not there), built once in-process and held to two things:
 * - as its generator publishes it (see test/corpus/real-blogs.test.ts for Jekyll's and Hugo's blogs): every post
 *   published, dated from its file name, in date order, at most one warning per post on average;
 * - the equivalence of test/corpus/engine-equivalence on a real blog: uploaded to the emulated AWS stack in a
 *   shuffled order, it publishes the same bytes, site and reports, as the in-process build.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dateFromFileName } from '../../lambdas/core/dates.js';
import { emulated, expectSame, inProcess, type Published } from '../support/equivalence.js';
import { prng } from '../support/prng.js';

const rustBlog = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'rust-blog', 'posts');

/** `<loc>` → `<lastmod>` of the sitemap. */
function sitemapDates(sitemap: string): Map<string, string | undefined> {
  return new Map([...sitemap.matchAll(/<url>\s*<loc>([^<]+)<\/loc>(?:\s*<lastmod>([^<]+)<\/lastmod>)?/g)].map((m) => [m[1]!, m[2]]));
}

describe.skipIf(!existsSync(rustBlog))('the Rust blog (../shared/corpus/rust-blog, 584 posts)', () => {
  const files = new Map<string, string>();
  // Parsing is the same function on both sides: the emulated stack's ingest answers from the cache the in-process
  // build filled (a quarter of the equivalence test's time otherwise), and publishes on its own.
  let cacheDir: string;
  let built: Published;

  beforeAll(async () => {
    // Every post, the `inside-rust/` folder's too (keys with a folder, as `aws s3 sync` uploads them).
    for (const name of (await readdir(rustBlog, { recursive: true })).filter((file) => file.endsWith('.md')).sort()) {
      files.set(name.split('\\').join('/'), await readFile(join(rustBlog, name), 'utf8'));
    }
    cacheDir = await mkdtemp(join(tmpdir(), 'equivalence-cache-'));
    // The in-process build of the folder's files (each modified at one time, FILE_TIME: a post dated by it instead of
    // its file name would show).
    built = await inProcess(files, cacheDir);
  }, 300_000);

  it('every post dated from its file name, in date order, at most one warning per post on average', () => {
    expect(files.size).toBe(584);
    const reports = [...built.reports].filter(([name]) => name !== '_site.json')
      .map(([name, json]) => [name.replace(/\.json$/, ''), JSON.parse(json)] as [string, { status: string; url?: string; site?: { canonicalUrl?: string }; warnings: unknown[] }]);
    expect(reports).toHaveLength(584);
    expect(reports.filter(([, report]) => report.status !== 'published').map(([key]) => key)).toEqual([]);
    const sitemap = sitemapDates(built.site.get('sitemap.xml')!);
    for (const [key, report] of reports) {
      if (report.site?.canonicalUrl !== undefined) continue;
      expect(sitemap.get(report.url!), key).toBe(dateFromFileName(key.split('/').pop()!));
    }
    const feed = built.site.get('feed.xml')!;
    const pubDates = [...feed.matchAll(/<pubDate>([^<]+)<\/pubDate>/g)].map((m) => Date.parse(m[1]!));
    expect(pubDates).toHaveLength(50);
    expect(pubDates).toEqual([...pubDates].sort((a, b) => b - a));
    expect(built.site.get('atom.xml')!).not.toContain('1970-01-01');
    const warnings = reports.reduce((sum, [, report]) => sum + report.warnings.length, 0);
    expect(warnings / reports.length).toBeLessThanOrEqual(1);
    expect((JSON.parse(built.reports.get('_site.json')!) as { ignoredFields: Record<string, number> }).ignoredFields).toEqual({ layout: 584, team: 315, release: 130 });
  });

  it('the in-process build and the emulated AWS stack publish the same bytes, uploaded in a shuffled order', async () => {
    const random = prng(17);
    const shuffled = [...files].map(([key, text]) => ({ key, text, order: random() })).sort((a, b) => a.order - b.order);
    expectSame(await emulated(shuffled, 200, cacheDir), built);
  }, 300_000);
});
