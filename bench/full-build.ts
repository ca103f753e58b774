import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Corpus } from './corpus.js';

export interface BuildRun {
  readonly posts: number;
  readonly run: 'cold' | 'warm';
  readonly corpusBytes: number;
  readonly wallS: number;
  /** user + sys of the build process and its threads (from /usr/bin/time -v); undefined without it. */
  readonly cpuS?: number;
  readonly peakRssMiB?: number;
  /** Megabytes (10^6 bytes) of markdown per second of wall time. */
  readonly mbPerS: number;
  /** The build's own phase timings (BUILD_TIMINGS): process, corpus, render (ms), and posts answered from the cache. */
  readonly phases?: Readonly<Record<string, number>>;
  readonly cached?: number;
  readonly exitCode: number;
  readonly summary: string;
  readonly load1: number;
}

const TIME = '/usr/bin/time';
export const hasTimeCommand = () => existsSync(TIME);

/** The build command, as compare.mjs runs it too. */
export function buildCommand(corpus: Corpus, outDir: string, cache: boolean): string[] {
  return [process.execPath, '--import', 'tsx', 'scripts/build.ts', ...(cache ? [] : ['--no-cache']),
    '--content', corpus.postsDir, '--out', outDir, '--quiet'];
}

/**
 * One `scripts/build.ts` (the in-process build) in a child process (under `/usr/bin/time -v` when available).
 * `cold`: `--no-cache`. `warm`: with the cache, after a first cached run over the same corpus filled it.
 */
export async function timeBuild(root: string, corpus: Corpus, run: 'cold' | 'warm', log: (line: string) => void): Promise<BuildRun> {
  const outDir = await mkdtemp(join(tmpdir(), 'bench-site-'));
  try {
    if (run === 'warm') {
      log(`full build: ${corpus.posts} posts, filling the cache (unmeasured run)`);
      await runBuild(root, buildCommand(corpus, outDir, true));
    }
    log(`full build: ${corpus.posts} posts, ${run} run`);
    const load1 = loadavg()[0]!;
    const result = await runBuild(root, buildCommand(corpus, outDir, run === 'warm'));
    const grab = (re: RegExp) => { const m = re.exec(result.stderr); return m ? Number(m[1]) : undefined; };
    const user = grab(/User time \(seconds\): ([\d.]+)/);
    const sys = grab(/System time \(seconds\): ([\d.]+)/);
    const rss = grab(/Maximum resident set size \(kbytes\): (\d+)/);
    const timingLine = result.stderr.split('\n').find((line) => line.startsWith('{') && line.includes('"corpus"'));
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
      load1,
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
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
