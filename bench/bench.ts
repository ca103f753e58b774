/**
 * `npm run bench -- [--quick] [--sizes 1000,4000] [--bulk 1000,4000] [--start DIR] [--update-sizes 100,1000,10000]
 *                   [--update-repeats 3] [--compare] [--sections build,stages,bulk,start,update,cold,length,preview] [--import-runs 5]
 *                   [--length-sizes 100,500,1024] [--length-repeats 5] [--json FILE]`
 *
 * 1. Full build: `scripts/build.ts` (in-process) in a child process (under /usr/bin/time -v), cold (`--no-cache`) and
 *    warm (cache filled by a previous run over the same corpus).
 * 2. Bulk import through the emulated AWS stack (what `npm run build -- --emulated` does), side by side with the
 *    in-process build of the same posts: wall time, publisher runs, storage calls per post.
 * 3. `npm start` on a real blog (../shared/corpus/rust-blog; the seed posts with --quick) until the site is ready,
 *    side by side with `npm run build` of it.
 * 4. One-post update: a site seeded straight into the embedded stack, then edits and new posts (3 of each, 2 with
 *    --quick; the run of median wall time is shown).
 * 5. Cold start: each handler bundled as the CDK does; size, and import time in a fresh process.
 * 6. Length: one long, list-heavy post (a release-notes changelog) of 100 KiB, 500 KiB and 1 MiB through the post
 *    worker pool with the default budget, cold (the first post of a fresh worker) and warm; time per post and per KiB.
 *
 * Corpora come from `../shared/bench/gen-corpus.mjs` (deterministic), or a built-in generator when that folder is
 * missing. The table goes to stdout, progress to stderr; the results also go to bench/results/latest.json and the
 * table to latest.txt (`latest-quick.*` with --quick) unless `--json FILE` says otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveSiteConfig } from '../lambdas/core/config.js';
import { bulkImport, type BulkImport } from './bulk-import.js';
import { measurePreview } from './preview.js';
import { measureStart } from './start-time.js';
import { measureColdStart, type ColdStart } from './cold-start.js';
import { measureLength, type LengthRun } from './length.js';
import { measureStages } from './stages.js';
import { corpusOf, sharedGenerator, type Corpus } from './corpus.js';
import type { CommandStats, CounterSnapshot } from './counters.js';
import { hasTimeCommand, timeBuild, timeCachedBuilds, type BuildRun } from './full-build.js';
import { fixed, kb, table } from './table.js';
import { measureUpdates, type UpdateSize } from './update.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SECTIONS = ['build', 'stages', 'bulk', 'start', 'update', 'cold', 'length', 'preview'] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  readonly quick: boolean;
  readonly sizes: readonly number[];
  /** Measured edits and new posts per site size; the table shows the run of median wall time. */
  readonly updateRepeats: number;
  readonly bulk: readonly number[];
  readonly start: string;
  readonly updateSizes: readonly number[];
  readonly compare: boolean;
  readonly sections: ReadonlySet<Section>;
  readonly importRuns: number;
  /** Sizes of the length section's posts, in KiB, and its warm runs per size. */
  readonly lengthSizes: readonly number[];
  readonly lengthRepeats: number;
  readonly json: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      bulk: { type: 'string' },
      start: { type: 'string' },
      'update-sizes': { type: 'string' },
      'update-repeats': { type: 'string' },
      compare: { type: 'boolean', default: false },
      sections: { type: 'string' },
      'import-runs': { type: 'string' },
      'length-sizes': { type: 'string' },
      'length-repeats': { type: 'string' },
      json: { type: 'string' },
    },
  });
  const quick = values.quick === true;
  const list = (text: string | undefined, fallback: readonly number[]) => (text === undefined ? fallback : text.split(',').map((part) => {
    const n = Number(part.trim().replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive whole number: ${part}`);
    return n;
  }));
  const sections = values.sections === undefined ? SECTIONS : values.sections.split(',').map((s) => s.trim());
  for (const section of sections) if (!(SECTIONS as readonly string[]).includes(section)) throw new Error(`unknown section ${section}; use ${SECTIONS.join(',')}`);
  return {
    quick,
    // --quick: one corpus for the full builds and the bulk import, whose in-process side is then the cold build.
    sizes: list(values.sizes, quick ? [30] : [1000, 4000]),
    bulk: list(values.bulk, quick ? [30] : [1000, 4000]),
    start: resolve(values.start ?? (quick ? join(ROOT, 'content') : join(ROOT, '..', 'shared', 'corpus', 'rust-blog', 'posts'))),
    updateSizes: list(values['update-sizes'], quick ? [30, 60] : [100, 1000, 10000]),
    updateRepeats: list(values['update-repeats'], [quick ? 2 : 3])[0]!,
    compare: values.compare === true,
    sections: new Set(sections as Section[]),
    importRuns: list(values['import-runs'], [quick ? 2 : 5])[0]!,
    lengthSizes: list(values['length-sizes'], quick ? [100] : [100, 500, 1024]),
    lengthRepeats: list(values['length-repeats'], [quick ? 1 : 5])[0]!,
    json: resolve(values.json ?? join(ROOT, 'bench', 'results', quick ? 'latest-quick.json' : 'latest.json')),
  };
}

const benchStarted = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);
/** Every line of the table, also written next to the JSON (`.txt`) for the README. */
const printed: string[] = [];
const out = (...lines: string[]) => { for (const line of lines) { printed.push(line); process.stdout.write(`${line}\n`); } };
const loads = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<number> {
  const opts = options();
  const config = resolveSiteConfig({});
  const generator = sharedGenerator(ROOT);
  const machine = {
    cores: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', memoryGiB: totalmem() / 2 ** 30, freeGiB: freemem() / 2 ** 30,
    node: process.version, platform: `${process.platform} ${process.arch}`, loadAtStart: loadavg(),
  };
  const results: Record<string, unknown> = {
    date: new Date().toISOString(), mode: opts.quick ? 'quick' : 'full', argv: process.argv.slice(2), commit: gitCommit(), machine,
    corpusGenerator: generator ? relative(ROOT, generator) : 'built-in fallback',
  };
  const save = async () => {
    await mkdir(dirname(opts.json), { recursive: true });
    await writeFile(opts.json, `${JSON.stringify(results, null, 2)}\n`);
    await writeFile(opts.json.replace(/(\.json)?$/, '.txt'), `${printed.join('\n')}\n`);
  };

  out(`Content pipeline benchmark${opts.quick ? ' (--quick)' : ''}, ${new Date().toISOString().slice(0, 16)}Z, commit ${results.commit}`,
    `machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB memory (${machine.freeGiB.toFixed(1)} free), `
    + `Node ${machine.node}, ${machine.platform}; load average ${loads()} (1/5/15 min) at start`,
    generator
      ? `corpus: ${relative(ROOT, generator)} blog <posts> <dir> 7 (deterministic), in ${join('$TMPDIR', 'content-pipeline-bench')}`
      : `corpus: ../shared/bench/gen-corpus.mjs NOT FOUND, using the small built-in generator (bench/corpus.ts); figures are not comparable with shared-corpus runs`,
    '');

  /** The full-build section's cold run of each corpus size: the bulk import's in-process side for the same posts. */
  const coldBuilds = new Map<number, BuildRun>();
  if (opts.sections.has('build')) {
    const runs: BuildRun[] = [];
    results.fullBuild = runs;
    out('1. Full build: scripts/build.ts (in-process) in a child process'
      + (hasTimeCommand() ? ' under /usr/bin/time -v (cpu = user+sys of the process and its threads)' : ' (no /usr/bin/time: cpu and peak memory not measured)'),
      '   cold = --no-cache; warm = with the cache a previous run over the same corpus filled, into a new output folder (every post published again,',
      '   parsed posts from the cache); unchanged = the same build again (nothing changed: nothing built); edit = then one post edited (built again);',
      '   MB/s = MB (10^6 bytes) of markdown / wall');
    let largest: Corpus | undefined;
    for (const size of opts.sizes) {
      const corpus = await corpusOf(ROOT, size);
      if (!largest || corpus.posts > largest.posts) largest = corpus;
      const cold = await timeBuild(ROOT, corpus, 'cold', log);
      coldBuilds.set(corpus.posts, cold);
      runs.push(cold);
      await save();
      runs.push(...await timeCachedBuilds(ROOT, corpus, log));
      await save();
    }
    out(...table(['posts', 'run', 'MB md', 'wall s', 'cpu s', 'peak MiB', 'MB/s', 'process s', 'corpus s', 'render s', 'state s', 'cached', 'exit', 'load 1m'],
      runs.map((r) => [r.posts, r.run, fixed(r.corpusBytes / 1e6, 2), fixed(r.wallS, 2), fixed(r.cpuS, 2), fixed(r.peakRssMiB, 0), fixed(r.mbPerS, 3),
        fixed(ms(r.phases?.process), 2), fixed(ms(r.phases?.corpus), 2), fixed(ms(r.phases?.render), 2), fixed(ms(r.phases?.state), 2), r.cached ?? 0,
        r.exitCode, fixed(r.load1, 2)])));
    out('   process/corpus/render/state: the build\'s own phase timings (BUILD_TIMINGS; state = reading the last build\'s state and writing this one\'s);',
      '   wall also includes Node/tsx start-up and writing the files. What each cached run said of its state:',
      ...runs.filter((r) => r.incremental).map((r) => `     ${r.posts} ${r.run}: ${r.incremental}`));
    if (largest) {
      const ours = (cold: boolean) => ['scripts/build.ts', '--content', largest!.postsDir, '--out', '/tmp/bench-site', '--quiet', ...(cold ? ['--no-cache'] : [])];
      out('   Eleventy 3 comparison, by hand (installs Eleventy into ~/.cache on first use), cold and warm:',
        ...[true, false].map((cold) => `     node ../shared/bench/compare.mjs --corpus ${largest!.dir} --runs 5 -- node --import tsx ${ours(cold).join(' ')}`));
      if (opts.compare) {
        if (!generator) out('   --compare: ../shared/bench/compare.mjs is missing; skipped');
        else {
          // Cold: every run parses every post (--no-cache). Warm: compare.mjs's warm-up run fills the caches (the
          // processed posts and the build state of this output folder), so each timed run finds nothing changed and
          // publishes nothing (the `unchanged` row above). Eleventy has no such cache: its runs are alike.
          const compared: { run: string; exitCode: number | null; output: string }[] = [];
          results.compare = compared;
          for (const cold of [true, false]) {
            const label = cold ? 'cold (--no-cache)' : 'warm (caches filled by the warm-up run: nothing changed)';
            log(`compare ${label}: running compare.mjs on ${largest.posts} posts (Eleventy is installed into ~/.cache on first use)`);
            const compare = spawnSync(process.execPath, [join(dirname(generator), 'compare.mjs'), '--corpus', largest.dir, '--runs', '5', '--',
              process.execPath, '--import', 'tsx', ...ours(cold)],
            { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' }, maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
            compared.push({ run: cold ? 'cold' : 'warm', exitCode: compare.status, output: compare.stdout });
            out(`   ours ${label} vs Eleventy 3 + RSS:`, ...(compare.stdout ?? '').trim().split('\n').map((line) => `     ${line}`));
            if (compare.status !== 0) out(`   compare.mjs exited with ${compare.status}`);
          }
        }
      }
    }
    out('');
    await save();
  }

  if (opts.sections.has('stages')) {
    const corpus = await corpusOf(ROOT, Math.max(...opts.sizes));
    const run = await measureStages(corpus.postsDir, opts.quick ? 300 : 1000, opts.quick ? 3 : 5, config, log);
    results.stages = run;
    await save();
    out(`1b. Per post, one thread: the process step against the bare parse of the same ${run.posts} posts (${fixed(run.bytes / 1e6, 2)} MB of the ${corpus.posts}-post corpus),`,
      `   median of ${run.rounds} rounds (bench/stages.ts); target: process <= 2x bare parse`,
      ...table(['bare remark parse ms/post', 'parse (GFM, front matter) ms/post', 'process step ms/post', 'process / bare parse', 'load 1m'],
        [[fixed(run.bareParseMs, 3), fixed(run.parseMs, 3), fixed(run.processMs, 3), `${fixed(run.processMs / run.bareParseMs, 2)}x`, fixed(run.load1, 2)]]),
      '');
  }

  if (opts.sections.has('bulk')) {
    const imports: BulkImport[] = [];
    results.bulkImport = imports;
    for (const size of opts.bulk) {
      const corpus = await corpusOf(ROOT, size);
      log(`bulk import: ${corpus.posts} posts through the embedded stack (progress every 10 s)`);
      imports.push(await bulkImport(ROOT, corpus, config, log, coldBuilds.get(corpus.posts)));
      await save();
    }
    out(`2. Bulk import through the emulated AWS stack (s3rver + dynalite, S3 events, the queue stand-ins, the Lambda handlers): every post uploaded`,
      '   with ContentUploader until settled, then the related-lists refresh (as npm run build -- --emulated), side by side with the in-process',
      '   build of the same posts (npm run build -- --no-cache, in a child process, in this run: the cold run of section 1 when it built the same',
      '   posts); ratio = emulated / in-process wall',
      ...table(['posts', 'emulated s', 'in-process s', 'ratio', 'upload s', 'ingested', 'requests', 'runs', 'commits', 'recomputed', 'live', 'dead letters', 'S3 calls/post', 'DDB calls/post', 'KB written/post', 'load 1m'],
        imports.map((bulk) => [bulk.posts, fixed(bulk.wallS, 1), fixed(bulk.inProcess.wallS, 1), fixed(bulk.wallS / bulk.inProcess.wallS, 2), fixed(bulk.uploadS, 1),
          Object.entries(bulk.ingested).map(([k, v]) => `${v} ${k}`).join(', '), bulk.publishRequests, bulk.publishRuns, bulk.commits, bulk.recomputed, bulk.livePosts, bulk.deadLetters,
          fixed(bulk.storage.byService.s3.calls / bulk.posts, 1), fixed(bulk.storage.byService.dynamodb.calls / bulk.posts, 1), kb(bulk.storage.total.bytesOut / bulk.posts), fixed(bulk.load1, 2)])),
      '   requests = publish handler invocations (SQS batches); runs = those that published something; commits = what those runs wrote (a run publishes',
      '   every pending change, commit after commit while changes keep coming; a request whose changes a run already published finds nothing to do)');
    const largest = imports.at(-1);
    if (largest) {
      out(`   storage calls per post, by command (${largest.posts} posts; calls = commands sent; KB = HTTP body bytes per Content-Length, headers excluded; ms = summed call time, calls overlap):`,
        ...table(['service', 'command', 'calls/post', 'KB written/post', 'KB read/post', 'ms/post'],
          commandRows(largest.storage).map(([service, command, s]) => [service, command, fixed(s.calls / largest.posts, 2), kb(s.bytesOut / largest.posts), kb(s.bytesIn / largest.posts), fixed(s.ms / largest.posts, 1)])),
        '   (the S3 PutObject calls include the upload itself: one per post)');
    }
    out('');
  }

  if (opts.sections.has('start')) {
    if (!existsSync(opts.start)) out(`3. npm start: ${opts.start} not found; skipped`, '');
    else {
      const start = await measureStart(ROOT, opts.start, log);
      results.start = start;
      await save();
      out(`3. npm start until "site ready" (embedded stack, the folder imported, reports printed), side by side with npm run build -- --no-cache of the same posts`,
        ...table(['folder', 'posts', 'npm start s', 'npm run build s', 'ratio', 'restart s', 'progress lines', 'load 1m'],
          [[relative(ROOT, start.contentDir) || start.contentDir, start.posts, fixed(start.startS, 1), fixed(start.buildS, 1), fixed(start.startS / start.buildS, 2), fixed(start.restartS, 1), start.progressLines, fixed(start.load1, 2)]]),
        '   npm start: the first run with --fresh; restart: npm start again on the same port, nothing changed (it resumes the data kept in .local/npm-start/)',
        '   progress lines: printed every 5 s while posts are ingested (output not a terminal; on a terminal one line is rewritten in place)', '');
    }
  }

  if (opts.sections.has('update')) {
    const sizes: UpdateSize[] = [];
    results.updates = sizes;
    for (const size of opts.updateSizes) {
      const corpus = await corpusOf(ROOT, size);
      sizes.push(await measureUpdates(corpus, config, log, opts.updateRepeats));
      await save();
    }
    const runs = sizes.flatMap((size) => size.runs);
    out('4. One-post update: site seeded straight into the embedded stack, then one upload (SDK PutObject to the source bucket) until settled()',
      '   edit = a paragraph of an existing post rewritten; add = a new post dated after all others; after one unmeasured warm-up edit;',
      `   each change ${opts.updateRepeats} times (other posts each time), the run of median wall time shown (every run's wall time below)`,
      ...table(['site posts', 'change', 'ingest', 'wall s', 'ingest s', 'publish s', 'recomputed', 'pages', 'files written', 'S3 calls', 'DDB calls', 'KB written', 'KB read', 'cpu s', 'load 1m'],
        runs.map((r) => [r.sitePosts, r.change, r.ingestAction, fixed(r.wallS, 2), fixed(r.ingestS, 2), fixed(r.publishS, 2), r.publish?.recomputed, r.publish?.pages, r.publish?.written,
          r.storage.byService.s3.calls, r.storage.byService.dynamodb.calls, kb(r.storage.total.bytesOut), kb(r.storage.total.bytesIn), fixed(r.processCpuS, 2), fixed(r.load1, 2)])),
      '   calls and KB include the author\'s upload (1 PutObject); KB = HTTP body bytes (Content-Length), headers excluded;',
      '   cpu s = CPU of the benchmark process, which also runs dynalite and s3rver; ingest s ends when ingest requests the publish.',
      `   wall s of every run: ${sizes.filter((size) => size.repetitions).map((size) => (['edit', 'add'] as const)
        .map((change) => `${size.sitePosts} ${change} ${size.repetitions![change].map((wall) => fixed(wall, 2)).join(' ')}`).join('; ')).join('; ')}`);
    for (const size of sizes.filter((s) => s.error)) out(`   ${size.sitePosts} posts: NOT MEASURED: ${size.error}`);
    if (runs.length > 0) {
      const labels = runs.map((r) => `${r.sitePosts} ${r.change}`);
      const commands = [...new Set(runs.flatMap((r) => Object.keys(r.storage.byCommand)))].sort();
      out('   calls by command (ingest + publish):',
        ...table(['command', ...labels], commands.map((c) => [c, ...runs.map((r) => r.storage.byCommand[c]?.calls ?? 0)]), '     '),
        '   KB read / KB written by command:',
        ...table(['command', ...labels], commands.map((c) => [c, ...runs.map((r) => {
          const s = r.storage.byCommand[c];
          return s ? `${kb(s.bytesIn)} / ${kb(s.bytesOut)}` : '-';
        })]), '     '),
        '   publish steps, ms (PublishSummary.phasesMs):',
        ...table(['step', ...labels], (['wait', 'list', 'corpus', 'render', 'write', 'reports'] as const).map((p) => [p, ...runs.map((r) => r.publish?.phasesMs[p] ?? '-')]), '     '),
        '   summed call time by command, ms (calls overlap; shows where the storage time goes):',
        ...table(['command', ...labels], commands.map((c) => [c, ...runs.map((r) => r.storage.byCommand[c]?.ms ?? 0)]), '     '));
    }
    out('   seeding (not part of the update): the pipeline\'s services called directly on the stack (ingest every post, one publish)',
      ...table(['site posts', 'live', 'site files', 'ingest s', 'publish s', 'total s'],
        sizes.filter((s) => s.seed).map((s) => [s.sitePosts, s.seed!.live, s.seed!.siteFiles, fixed(s.seed!.phasesS.ingest, 1), fixed(s.seed!.phasesS.publish, 1), fixed(s.seed!.totalS, 1)])),
      '');
  }

  if (opts.sections.has('cold')) {
    const cold: ColdStart[] = await measureColdStart(ROOT, opts.importRuns, log);
    results.coldStart = cold;
    await save();
    out(`5. Cold start: handler bundles (esbuild ${esbuildVersion()}: esm, platform node, target node22, minify, bundle, mainFields module,main, createRequire banner, no source map)`,
      `   import ms = await import(bundle) in a fresh node process (${process.version}), ${opts.importRuns} runs; process ms = whole process incl. Node start-up`,
      ...table(['handler', 'AWS SDK', 'size KB', 'import ms (median)', 'min', 'max', 'process ms', 'I/O at import', 'load 1m'],
        cold.map((c) => [c.handler, c.awsSdk === 'bundled' ? 'bundled' : 'external (@aws-sdk/*)', kb(c.bytes), fixed(c.importMs.median, 1), fixed(c.importMs.min, 1),
          fixed(c.importMs.max, 1), fixed(c.processMs, 0), c.networkAtImport.length === 0 ? 'none' : c.networkAtImport.join(','), fixed(c.load1, 2)])),
      '   external: the Lambda Node.js 22 runtime ships AWS SDK v3; here the external SDK is loaded from node_modules, so its import time is included.',
      '');
  }

  if (opts.sections.has('length')) {
    const runs: LengthRun[] = await measureLength(opts.lengthSizes, opts.lengthRepeats, config, log);
    results.length = runs;
    await save();
    const perKib = (ms: number, run: LengthRun) => ms / (run.bytes / 1024);
    out('6. Length is not complexity: one long, well-formed, list-heavy post (bench/changelog.ts: release notes, ## sections of `* \\[[`sha`](…)] - **module**:',
      '   … (Author) [#n](…)` items) through the post worker pool with the default budget (2 s + 10 ms per KiB of ordinary markdown, core/limits.ts);',
      `   cold = the first post of a fresh worker (code loaded, processing not yet run); warm = the same post again, median of ${opts.lengthRepeats}`,
      ...table(['KiB', 'bytes', 'ordinary KiB', 'budget s', 'cold ms', 'cold ms/KiB', 'warm ms', 'warm ms/KiB', 'warm runs ms', 'budget used', 'status', 'load 1m'],
        runs.map((r) => [r.kib, r.bytes, fixed(r.ordinaryChars / 1024, 0), fixed(r.budgetMs / 1000, 1), fixed(r.coldMs, 0), fixed(perKib(r.coldMs, r), 2),
          fixed(r.warmMs, 0), fixed(perKib(r.warmMs, r), 2), r.warmRuns.map((ms) => ms.toFixed(0)).join(' '), `${fixed((100 * Math.max(r.coldMs, ...r.warmRuns)) / r.budgetMs, 0)}%`,
          r.status, fixed(r.load1, 2)])));
    if (runs.length > 1) {
      const [first, last] = [runs[0]!, runs.at(-1)!];
      out(`   growth: ${fixed(last.bytes / first.bytes, 1)}x the bytes took ${fixed(last.warmMs / first.warmMs, 1)}x the warm time (${fixed(perKib(first.warmMs, first), 2)} -> ${fixed(perKib(last.warmMs, last), 2)} ms/KiB); linear is ${fixed(last.bytes / first.bytes, 1)}x`);
    }
    out('   ms = from when the worker receives the post until its outcome is back (what the budget bounds): parse, render, the post\'s own features, message passing.',
      '');
  }

  if (opts.sections.has('preview')) {
    const runs = opts.quick ? 2 : 5;
    const preview = await measurePreview(ROOT, join(ROOT, 'content'), 'how-ketamine-and-antidepressants-differs.md', '/posts/how-ketamine-and-antidepressants-differs/', runs, log);
    if (!preview) out('7. Preview: /usr/bin/chromium not found; skipped (apt-get install chromium)', '');
    else {
      results.preview = preview;
      await save();
      const sorted = [...preview.reloadMs].sort((a, b) => a - b);
      out('7. Preview: npm start on the seed posts, a post open in headless Chromium, the post edited on disk; reload = from the file written to the',
        '   page showing the edit (file watcher, upload, S3 event, ingest, publish, the page told and reloaded by itself); restart = npm start stopped',
        '   and started again on the same folder and port, nothing changed, until "site ready" (the Rust blog\'s restart: section 3).',
        ...table(['posts', 'reloads', 'median ms', 'max ms', 'runs ms', 'restart s', 'load 1m'],
          [[5, preview.reloadMs.length, fixed(sorted[Math.floor(sorted.length / 2)]!, 0), fixed(sorted.at(-1)!, 0), preview.reloadMs.map((ms) => ms.toFixed(0)).join(' '), fixed(preview.restartS, 1), fixed(preview.load1, 2)]]), '');
    }
  }

  results.loadAtEnd = loadavg();
  results.totalS = (performance.now() - benchStarted) / 1000;
  await save();
  out(`done in ${((performance.now() - benchStarted) / 1000).toFixed(0)} s; load average ${loads()} at end; results in ${relative(ROOT, opts.json) || opts.json} (and .txt)`);
  await save();
  return 0;
}

const ms = (value: number | undefined) => (value === undefined ? undefined : value / 1000);

function commandRows(snapshot: CounterSnapshot): [string, string, CommandStats][] {
  return Object.entries(snapshot.byCommand)
    .map(([id, stats]): [string, string, CommandStats] => [id.split(' ')[0]!, id.split(' ')[1]!, stats])
    .sort((a, b) => a[0].localeCompare(b[0]) || b[2].calls - a[2].calls);
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return `${commit}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
}

function esbuildVersion(): string {
  try {
    return (JSON.parse(execFileSync(process.execPath, ['-p', 'JSON.stringify(require("esbuild/package.json").version)'], { cwd: ROOT, encoding: 'utf8' })) as string);
  } catch {
    return '';
  }
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  console.error(`bench failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exitCode = 1;
});
