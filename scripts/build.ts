/**
 * `npm run build -- [--content DIR] [--out DIR] [--site-url URL] [--reports DIR] [--no-cache] [--emulated] [--quiet]
 *    [--websub-hub URL]... [--indexnow-key KEY] [--feed-icon URL] [--feed-logo URL] [--now TIME]`
 *
 * Default: the pipeline's services (ingest every post, then publish) in this process, over in-memory stores; the
 * site is written to `--out` as it is published. Processed posts are cached by content hash in
 * node_modules/.cache/content-pipeline unless `--no-cache`.
 * `--emulated`: the same content through the embedded AWS stack (s3rver + dynalite, S3 events, the queue stand-ins
 * and the Lambda handlers), then the site bucket is downloaded: what `cdk deploy` runs, on this machine.
 *
 * `--now TIME` (ISO 8601): the site as of then; posts dated later are reported as scheduled, not published.
 *
 * Exit 0: every post published (or scheduled); 2: some posts rejected (the rest is still published); 1: internal failure.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveSiteConfig } from '../lambdas/core/config.js';
import type { SiteConfig } from '../lambdas/core/types.js';
import { SITE_MARKER } from '../lambdas/local/build-state.js';
import { listContentFolder, listEntries } from '../lambdas/local/markdown-files.js';
import { formatIgnoredFields, formatReports, formatSkipped } from '../lambdas/local/report-lines.js';
import type { PostReport } from '../lambdas/services/report.js';

interface BuildOutcome {
  readonly reports: ReadonlyMap<string, PostReport>;
  /** Site-relative paths of the site's files. */
  readonly paths: readonly string[];
  /** Of those, how many this build wrote (the others' files already had their bytes; none when nothing changed). */
  readonly written: number;
  /** Lines printed just before the summary (what the build made of its state). */
  readonly notes?: readonly string[];
  readonly internalFailures: readonly string[];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      content: { type: 'string', default: 'content' },
      out: { type: 'string', default: 'site' },
      'site-url': { type: 'string' },
      reports: { type: 'string' },
      emulated: { type: 'boolean', default: false },
      cache: { type: 'boolean', default: true },
      quiet: { type: 'boolean', default: false },
      'websub-hub': { type: 'string', multiple: true },
      'indexnow-key': { type: 'string' },
      'feed-icon': { type: 'string' },
      'feed-logo': { type: 'string' },
      now: { type: 'string' },
    },
    allowNegative: true,
  });
  const contentDir = resolve(values.content!);
  const outDir = resolve(values.out!);
  if (!existsSync(contentDir)) {
    console.error(`content folder not found: ${contentDir}`);
    return 1;
  }
  const previousFiles = await previousOutput(outDir);
  let config: SiteConfig;
  try {
    config = resolveSiteConfig({
      ...(values['site-url'] && { siteUrl: values['site-url'] }),
      websubHubs: values['websub-hub'],
      indexNowKey: values['indexnow-key'],
      feedIcon: values['feed-icon'],
      feedLogo: values['feed-logo'],
    });
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const reportsDir = values.reports ? resolve(values.reports) : undefined;
  const now = values.now === undefined ? undefined : Date.parse(values.now);
  if (now !== undefined && !Number.isFinite(now)) {
    console.error(`--now ${values.now}: not a time; write it as ISO 8601, e.g. 2025-01-01T09:00:00Z`);
    return 1;
  }

  const started = performance.now();
  // Listed once: the in-process build takes its posts from here, and the summary says which other files were skipped.
  const folder = await listContentFolder(contentDir);
  const outcome = values.emulated
    ? await buildOnEmulatedStack(contentDir, outDir, config, reportsDir, now)
    : await buildInThisProcess(contentDir, folder.posts, outDir, config, reportsDir, values.cache === true, now);
  await removeStale(outDir, previousFiles, new Set(outcome.paths));
  await writeFile(join(outDir, SITE_MARKER), 'Written by `npm run build`; the next build updates it in place.\n');

  const displayDir = values.content!.replace(/\/+$/, '');
  for (const line of formatReports(outcome.reports, displayDir, !values.quiet)) console.log(line);
  const { skipped } = folder;
  for (const line of [...formatSkipped(skipped, displayDir), ...formatIgnoredFields(outcome.reports), ...outcome.notes ?? []]) console.log(line);
  const count = (status: string) => [...outcome.reports.values()].filter((report) => report.status === status).length;
  console.log(`${outcome.reports.size} posts in, ${count('published')} published, ${count('draft')} drafts, ${count('rejected')} rejected`
    + `${count('scheduled') > 0 ? `, ${count('scheduled')} scheduled` : ''}`
    + `${skipped.length > 0 ? `, ${skipped.length} other files skipped` : ''}; `
    + `${outcome.written === outcome.paths.length ? `${outcome.paths.length} files written to ${outDir}` : `${outcome.paths.length} files in ${outDir} (${outcome.written} written)`}`
    + ` in ${Math.round(performance.now() - started)} ms`);
  for (const failure of outcome.internalFailures) console.error(failure);
  if (outcome.internalFailures.length > 0) return 1;
  return count('rejected') > 0 ? 2 : 0;
}

/** Upload every post to the embedded stack's source bucket, let the handlers work, download the site bucket. */
async function buildOnEmulatedStack(contentDir: string, outDir: string, config: SiteConfig, reportsDir: string | undefined, now: number | undefined): Promise<BuildOutcome> {
  // Each mode loads only its own modules: the in-process build starts without the AWS SDK and the emulators.
  const { startEmbeddedStack } = await import('../lambdas/local/embedded-stack.js');
  const { ContentUploader, downloadPrefix } = await import('../lambdas/local/content-files.js');
  const { readReports } = await import('../lambdas/local/results.js');
  const { DEPLOYED_COALESCE } = await import('../lambdas/contract.js');
  // The deployed publisher's wait for a burst to end: the uploads below are one, as an `aws s3 sync` would be.
  // A build announces nothing (no hub or search engine is told of a folder on this machine): no notify queue.
  // The site as of `now`: nothing wakes a scheduled post afterwards, as in the in-process build.
  const stack = await startEmbeddedStack({
    config, coalesce: DEPLOYED_COALESCE, notify: false, wakeScheduledPosts: false, ...(now !== undefined && { asOf: now }),
  });
  try {
    await new ContentUploader(stack.s3, stack.names.sourceBucket, stack.source.layout.postsPrefix, contentDir).sync();
    await stack.settled();
    // Related-post scores use document frequencies, which move as posts arrive; the queue delivers uploads in no
    // fixed order. One pass over the final state makes the output independent of that order.
    stack.publishQueue.send(JSON.stringify({ refreshRelated: true }), 'build-final-pass');
    await stack.settled();
    const reports = await readReports(stack);
    const files = await downloadPrefix(stack.s3, stack.names.siteBucket, '', outDir);
    if (reportsDir) {
      await mkdir(reportsDir, { recursive: true });
      await downloadPrefix(stack.s3, stack.names.sourceBucket, stack.source.layout.reportsPrefix, reportsDir);
    }
    return {
      reports,
      paths: files,
      written: files.length,
      internalFailures: stack.deadLetters.map((letter) => `dead letter (${letter.queue}): ${letter.reason}\n  ${letter.body}`),
    };
  } finally {
    await stack.close();
  }
}

async function buildInThisProcess(
  contentDir: string, posts: readonly string[], outDir: string, config: SiteConfig, reportsDir: string | undefined, useCache: boolean, now: number | undefined,
): Promise<BuildOutcome> {
  // Each mode loads only its own modules: the in-process build starts without the AWS SDK and the emulators.
  const { buildInProcess } = await import('../lambdas/local/in-process.js');
  const { reportJson } = await import('../lambdas/services/report.js');
  // Pages are written as they are published, so they are never all in memory at once.
  const result = await buildInProcess({
    contentDir, posts, config, outDir, ...(now !== undefined && { now }),
    ...(useCache && { cacheDir: resolve('node_modules', '.cache', 'content-pipeline') }),
  });
  if (process.env.BUILD_TIMINGS) console.error(JSON.stringify({ ...result.timings, cached: result.cached }));
  // Said after the posts' lines, beside the summary: what a reader of the last lines needs to know of this build.
  const notes: string[] = [];
  if (result.incremental) {
    notes.push(result.incremental.kind === 'unchanged' ? 'nothing changed since the last build: the output folder is the site already'
      : `built from scratch: ${result.incremental.reason}`);
  }
  if (result.stateNotKept) notes.push(`the build's state was not kept (${result.stateNotKept}): the next build starts from scratch`);
  if (reportsDir) {
    for (const [path, report] of [...[...result.reports].map(([key, report]) => [`${key}.json`, report] as const), ['_site.json', result.siteReport] as const]) {
      await mkdir(dirname(join(reportsDir, path)), { recursive: true });
      await writeFile(join(reportsDir, path), reportJson(report));
    }
  }
  const written = result.paths.length - result.unchangedFiles;
  return { reports: result.reports, paths: result.paths, written, notes, internalFailures: [] };
}

/**
 * The files a previous build left in `outDir` (site-relative paths, the marker left out), once the folder is known
 * to be ours: missing, empty, or marked by this tool; a folder this tool did not write is never touched. The new
 * build writes over them in place and `removeStale` deletes what it no longer produces: deleting the whole folder
 * first cost ~0.6 s on a 4,800-file site, and a build failing after that left an unmarked folder behind.
 */
async function previousOutput(outDir: string): Promise<string[]> {
  if (existsSync(outDir) && (await readdir(outDir)).length > 0) {
    if (!existsSync(join(outDir, SITE_MARKER))) {
      throw new Error(`${outDir} is not empty and was not written by this build; choose another --out folder`);
    }
    return (await listEntries(outDir, (entry) => !entry.isDirectory())).filter((path) => path !== SITE_MARKER);
  }
  await mkdir(outDir, { recursive: true });
  return [];
}

/** Delete the files of the previous build that this one did not write, and the folders that leaves empty. */
async function removeStale(outDir: string, previousFiles: readonly string[], written: ReadonlySet<string>): Promise<void> {
  const folders = new Set<string>();
  for (const path of previousFiles.filter((file) => !written.has(file))) {
    await rm(join(outDir, path), { force: true });
    for (let folder = dirname(path); folder !== '.'; folder = dirname(folder)) folders.add(folder);
  }
  // Deepest first, so a folder is empty once its subfolders are gone; a folder still holding files stays.
  for (const folder of [...folders].sort((a, b) => b.split('/').length - a.split('/').length)) {
    if ((await readdir(join(outDir, folder))).length === 0) await rm(join(outDir, folder), { recursive: true });
  }
}

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(`build failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exitCode = 1;
});
