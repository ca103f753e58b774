/**
 * Publishing the same content two ways for the equivalence tests: the in-process build of the final files, and the
 * emulated AWS stack fed a history of changes (see test/corpus/*-equivalence.test.ts).
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import type { RedirectTable } from '../../lambdas/core/site/redirects.js';
import { listKeys } from '../../lambdas/local/content-files.js';
import { startEmbeddedStack } from '../../lambdas/local/embedded-stack.js';
import { firstPublishedMetadata, spreadTies } from '../../lambdas/local/first-published.js';
import { buildInProcess } from '../../lambdas/local/in-process.js';
import { openProcessCache } from '../../lambdas/local/process-cache.js';
import { PostWorkerPool } from '../../lambdas/services/post-worker.js';
import { reportJson } from '../../lambdas/services/report.js';
import { readEach, siteSnapshot, snapshotDiff } from '../hostile/hostile-helpers.js';
import type { SourceEdit } from './feature-corpus.js';

export const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com', title: 'Equivalence', listingPageSize: 10 });

export interface Published {
  readonly site: Map<string, string>;
  /** `reports/` as files: `<key>.json` and `_site.json`, with the S3 sequencer (only events have one) blanked. */
  readonly reports: Map<string, string>;
}

const withoutSequencer = (json: string) => json.replace(/^ {2}"sequencer": "[0-9A-F]+",\n/m, '');

/**
 * When every file of these tests was first published: the in-process build reads it from the files' modification
 * time (the folder is not a git repository), the emulated stack from each object's metadata, as `npm start` and
 * `npm run build -- --emulated` upload them. Undated posts are dated by it, alike on both sides.
 */
export const FILE_TIME = new Date(Date.UTC(2022, 5, 1, 12, 0, 0));

/**
 * The first-published metadata of each upload in `history`, as the local uploaders give it for the folder the
 * in-process build reads (the files left at the end, each modified at `FILE_TIME`): ties spread a second apart in key
 * order (`spreadTies`), the same for every upload of a file. A file deleted for good gets `FILE_TIME` (it is published
 * by neither side).
 */
export function firstPublishedMetadataOf(history: readonly SourceEdit[]): (key: string) => Record<string, string> {
  const last = new Map<string, string | undefined>();
  for (const edit of history) last.set(edit.key, edit.text);
  const remaining = [...last].filter(([, text]) => text !== undefined).map(([key]) => key);
  const times = spreadTies(new Map(remaining.map((key) => [key, { at: FILE_TIME.toISOString(), from: 'file' as const }])));
  return (key) => firstPublishedMetadata(times.get(key) ?? { at: FILE_TIME.toISOString(), from: 'file' });
}

/** The files in a new temporary folder, each modified at `FILE_TIME`. */
export async function contentFolder(files: ReadonlyMap<string, string>, prefix = 'equivalence-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  for (const [key, text] of files) {
    await mkdir(dirname(join(dir, key)), { recursive: true });
    await writeFile(join(dir, key), text);
    await utimes(join(dir, key), FILE_TIME, FILE_TIME);
  }
  return dir;
}

export async function inProcess(files: ReadonlyMap<string, string>, cacheDir?: string): Promise<Published> {
  const dir = await contentFolder(files);
  const result = await buildInProcess({ contentDir: dir, config, ...(cacheDir && { cacheDir }) });
  const reports = new Map([...result.reports].map(([key, report]) => [`${key}.json`, withoutSequencer(reportJson(report))]));
  reports.set('_site.json', reportJson(result.siteReport));
  return { site: new Map(result.files.map((file) => [file.path, file.body])), reports };
}

export async function emulated(
  history: readonly SourceEdit[], settleEvery: number, cacheDir?: string,
): Promise<Published & { readonly commits: number; readonly redirects: RedirectTable | undefined }> {
  let commits = 0;
  // With a cache, posts the in-process build parsed are not parsed again (the same function makes both entries).
  const processor = cacheDir === undefined ? undefined : new PostWorkerPool({ cache: await openProcessCache(cacheDir, config) });
  const stack = await startEmbeddedStack({ config, retryDelayMs: 5, onPublish: (summary) => { commits += summary.commits; }, ...(processor && { processor }) });
  const metadataOf = firstPublishedMetadataOf(history);
  try {
    for (const [i, edit] of history.entries()) {
      const Key = `posts/${edit.key}`;
      if (edit.text === undefined) await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.names.sourceBucket, Key }));
      else await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key, Body: edit.text, Metadata: metadataOf(edit.key) }));
      if (i % settleEvery === settleEvery - 1) await stack.settled();
    }
    await stack.settled();
    stack.publishQueue.send(JSON.stringify({ refreshRelated: true }), 'equivalence-final-pass');
    await stack.settled();
    expect(stack.deadLetters).toEqual([]);
    const bodies = await readEach(await listKeys(stack.s3, stack.names.sourceBucket, 'reports/'), async (key) =>
      (await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.sourceBucket, Key: key }))).Body!.transformToString());
    const reports = new Map([...bodies].map(([key, body]) => [key.slice('reports/'.length), withoutSequencer(body)]));
    const redirects = (await stack.published.readState())?.redirects;
    return { site: await siteSnapshot(stack), reports, commits, redirects };
  } finally {
    await stack.close();
    await processor?.close();
  }
}

/**
 * The same site and reports. Old addresses are history, which a build of the final files does not have: the
 * redirects a post's report lists from where its page was before (`moved`), and the gone addresses of the site
 * summary, are left out of the comparison (aliases, and the warnings about them, are compared).
 */
export function expectSame(actual: Published, expected: Published): void {
  expect(snapshotDiff(actual.site, expected.site)).toEqual([]);
  expect(snapshotDiff(reportsWithoutHistory(actual.reports), reportsWithoutHistory(expected.reports))).toEqual([]);
}

/** Reports as files without what depends on the order of events (see `expectSame`). */
export function reportsWithoutHistory(reports: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...reports].map(([name, json]) => {
    const report = JSON.parse(json) as { redirects?: { why: string }[]; gone?: string[] };
    const aliases = report.redirects?.filter((redirect) => redirect.why !== 'moved') ?? [];
    if (aliases.length > 0) report.redirects = aliases;
    else delete report.redirects;
    delete report.gone;
    return [name, reportJson(report)];
  }));
}

