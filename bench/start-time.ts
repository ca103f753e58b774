import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from './full-build.js';

export interface StartTime {
  readonly contentDir: string;
  readonly posts: number;
  /** From the command to "site ready" (the process's start-up, the embedded stack, the import, the reports printed). */
  readonly startS: number;
  /** Lines of progress printed while it worked (a plain line every 5 s when the output is not a terminal). */
  readonly progressLines: number;
  /**
   * A second `npm start` of the same folder, on the same port, nothing changed: it resumes the data the first one
   * kept in `.local/npm-start/` (the first run is started with `--fresh`).
   */
  readonly restartS: number;
  /** `npm run build -- --no-cache` of the same posts, in this run. */
  readonly buildS: number;
  readonly load1: number;
}

/**
 * `npm start` on a folder until it says "site ready" (then stopped), side by side with `npm run build` of the same
 * folder: how long an author waits for the local preview of a blog they bring; then once more, as after a restart.
 */
export async function measureStart(root: string, contentDir: string, log: (line: string) => void): Promise<StartTime> {
  const posts = (await readdir(contentDir, { recursive: true })).filter((name) => String(name).endsWith('.md')).length;
  const load1 = loadavg()[0]!;
  log(`npm start: ${posts} posts from ${contentDir}`);
  // One port for both runs: the site URL is part of the published pages, so another port would re-render them all.
  const port = await freePort();
  const { startS, progressLines } = await startUntilReady(root, contentDir, port, ['--fresh']);
  log(`npm start: ready in ${startS.toFixed(1)} s; again (a restart, nothing changed)`);
  const { startS: restartS } = await startUntilReady(root, contentDir, port, []);
  log(`npm start: restarted in ${restartS.toFixed(1)} s; npm run build of the same posts`);
  const outDir = await mkdtemp(join(tmpdir(), 'bench-start-'));
  try {
    const build = await runBuild(root, [process.execPath, '--import', 'tsx', 'scripts/build.ts', '--no-cache', '--content', contentDir, '--out', outDir, '--quiet']);
    return { contentDir, posts, startS, restartS, progressLines, buildS: build.wallS, load1 };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

async function startUntilReady(root: string, contentDir: string, port: number, flags: readonly string[]): Promise<{ startS: number; progressLines: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--content', contentDir, '--port', String(port), ...flags], {
    cwd: root, env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let progressLines = 0;
  const startS = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        if (line.startsWith('ingesting posts')) progressLines++;
        if (line.startsWith('site ready in')) resolve((performance.now() - started) / 1000);
      }
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before the site was ready`)));
  });
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  return { startS, progressLines };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
