import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Corpus } from './corpus.js';

export interface BuildRun {
  readonly posts: number;
  /**
   * `cold`: `--no-cache`. `warm`: with the cache a previous run over the same corpus filled, into a new output folder
   * (no build state for it: every post is published again, parsed posts from the cache). `unchanged`: the same build
   * again (its state says nothing changed: nothing is built). `edit`: then one post edited (built from scratch, the
   * other posts from the cache).
   */
  readonly run: 'cold' | 'warm' | 'unchanged' | 'edit';
  readonly corpusBytes: number;
  readonly wallS: number;
  /** user + sys of the build process and its threads (from /usr/bin/time -v); undefined without it. */
  readonly cpuS?: number;
  readonly peakRssMiB?: number;
  /** Megabytes (10^6 bytes) of markdown per second of wall time. */
  readonly mbPerS: number;
  /**
   * The build's own phase timings (BUILD_TIMINGS): process, corpus, render, write, state (ms; those it had), and posts
   * answered from the cache.
   */
  readonly phases?: Readonly<Record<string, number>>;
  readonly cached?: number;
  readonly exitCode: number;
  readonly summary: string;
  /** What the build said of its state (`nothing changed ...` or `built from scratch: <why>`); absent with `--no-cache`. */
  readonly incremental?: string;
  readonly load1: number;
}

const TIME = '/usr/bin/time';
export const hasTimeCommand = () => existsSync(TIME);

/** The build command, as compare.mjs runs it too. */
export function buildCommand(corpus: Corpus, outDir: string, cache: boolean): string[] {
  return [process.execPath, '--import', 'tsx', 'scripts/build.ts', ...(cache ? [] : ['--no-cache']),
    '--content', corpus.postsDir, '--out', outDir, '--quiet'];
}

/** One `scripts/build.ts` (the in-process build) with `--no-cache`, in a child process (under `/usr/bin/time -v` when available). */
export async function timeBuild(root: string, corpus: Corpus, run: 'cold', log: (line: string) => void): Promise<BuildRun> {
  const outDir = await mkdtemp(join(tmpdir(), 'bench-site-'));
  try {
    log(`full build: ${corpus.posts} posts, ${run} run`);
    return await measure(root, corpus, outDir, run);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/**
 * The builds with the cache, each in a child process: `warm`, `unchanged` and `edit` (see `BuildRun.run`). The edited
 * post gets a paragraph at its end, and its bytes and times back afterwards.
 */
export async function timeCachedBuilds(root: string, corpus: Corpus, log: (line: string) => void): Promise<BuildRun[]> {
  const fillDir = await mkdtemp(join(tmpdir(), 'bench-site-'));
  const outDir = await mkdtemp(join(tmpdir(), 'bench-site-'));
  const runs: BuildRun[] = [];
  try {
    log(`full build: ${corpus.posts} posts, filling the cache (unmeasured run)`);
    await runBuild(root, buildCommand(corpus, fillDir, true));
    for (const run of ['warm', 'unchanged'] as const) {
      log(`full build: ${corpus.posts} posts, ${run} run`);
      runs.push(await measure(root, corpus, outDir, run));
    }
    const posts = (await readdir(corpus.postsDir)).filter((name) => name.endsWith('.md')).sort();
    const edited = join(corpus.postsDir, posts[Math.floor(posts.length / 2)]!);
    const [original, times] = await Promise.all([readFile(edited), stat(edited)]);
    try {
      await writeFile(edited, `${original.toString('utf8').trimEnd()}\n\nA paragraph added by the benchmark's one-post edit, to see what an incremental build costs.\n`);
      log(`full build: ${corpus.posts} posts, edit run (${edited})`);
      runs.push(await measure(root, corpus, outDir, 'edit'));
    } finally {
      await writeFile(edited, original);
      await utimes(edited, times.atime, times.mtime);
    }
    return runs;
  } finally {
    await Promise.all([rm(fillDir, { recursive: true, force: true }), rm(outDir, { recursive: true, force: true })]);
  }
}

async function measure(root: string, corpus: Corpus, outDir: string, run: BuildRun['run']): Promise<BuildRun> {
  const load1 = loadavg()[0]!;
  const result = await runBuild(root, buildCommand(corpus, outDir, run !== 'cold'));
  const grab = (re: RegExp) => { const m = re.exec(result.stderr); return m ? Number(m[1]) : undefined; };
  const user = grab(/User time \(seconds\): ([\d.]+)/);
  const sys = grab(/System time \(seconds\): ([\d.]+)/);
  const rss = grab(/Maximum resident set size \(kbytes\): (\d+)/);
  const timingLine = result.stderr.split('\n').find((line) => line.startsWith('{"'));
  const timings = timingLine ? JSON.parse(timingLine) as Record<string, number> : undefined;
  const { cached, ...phases } = timings ?? {};
  return {
    posts: corpus.posts, run, corpusBytes: corpus.bytes, wallS: result.wallS,
    ...(user !== undefined && sys !== undefined && { cpuS: user + sys }),
    ...(rss !== undefined && { peakRssMiB: rss / 1024 }),
    mbPerS: corpus.bytes / 1e6 / result.wallS,
    ...(timings && { phases, cached }),
    exitCode: result.code,
    summary: result.stdout.trim().split('\n').at(-1) ?? '',
    incremental: result.stdout.split('\n').find((line) => /^(nothing changed since the last build|built from scratch): /.test(line)),
    load1,
  };
}

export async function runBuild(root: string, command: string[]): Promise<{ code: number; wallS: number; stdout: string; stderr: string }> {
  const argv = hasTimeCommand() ? [TIME, '-v', ...command] : command;
  const started = process.hrtime.bigint();
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider', BUILD_TIMINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout = (stdout + chunk).slice(-20_000); });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const code = await new Promise<number>((resolve, reject) => child.once('error', reject).once('close', (c) => resolve(c ?? 1)));
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  // 0: every post published; 2: some posts rejected (the rest is published). Anything else is a failure.
  if (code !== 0 && code !== 2) throw new Error(`build failed (exit ${code}): ${argv.join(' ')}\n${stderr.slice(-2000)}`);
  return { code, wallS, stdout, stderr };
}
