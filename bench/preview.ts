import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Chromium, as the browser tests use it. */
export const CHROMIUM = '/usr/bin/chromium';

export interface PreviewRun {
  readonly contentDir: string;
  /** From writing the edited file to the open page showing the edit (it reloads itself), each run. */
  readonly reloadMs: readonly number[];
  readonly load1: number;
}

/**
 * The author's loop in the preview: `npm start` on a copy of `contentDir`, one post open in headless Chromium, the
 * post edited on disk `runs` times; each time, how long until the page shows the edit (saved → the file watcher, the
 * upload, the S3 event, ingest, publish, the page told and reloaded).
 */
export async function measurePreview(root: string, contentDir: string, postFile: string, postPath: string, runs: number, log: (line: string) => void): Promise<PreviewRun | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  const work = await mkdtemp(join(tmpdir(), 'bench-preview-'));
  const content = join(work, 'content');
  await cp(contentDir, content, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--content', content, '--port', '0', '--data', join(work, 'data')], {
    cwd: root, env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const siteUrl = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        const ready = /site ready in \d+ ms: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
        if (ready && output.includes('watching')) resolve(ready[1]!);
      });
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before the site was ready`)));
    });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${siteUrl}${postPath}`);
      const reloadMs: number[] = [];
      const load1 = loadavg()[0]!;
      for (let run = 1; run <= runs; run++) {
        await page.waitForFunction("document.documentElement.dataset.liveReload === 'connected'");
        const sentence = `Edited in the preview benchmark, run ${run}.`;
        const file = join(content, postFile);
        const text = await readFile(file, 'utf8');
        const started = performance.now();
        await writeFile(file, `${text}\n${sentence}\n`);
        await page.waitForFunction(`document.body.innerText.includes(${JSON.stringify(sentence)})`, undefined, { timeout: 30_000 });
        reloadMs.push(performance.now() - started);
        log(`preview: run ${run}: the page showed the edit after ${reloadMs.at(-1)!.toFixed(0)} ms`);
      }
      return { contentDir, reloadMs, load1 };
    } finally {
      await browser.close();
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(work, { recursive: true, force: true });
  }
}
