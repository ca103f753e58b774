/**
 * The preview `npm start` serves reloads a page by itself after a publish changed it: `npm start` on a copy of the
 * seed posts, a post opened in headless Chromium (Debian's, driven by playwright-core), the post edited on disk, and
 * the page shows the edit without anyone reloading it. The published files never carry the reload script.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { buildInProcess } from '../../lambdas/local/in-process.js';
import { LIVE_RELOAD_PATH, withLiveReload } from '../../lambdas/local/preview-server.js';

const root = join(import.meta.dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const POST = 'how-ketamine-and-antidepressants-differs.md';
const FAQ_POST = 'ketamine-assisted-psychotherapy-vs-traditional-antidepressants-key-differences-you-should-know.md';
/** Screenshots of the author's page, for the README (`SCREENSHOTS=docs npm test -- live-reload` writes them there). */
const shots = process.env.SCREENSHOTS ?? tmpdir();

describe('the local preview: live reload and the author\'s page', () => {
  it('adds the reload script to served pages only: no published file carries it', async () => {
    const build = await buildInProcess({ contentDir: join(root, 'content'), config: resolveSiteConfig({}) });
    expect(build.files.filter((file) => file.body.includes(LIVE_RELOAD_PATH)).map((file) => file.path)).toEqual([]);
    const page = '<!doctype html><html><body><p>x</p></body></html>';
    expect(withLiveReload(page)).toMatch(new RegExp(`<p>x</p><script>[\\s\\S]*${LIVE_RELOAD_PATH}[\\s\\S]*</script>\\n</body></html>$`));
  });

  let child: ChildProcess | undefined;
  afterAll(() => { child?.kill('SIGINT'); });

  it.skipIf(!existsSync(CHROMIUM))('reloads an open post page when the post is edited on disk; /_pipeline/ shows each post\'s decisions', async () => {
    const content = await mkdtemp(join(tmpdir(), 'live-reload-'));
    await cp(join(root, 'content'), content, { recursive: true });
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--content', content, '--port', '0', '--data', join(content, '..', `${basename(content)}-data`)], {
      cwd: root, env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    const siteUrl = await new Promise<string>((resolve, reject) => {
      let output = '';
      child!.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        const ready = /site ready in \d+ ms: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
        if (ready && output.includes('watching')) resolve(ready[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`npm start exited (${code}): ${output}`)));
    });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      let loads = 0;
      page.on('load', () => { loads++; });
      await page.goto(`${siteUrl}/posts/how-ketamine-and-antidepressants-differs/`);
      expect(await page.title()).not.toBe('');
      // The page's event stream is open before the edit (the script connects as the page loads).
      await page.waitForFunction("document.documentElement.dataset.liveReload === 'connected'");
      const sentence = 'A sentence added while the page was open.';
      await writeFile(join(content, POST), `${await readFile(join(content, POST), 'utf8')}\n${sentence}\n`);
      await page.waitForFunction(`document.body.innerText.includes(${JSON.stringify(sentence)})`, undefined, { timeout: 30_000 });
      expect(loads).toBe(2); // it was reloaded, once, by the page itself

      // The author's page: every post with its counts, and the seed post's removed repeat beside what it repeats.
      await page.goto(`${siteUrl}/_pipeline/`);
      expect(await page.locator('table.posts tbody tr').count()).toBe(5);
      await page.getByRole('link', { name: POST }).click();
      const repeats = page.locator('section[aria-labelledby="repeats"] figure.pair');
      expect(await repeats.count()).toBe(1);
      expect(await repeats.locator('figcaption').innerText()).toContain('dedupe:repeated-section');
      const [removed, original] = await repeats.locator('pre').allInnerTexts();
      expect(removed).toMatch(/^#+ Difference Between ketamine and antidepressants/);
      expect(original).toMatch(/^#+ Antidepressants/);
      await page.screenshot({ path: join(shots, 'pipeline-post.png'), fullPage: true });
      // The post whose FAQ answers lost their questions: the warning says why nothing was marked up.
      await page.goto(`${siteUrl}/_pipeline/`);
      await page.screenshot({ path: join(shots, 'pipeline-index.png'), fullPage: true });
      await page.getByRole('link', { name: FAQ_POST }).click();
      expect(await page.locator('section[aria-labelledby="faq"]').innerText()).toMatch(/has 5 answers but no questions[\s\S]*\[faq:answers-without-questions\]/);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
