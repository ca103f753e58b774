/**
 * Lighthouse (12, pinned: 13 wants Node 22) on the published seed site, in Debian's headless Chromium: accessibility,
 * best practices and SEO at 100 on the home page, a post page and a tag page. The site is built in-process and served
 * as CloudFront serves it (test/hostile/site-server.ts), so it is what readers get, without the preview's script.
 * Skipped, with a message, without /usr/bin/chromium.
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { buildInProcess } from '../../lambdas/local/in-process.js';
import { startSiteServer, type SiteServer } from '../hostile/site-server.js';

const CHROMIUM = '/usr/bin/chromium';
const CATEGORIES = ['accessibility', 'best-practices', 'seo'] as const;

describe.skipIf(!existsSync(CHROMIUM))('Lighthouse on the published site', () => {
  let server: SiteServer;
  let chrome: { port: number; kill(): void | Promise<void> };

  beforeAll(async () => {
    server = await startSiteServer();
    const out = await mkdtemp(join(tmpdir(), 'lighthouse-site-'));
    await buildInProcess({ contentDir: join(import.meta.dirname, '..', '..', 'content'), config: resolveSiteConfig({ siteUrl: server.origin }), outDir: out });
    server.setRoot(out);
    const { launch } = await import('chrome-launcher');
    chrome = await launch({ chromePath: CHROMIUM, chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await chrome?.kill();
    await server?.close();
  });

  it.each([
    ['the home page', '/'],
    ['a post page', '/posts/how-ketamine-and-antidepressants-differs/'],
    ['a tag page', '/tags/ketamine/'],
  ])('scores 100 in accessibility, best practices and SEO on %s', async (_name, path) => {
    const { default: lighthouse } = await import('lighthouse');
    const result = await lighthouse(`${server.origin}${path}`, { port: chrome.port, onlyCategories: [...CATEGORIES], logLevel: 'error', output: 'json' });
    const lhr = result!.lhr;
    // What falls short, by audit, so a failure says what to fix.
    const failing = CATEGORIES.flatMap((category) => lhr.categories[category]!.auditRefs
      .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]!.score ?? 1) < 1)
      .map((ref) => `${category}: ${ref.id} (${lhr.audits[ref.id]!.title})`));
    expect(failing).toEqual([]);
    expect(Object.fromEntries(CATEGORIES.map((category) => [category, lhr.categories[category]!.score]))).toEqual({ accessibility: 1, 'best-practices': 1, seo: 1 });
  }, 120_000);
});

if (!existsSync(CHROMIUM)) console.warn(`lighthouse.test.ts: ${CHROMIUM} not found, so the Lighthouse checks are SKIPPED. Install it with: apt-get update && apt-get install -y chromium`);
