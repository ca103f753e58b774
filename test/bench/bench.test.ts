import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

/**
 * The benchmark must keep running: `bench/bench.ts --quick` in a child process (as `npm run bench` runs it), then
 * every section of its table must be there with numbers, and its JSON must hold plausible results.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string | undefined;
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const CHROMIUM = '/usr/bin/chromium';
const row = (...cells: string[]) => new RegExp(String.raw`^\s+${cells.join(String.raw`\s+`)}(\s|$)`, 'm');

it('runs npm run bench -- --quick and prints every section with numbers', async () => {
  dir = await mkdtemp(join(tmpdir(), 'bench-test-'));
  const json = join(dir, 'results.json');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/bench.ts', '--quick', '--json', json], {
    cwd: root, env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' }, timeout: 170_000, maxBuffer: 1 << 24,
  });

  // Machine first: cores, memory, Node version, load average.
  expect(stdout.split('\n')[1]).toMatch(new RegExp(`^machine: \\d+ cores .*${NUMBER} GiB memory.*Node v\\d+\\.\\d+\\.\\d+.*load average ${NUMBER} ${NUMBER} ${NUMBER}`));

  // 1. Full build: 30 posts (the bulk import's), cold, warm, unchanged and one post edited, wall/cpu/peak/MB/s (and the
  //    phases of the runs that publish); what each cached run said of its state; and the Eleventy command.
  expect(stdout).toContain('1. Full build');
  for (const run of ['cold', 'warm', 'edit']) expect(stdout).toMatch(row('30', run, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER));
  expect(stdout).toMatch(row('30', 'unchanged', NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, 'n/a', 'n/a', 'n/a', NUMBER, '0', '0'));
  expect(stdout).toMatch(/^ {5}30 warm: built from scratch: no state of an earlier build/m);
  expect(stdout).toMatch(/^ {5}30 unchanged: nothing changed since the last build: the output folder is the site already$/m);
  expect(stdout).toMatch(/^ {5}30 edit: built from scratch: 1 post files new or changed, 0 removed since the last build \(\S+\.md\)$/m);
  expect(stdout).toMatch(/node \.\.\/shared\/bench\/compare\.mjs --corpus \S+ --runs 5 -- node --import tsx scripts\/build\.ts --content \S+\/posts --out \/tmp\/bench-site --quiet/);

  // 1b. The process step against the bare parse, per post, on the same corpus: three times and their ratio.
  expect(stdout).toContain('1b. Per post, one thread: the process step against the bare parse of the same 30 posts');
  expect(stdout).toMatch(row(NUMBER, NUMBER, NUMBER, `${NUMBER}x`, NUMBER));

  // 2. Bulk import through the emulated stack, beside the in-process build of the same 30 posts: walls and their
  //    ratio, publisher requests, runs and commits, calls per post by service, and the per-command breakdown.
  expect(stdout).toContain('2. Bulk import');
  expect(stdout).toMatch(row('30', NUMBER, NUMBER, NUMBER, NUMBER, '30 published', NUMBER, NUMBER, NUMBER, NUMBER, '30', '0', NUMBER, NUMBER, NUMBER, NUMBER));
  expect(stdout).toMatch(row('dynamodb', 'PutItem', NUMBER, NUMBER, NUMBER));
  expect(stdout).toMatch(row('s3', 'PutObject', NUMBER, NUMBER, NUMBER));

  // 3. npm start on the seed posts until the site is ready, beside npm run build of them.
  expect(stdout).toContain('3. npm start');
  expect(stdout).toMatch(row('content', '5', NUMBER, NUMBER, NUMBER, NUMBER, NUMBER));

  // 4. One-post update into sites of 30 and 60 posts: an edit and a new post each, published, with calls and bytes.
  expect(stdout).toContain('4. One-post update');
  for (const size of ['30', '60']) {
    for (const change of ['edit', 'add']) expect(stdout).toMatch(row(size, change, 'published', NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER));
  }
  expect(stdout).not.toContain('NOT MEASURED');

  // 5. Cold start: both handlers, SDK bundled and external, size and import time, no I/O at import.
  expect(stdout).toContain('5. Cold start');
  for (const handler of ['ingest', 'publish']) {
    expect(stdout).toMatch(row(handler, 'bundled', NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, 'none'));
    expect(stdout).toMatch(row(handler, String.raw`external \(@aws-sdk/\*\)`, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, 'none'));
  }

  // 6. Length: a 100 KiB changelog through the worker pool, cold and warm, published (so within its budget).
  expect(stdout).toContain('6. Length is not complexity');
  expect(stdout).toMatch(row('100', NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, `${NUMBER}%`, 'published', NUMBER));

  // 7. Preview: the seed posts in npm start, a page open in Chromium reloading itself after two edits, and a restart.
  if (existsSync(CHROMIUM)) expect(stdout).toMatch(row('5', '2', NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER));
  else expect(stdout).toContain(`7. Preview: ${CHROMIUM} not found; skipped`);

  const results = JSON.parse(await readFile(json, 'utf8')) as Record<string, any>;
  expect(results.mode).toBe('quick');
  expect(results.fullBuild.map((r: any) => r.run)).toEqual(['cold', 'warm', 'unchanged', 'edit']);
  for (const run of results.fullBuild) expect(run.wallS).toBeGreaterThan(0);
  // Unchanged reads nothing; the edit reads every post but the edited one from the cache (that one too if an earlier
  // bench made the same edit).
  expect(results.fullBuild.map((r: any) => r.cached).slice(0, 3)).toEqual([0, 30, 0]);
  expect(results.fullBuild[3].cached).toBeGreaterThanOrEqual(29);
  expect(results.stages).toMatchObject({ posts: 30, rounds: 3 });
  for (const stage of ['bareParseMs', 'parseMs', 'processMs']) expect(results.stages[stage]).toBeGreaterThan(0);
  expect(results.bulkImport).toHaveLength(1);
  expect(results.bulkImport[0]).toMatchObject({ posts: 30, livePosts: 30, deadLetters: 0, inProcess: { posts: 30, run: 'cold', exitCode: 0 } });
  // Its in-process side is the full-build section's cold run of the same posts, not a second one.
  expect(results.bulkImport[0].inProcess).toEqual(results.fullBuild[0]);
  expect(results.bulkImport[0].publishRuns).toBeGreaterThan(0);
  expect(results.bulkImport[0].commits).toBeGreaterThanOrEqual(results.bulkImport[0].publishRuns);
  expect(results.bulkImport[0].storage.byService.dynamodb.calls).toBeGreaterThan(30);
  expect(results.start).toMatchObject({ posts: 5 });
  expect(results.start.startS).toBeGreaterThan(0);
  expect(results.start.restartS).toBeGreaterThan(0);
  expect(results.updates.map((u: any) => u.sitePosts)).toEqual([30, 60]);
  for (const size of results.updates) {
    expect(size.runs.map((r: any) => [r.change, r.ingestAction])).toEqual([['edit', 'published'], ['add', 'published']]);
    // Two of each change (--quick): the run shown is the faster of the two (the lower middle), one of those measured.
    for (const change of ['edit', 'add'] as const) {
      expect(size.repetitions[change]).toHaveLength(2);
      const shown = size.runs.find((r: any) => r.change === change).wallS;
      expect(shown).toBe(Math.min(...size.repetitions[change]));
    }
    for (const run of size.runs) {
      // Each new post is another post: the second one published makes it two more than the seeded site.
      if (run.change === 'add') expect([size.sitePosts + 1, size.sitePosts + 2]).toContain(run.publish.livePosts);
      else expect([size.sitePosts, size.sitePosts + 1]).toContain(run.publish.livePosts);
      expect(run.storage.total.bytesOut).toBeGreaterThan(0);
      expect(run.storage.total.bytesIn).toBeGreaterThan(0);
      expect(run.storage.total.unsized).toBe(0);
    }
  }
  const bundles = results.coldStart.map((c: any) => `${c.handler} ${c.awsSdk}`);
  expect(bundles).toEqual(['ingest bundled', 'ingest external', 'publish bundled', 'publish external']);
  for (const bundle of results.coldStart) {
    expect(bundle.bytes).toBeGreaterThan(100_000);
    expect(bundle.importMs.median).toBeGreaterThan(0);
    expect(bundle.networkAtImport).toEqual([]);
  }
  expect(results.length).toHaveLength(1);
  expect(results.length[0]).toMatchObject({ kib: 100, status: 'published' });
  if (existsSync(CHROMIUM)) {
    expect(results.preview.reloadMs).toHaveLength(2);
    expect(results.preview.restartS).toBeGreaterThan(0);
  }
}, 180_000);
