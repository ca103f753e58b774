import { mkdtemp, mkdir, readdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesUnder, runBuild as build } from '../support/build-cli.js';
import { describe, expect, it } from 'vitest';
import { listMarkdownFiles } from '../../lambdas/local/markdown-files.js';

const root = join(import.meta.dirname, '..', '..');

describe('npm run build', () => {
  it('builds the seed content into every published file, byte-identical on a second run', async () => {
    const work = await mkdtemp(join(tmpdir(), 'build-cli-'));
    const first = await build(['--out', join(work, 'one'), '--reports', join(work, 'reports'), '--site-url', 'https://clinic.example']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const site = await filesUnder(join(work, 'one'));
    const posts = await listMarkdownFiles(join(root, 'content'));
    expect(posts).toHaveLength(5);
    for (const path of ['index.html', 'feed.xml', 'atom.xml', 'feed.json', 'sitemap.xml', 'robots.txt', 'styles.css']) {
      expect(site.has(path), path).toBe(true);
    }
    expect([...site.keys()].filter((path) => /^posts\/[^/]+\/index\.html$/.test(path))).toHaveLength(5);
    expect([...site.keys()].some((path) => /^tags\/[^/]+\/feed\.xml$/.test(path))).toBe(true);
    expect(site.get('robots.txt')).toContain('Sitemap: https://clinic.example/sitemap.xml');
    expect(JSON.parse(site.get('feed.json')!).items).toHaveLength(5);

    const reports = await readdir(join(work, 'reports'));
    expect(reports.sort()).toEqual(['_site.json', ...posts.map((key) => `${key}.json`)].sort());
    // The site summary lists posts by number of SEO warnings, most first.
    const summary = JSON.parse(await readFile(join(work, 'reports', '_site.json'), 'utf8')) as { posts: number; summary: { key: string; warnings: number }[] };
    expect(summary.posts).toBe(5);
    expect(summary.summary.map((row) => row.warnings)).toEqual([...summary.summary.map((row) => row.warnings)].sort((a, b) => b - a));
    expect(first.stdout).toMatch(/5 posts in, 5 published, 0 drafts, 0 rejected/);

    const second = await build(['--out', join(work, 'two'), '--site-url', 'https://clinic.example']);
    expect(second.code).toBe(0);
    expect(await filesUnder(join(work, 'two'))).toEqual(site);
  });

  it('exits 2 with file:line: what to fix for a rejected post, and still publishes the rest', async () => {
    const work = await mkdtemp(join(tmpdir(), 'build-cli-'));
    const content = join(work, 'content');
    await mkdir(join(content, 'nested'), { recursive: true });
    await copyFile(join(root, 'content', 'how-ketamine-and-antidepressants-differs.md'), join(content, 'nested', 'good.md'));
    await writeFile(join(content, 'bad.md'), '---\ntitle: Broken\ndate: 01/04/2024\n---\n\nText.\n');
    const result = await build(['--content', content, '--out', join(work, 'site')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`${content}/bad.md:3: error: \`date: 01/04/2024\` is not a valid date; write it as YYYY-MM-DD`);
    expect(result.stdout).toMatch(/1 published, 0 drafts, 1 rejected/);
    const site = await filesUnder(join(work, 'site'));
    expect(site.has('posts/how-ketamine-and-antidepressants-differs/index.html')).toBe(true);
    expect(site.get('feed.xml')).not.toContain('Broken');
  });

  it('updates its previous output in place: files it no longer produces and their empty folders are removed', async () => {
    const work = await mkdtemp(join(tmpdir(), 'build-cli-'));
    const content = join(work, 'content');
    await mkdir(content);
    for (const name of ['a', 'b']) await copyFile(join(root, 'content', 'how-ketamine-and-antidepressants-differs.md'), join(content, `${name}.md`));
    await writeFile(join(content, 'b.md'), (await readFile(join(content, 'b.md'), 'utf8')).replace(/^title: .*$/m, 'title: Second copy').replace(/^slug: .*$/m, 'slug: second-copy'));
    const out = join(work, 'site');
    expect((await build(['--no-cache', '--content', content, '--out', out])).code).toBe(0);
    const before = await filesUnder(out);
    expect(before.has('posts/second-copy/index.html')).toBe(true);

    // The second post is deleted: its page, and its folder, go; the rest is rewritten in place.
    await rm(join(content, 'b.md'));
    expect((await build(['--no-cache', '--content', content, '--out', out])).code).toBe(0);
    const after = await filesUnder(out);
    expect(after.has('posts/second-copy/index.html')).toBe(false);
    expect(await readdir(join(out, 'posts'))).not.toContain('second-copy');
    // Exactly what a build into an empty folder gives.
    expect((await build(['--no-cache', '--content', content, '--out', join(work, 'fresh')])).code).toBe(0);
    expect(after).toEqual(await filesUnder(join(work, 'fresh')));
  });

  it('--now shows the site as of that time, in-process and on the emulated stack: later posts are reported as scheduled, not published', async () => {
    const work = await mkdtemp(join(tmpdir(), 'build-cli-'));
    const content = join(work, 'content');
    await mkdir(content);
    await writeFile(join(content, 'old.md'), '---\ntitle: Old news\ndate: 2020-01-01\n---\n\nPublished long ago.\n');
    await writeFile(join(content, 'new-year.md'), '---\ntitle: Happy new year\ndate: 2030-01-01 00:00:00 +0100\n---\n\nScheduled for the new year.\n');
    const before = await build(['--no-cache', '--content', content, '--out', join(work, 'before'), '--now', '2029-12-31T22:59:59Z']);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(`• scheduled ${content}/new-year.md  for 2029-12-31T23:00:00.000Z`);
    expect(before.stdout).toContain('2 posts in, 1 published, 0 drafts, 0 rejected, 1 scheduled');
    const site = await filesUnder(join(work, 'before'));
    expect(site.has('posts/old/index.html')).toBe(true);
    expect(site.has('posts/new-year/index.html')).toBe(false);
    expect(site.get('feed.xml')).not.toContain('Happy new year');
    const emulated = await build(['--emulated', '--content', content, '--out', join(work, 'emulated'), '--now', '2029-12-31T22:59:59Z']);
    expect(emulated.stdout).toContain(`• scheduled ${content}/new-year.md  for 2029-12-31T23:00:00.000Z`);
    expect(await filesUnder(join(work, 'emulated'))).toEqual(site);

    const after = await build(['--no-cache', '--content', content, '--out', join(work, 'after'), '--now', '2029-12-31T23:00:00Z']);
    expect(after.stdout).toContain('2 posts in, 2 published');
    expect((await filesUnder(join(work, 'after'))).get('feed.xml')).toContain('Happy new year');
    expect((await build(['--content', content, '--out', join(work, 'bad'), '--now', 'next tuesday'])).code).toBe(1);
  }, 180_000);

  it('refuses to overwrite a folder it did not write', async () => {
    const work = await mkdtemp(join(tmpdir(), 'build-cli-'));
    await writeFile(join(work, 'precious.txt'), 'keep me');
    const result = await build(['--out', work]);
    expect(result.code).toBe(1);
    expect(await readFile(join(work, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});
