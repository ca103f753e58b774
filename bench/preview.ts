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
  /** `npm start` stopped and started again on the same folder and port: from the command to "site ready". */
  readonly restartS: number;
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
  const start = (port: number) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--content', content, '--port', String(port), '--data', join(work, 'data')], {
      cwd: root, env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ready = new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        const said = /site ready in \d+ ms: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
        if (said && output.includes('watching')) resolve(said[1]!);
      });
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before the site was ready`)));
    });
    const stop = async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    };
    return { ready, stop };
  };
  let running = start(0);
  try {
    const siteUrl = await running.ready;
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
      // A restart: the same folder, port and data, nothing changed since.
      await running.stop();
      const restarted = performance.now();
      running = start(Number(new URL(siteUrl).port));
      await running.ready;
      const restartS = (performance.now() - restarted) / 1000;
      log(`preview: restarted in ${restartS.toFixed(1)} s`);
      return { contentDir, reloadMs, restartS, load1 };
    } finally {
      await browser.close();
    }
  } finally {
    await running.stop();
    await rm(work, { recursive: true, force: true });
  }
}
