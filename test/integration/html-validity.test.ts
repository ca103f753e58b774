import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { processPost } from '../../lambdas/core/post.js';
import { buildSite } from '../../lambdas/core/site/site.js';
import type { PublishedPost } from '../../lambdas/core/types.js';
import { listMarkdownFiles } from '../../lambdas/local/markdown-files.js';

const run = promisify(execFile);
const vnuJar = createRequire(import.meta.url)('vnu-jar') as string;
const contentDir = join(import.meta.dirname, '..', '..', 'content');

describe('published HTML', () => {
  it('is valid HTML5 per the Nu HTML checker, for every page built from the seed posts', async () => {
    // Two posts per listing page, so the five seed posts also produce archive pages (home and tags).
    const config = resolveSiteConfig({ siteUrl: 'https://clinic.example', listingPageSize: 2 });
    const posts: PublishedPost[] = [];
    for (const key of await listMarkdownFiles(contentDir)) {
      const outcome = processPost({ key, bytes: await readFile(join(contentDir, key)) }, config);
      if (outcome.status === 'published') posts.push(outcome.post);
    }
    expect(posts).toHaveLength(5);
    const out = await mkdtemp(join(tmpdir(), 'vnu-'));
    const pages = buildSite(posts, config).filter((file) => file.path.endsWith('.html'));
    for (const file of pages) {
      await mkdir(dirname(join(out, file.path)), { recursive: true });
      await writeFile(join(out, file.path), file.body);
    }
    expect(pages.length).toBeGreaterThanOrEqual(7);
    expect(pages.map((file) => file.path)).toEqual(expect.arrayContaining(['page/1/index.html', 'page/2/index.html']));
    // vnu exits non-zero when it finds errors; its JSON report lists every message.
    const result = await run('java', ['-jar', vnuJar, '--format', 'json', '--skip-non-html', out]).catch((err: { stderr: string }) => err);
    const messages = (JSON.parse(result.stderr).messages as { type: string; message: string; url: string }[])
      .filter((m) => m.type === 'error' || m.type === 'warning' || (m.type === 'info' && /warning/i.test(String((m as { subType?: string }).subType))));
    expect(messages).toEqual([]);
  });
});
