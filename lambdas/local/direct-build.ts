import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Root } from 'mdast';
import type { PostRecord } from '../adapters/posts-repository.js';
import { error } from '../core/messages.js';
import type { PostOutcome } from '../core/post.js';
import { composePostPage, contentFor, viewedPost, type PostStructure } from '../core/post-view.js';
import { siteSeoMessages, siteSeoSummary } from '../core/seo-report.js';
import { sortNewestFirst } from '../core/site/order.js';
import { globalFiles } from '../core/site/site.js';
import type { PostMessage, PublishedPost, SiteConfig, SiteFile } from '../core/types.js';
import { buildCorpus } from '../services/corpus.js';
import { PostWorkerPool } from '../services/post-worker.js';
import { buildReport, type PostReport } from '../services/report.js';
import { POSTS_PREFIX } from '../contract.js';
import { listMarkdownFiles } from './content-files.js';
import { processShareInWorker, type ProcessedPost } from './direct-build-worker.js';
import { MemoryCorpusStore } from './memory-corpus-store.js';

export interface DirectBuildOptions {
  readonly contentDir: string;
  readonly config: SiteConfig;
  /** Where processed posts are cached by content hash, so an unchanged post is not parsed again. Absent: no cache. */
  readonly cacheDir?: string;
  /** Worker threads for parsing and rendering. @default min(2, cores) */
  readonly workers?: number;
}

export interface DirectBuildResult {
  readonly files: readonly SiteFile[];
  readonly reports: ReadonlyMap<string, PostReport>;
  /** The site-wide SEO summary, as the publisher writes it to `reports/_site.json`. */
  readonly siteReport: unknown;
  /** Posts answered from the cache. */
  readonly cached: number;
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * The whole site from a folder in one process: the same steps and decisions as the event pipeline (processPost,
 * the corpus step, the site renderer), with the stores in memory instead of S3 and DynamoDB. Posts are parsed on
 * worker threads; their results are cached by content hash. A post whose sections are linked to other posts is
 * parsed again at render time (its tree is not kept, to keep memory flat).
 */
export async function buildDirect(options: DirectBuildOptions): Promise<DirectBuildResult> {
  const { config } = options;
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => { const now = performance.now(); timings[name] = Math.round(now - mark); mark = now; };

  const keys = await listMarkdownFiles(options.contentDir);
  const version = options.cacheDir ? await cacheVersionOf(config) : '';
  // Posts are shared out round-robin (similar sizes on each side); results come back in the same order.
  const shares = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));
  const jobs = Array.from({ length: shares }, (_, i) => keys.filter((_, index) => index % shares === i));
  const results = await Promise.all(jobs.map((share) => processShareInWorker({
    contentDir: options.contentDir, keys: share, config, ...(options.cacheDir && { cache: { dir: options.cacheDir, version } }),
  })));
  const processed = new Map(results.flatMap((result) => result.posts));
  const cached = results.reduce((sum, result) => sum + result.cached, 0);
  const pool = new PostWorkerPool({ size: 1 });
  try {
    lap('process');

    const store = new MemoryCorpusStore();
    loadRecords(keys, processed, '0', store);
    const liveKeys = keys.filter((key) => store.records.get(key)!.live);
    // Earliest first: originals are decided before their copies, so fewer posts need deciding twice.
    const byDate = sortNewestFirst(liveKeys.map((key) => publishedOf(processed.get(key)!)!)).reverse().map((post) => post.key);
    await buildCorpus(byDate, config, store);
    lap('corpus');

    const posts = new Map(liveKeys.map((key) => {
      const post = publishedOf(processed.get(key)!)!;
      return [key, viewedPost(post, store.records.get(key)!.view)] as const;
    }));
    const body = (key: string) => async () => bodyOf(await pool.process({ key, bytes: await readFile(join(options.contentDir, key)) }, config));
    const needsBody = liveKeys.filter((key) => (store.records.get(key)!.view?.sectionActions.length ?? 0) > 0);
    const bodies = new Map(await Promise.all(needsBody.map(async (key) => [key, await body(key)()] as const)));
    const bodyFor = (key: string) => () => bodies.get(key)!;
    const listed = sortNewestFirst([...posts.values()]);
    const pages = listed.map((post) => composePostPage(
      { ...post, contentHtml: publishedOf(processed.get(post.key)!)!.contentHtml }, bodyFor(post.key), store.records.get(post.key)!.view, posts, config));
    const withContent = listed.map((post) => ({ ...post, contentHtml: contentFor(
      { ...post, contentHtml: publishedOf(processed.get(post.key)!)!.contentHtml }, store.records.get(post.key)!.view, bodyFor(post.key)) }));
    const files = [...pages, ...globalFiles(withContent, config)];
    lap('render');

    const siteMessages = siteSeoMessages(listed);
    const reports = new Map(keys.map((key) => [key, buildReport(store.records.get(key)!, config, POSTS_PREFIX, posts, siteMessages.get(key))] as const));
    const siteReport = {
      posts: listed.length,
      summary: siteSeoSummary(liveKeys.map((key) => ({ key, messages: [...store.records.get(key)!.messages, ...(siteMessages.get(key) ?? [])] })))
        .filter((row) => row.warnings > 0),
    };
    return { files, reports, siteReport, cached, timings };
  } finally {
    await pool.close();
  }
}

/**
 * Records as ingest would write them, into `store.records` (and the published posts' structures into
 * `store.structures`): slugs claimed in key order, a second claimant of a slug rejected.
 */
export function loadRecords(
  keys: readonly string[], processed: ReadonlyMap<string, ProcessedPost>, seq: string,
  store: { readonly records: Map<string, PostRecord>; readonly structures: Map<string, PostStructure> },
): void {
  const slugOwners = new Map<string, string>();
  for (const key of keys) {
    const outcome = processed.get(key)!;
    let record: PostRecord;
    if (outcome.status === 'published' && slugOwners.has(outcome.post.slug)) {
      record = { key, seq, state: 'rejected', messages: [...outcome.messages, slugTaken(outcome.post.slug, slugOwners.get(outcome.post.slug)!)] };
    } else if (outcome.status === 'published') {
      slugOwners.set(outcome.post.slug, key);
      const { contentHtml: _html, ...live } = outcome.post;
      record = { key, seq, state: 'published', messages: outcome.messages, live };
      store.structures.set(key, outcome.structure);
    } else {
      record = { key, seq, state: outcome.status, messages: outcome.messages };
    }
    store.records.set(key, record);
  }
}

/** Write the site's files under `outDir`. */
export async function writeSiteFiles(files: readonly SiteFile[], outDir: string): Promise<void> {
  const dirs = new Set(files.map((file) => dirname(join(outDir, file.path))));
  for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      await writeFile(join(outDir, file.path), file.body);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

function publishedOf(entry: ProcessedPost): PublishedPost | undefined {
  return entry.status === 'published' ? entry.post : undefined;
}

function bodyOf(outcome: PostOutcome): Root {
  if (outcome.status !== 'published') throw new Error('a post that was published could not be processed again');
  return outcome.body;
}

function slugTaken(slug: string, owner: string): PostMessage {
  return error('post:slug-taken', `The URL /posts/${slug}/ is already used by ${POSTS_PREFIX}${owner}; set a different \`slug:\` in the front matter.`, 1);
}

/**
 * Cached results are only valid for the same pipeline code and settings: the version is a hash of the core's
 * source files and of the site config, so editing the pipeline or a setting empties the cache in effect.
 */
async function cacheVersionOf(config: SiteConfig): Promise<string> {
  const coreDir = join(import.meta.dirname, '..', 'core');
  const hash = createHash('sha256').update(JSON.stringify(config));
  for (const file of (await readdir(coreDir, { recursive: true })).filter((f) => f.endsWith('.ts')).sort()) {
    hash.update(file).update(await readFile(join(coreDir, file)));
  }
  return hash.digest('hex');
}
