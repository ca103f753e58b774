import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Root } from 'mdast';
import type { PostRecord } from '../adapters/posts-repository.js';
import { error } from '../core/messages.js';
import type { PostOutcome } from '../core/post.js';
import { composePostPage, contentFor, viewedPost, type PostStructure } from '../core/post-view.js';
import { siteSeoMessages, siteSummaryReport } from '../core/seo-report.js';
import { forEachLimited } from '../core/limited.js';
import { sortNewestFirst } from '../core/site/order.js';
import { globalFiles } from '../core/site/site.js';
import type { PostMessage, PublishedPost, SiteConfig, SiteFile } from '../core/types.js';
import { buildCorpus } from '../services/corpus.js';
import { PostWorkerPool } from '../services/post-worker.js';
import { buildReport, type PostReport } from '../services/report.js';
import { POSTS_PREFIX } from '../contract.js';
import { listMarkdownFiles } from './markdown-files.js';
import { processShareInWorker, type ProcessedPost } from './direct-build-worker.js';
import { MemoryCorpusStore } from './memory-corpus-store.js';

export interface DirectBuildOptions {
  readonly contentDir: string;
  readonly config: SiteConfig;
  /** Where processed posts are cached by content hash, so an unchanged post is not parsed again. Absent: no cache. */
  readonly cacheDir?: string;
  /** Worker threads for parsing and rendering. @default min(2, cores) */
  readonly workers?: number;
  /**
   * Write the site's files here as they are rendered (as `writeSiteFiles` would), instead of returning them: the
   * pages are then never all in memory at once. Files already there are overwritten; files of an earlier build
   * that this one does not produce are left for the caller to remove (`npm run build` does).
   */
  readonly outDir?: string;
}

export interface DirectBuildResult {
  /** The site's files; empty when they were written to `outDir` instead. */
  readonly files: readonly SiteFile[];
  /** How many files the site has (written to `outDir`, or in `files`). */
  readonly fileCount: number;
  /** Site-relative paths of those files. */
  readonly paths: readonly string[];
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
 * parsed again at render time (its tree is not kept, to keep memory flat). What a phase no longer needs is let go
 * (the posts' structures and the corpus index after the corpus step; each page once written, with `outDir`).
 */
export async function buildDirect(options: DirectBuildOptions): Promise<DirectBuildResult> {
  const { config } = options;
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => { const now = performance.now(); timings[name] = Math.round(now - mark); mark = now; };

  const keys = await listMarkdownFiles(options.contentDir);
  const version = options.cacheDir ? await cacheVersionOf(config) : '';
  const cacheDir = options.cacheDir && await versionCacheDir(options.cacheDir, version);
  // Posts are shared out round-robin (similar sizes on each side) and come back while the workers work.
  const shares = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));
  const jobs = Array.from({ length: shares }, (_, i) => keys.filter((_, index) => index % shares === i));
  const processed = new Map<string, ProcessedPost>();
  const results = await Promise.all(jobs.map((share) => processShareInWorker({
    contentDir: options.contentDir, keys: share, config, ...(cacheDir && { cache: { dir: cacheDir, version } }),
  }, (key, post) => processed.set(key, post))));
  const cached = results.reduce((sum, result) => sum + result.cached, 0);
  const pool = new PostWorkerPool({ size: 1 });
  try {
    lap('process');

    const { records, published } = await decideCorpus(keys, processed, config);
    // The structures and the index are garbage now, most of the heap: collect them before rendering adds more,
    // or the heap keeps growing into the space they hold.
    collectGarbage();
    lap('corpus');

    const liveKeys = keys.filter((key) => records.get(key)!.live);
    const posts = new Map(liveKeys.map((key) => [key, viewedPost(published.get(key)!, records.get(key)!.view)] as const));
    const listed = sortNewestFirst([...posts.values()]);
    const writer = options.outDir === undefined ? undefined : new SiteWriter(options.outDir);
    const files: SiteFile[] = [];
    const emit = async (file: SiteFile) => {
      if (writer) await writer.write(file);
      else files.push(file);
    };
    // Page by page: a post whose sections are linked elsewhere is parsed again for its page and its feed
    // entry, then its tree is dropped.
    const withContent: PublishedPost[] = [];
    for (const post of listed) {
      const view = records.get(post.key)!.view;
      const tree = (view?.sectionActions.length ?? 0) > 0
        ? bodyOf(await pool.process({ key: post.key, bytes: await readFile(join(options.contentDir, post.key)) }, config))
        : undefined;
      const bodyFor = () => tree!;
      const stored = { ...post, contentHtml: published.get(post.key)!.contentHtml };
      await emit(composePostPage(stored, bodyFor, view, posts, config));
      withContent.push({ ...post, contentHtml: contentFor(stored, view, bodyFor) });
    }
    for (const file of globalFiles(withContent, config)) await emit(file);
    await writer?.done();
    lap('render');

    const siteMessages = siteSeoMessages(listed);
    const reports = new Map(keys.map((key) => [key, buildReport(records.get(key)!, config, POSTS_PREFIX, posts, siteMessages.get(key))] as const));
    const siteReport = siteSummaryReport(liveKeys.map((key) => ({ key, messages: records.get(key)!.messages })), siteMessages);
    return { files, fileCount: writer?.count ?? files.length, paths: writer?.paths ?? files.map((file) => file.path), reports, siteReport, cached, timings };
  } finally {
    await pool.close();
  }
}

/**
 * Records as ingest writes them, then the corpus step over the live ones. Takes the processed posts (`processed` is
 * emptied): returns the records with their views and the published posts with their HTML; the structures and the
 * index stay here, to be collected once the step is done.
 */
async function decideCorpus(
  keys: readonly string[], processed: Map<string, ProcessedPost>, config: SiteConfig,
): Promise<{ records: Map<string, PostRecord>; published: Map<string, PublishedPost> }> {
  const store = new MemoryCorpusStore();
  loadRecords(keys, processed, '0', store);
  const published = new Map<string, PublishedPost>();
  for (const key of keys) if (store.records.get(key)!.live) published.set(key, publishedOf(processed.get(key)!)!);
  processed.clear();
  // Earliest first: originals are decided before their copies, so fewer posts need deciding twice.
  const byDate = sortNewestFirst([...published.values()]).toReversed().map((post) => post.key);
  await buildCorpus(byDate, config, store);
  return { records: store.records, published };
}

/**
 * A full garbage collection now, when V8 lets us ask for one: `--expose-gc` set at run time (as Jest does to
 * measure leaks) gives new contexts a `gc` function. Where that is not possible, V8 collects when it sees fit.
 */
function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    // Only memory is at stake.
  }
}

/** Writes files under a folder as they come, a bounded number at a time, each folder created once. */
class SiteWriter {
  count = 0;
  readonly paths: string[] = [];
  private readonly dirs = new Map<string, Promise<unknown>>();
  private readonly writing = new Set<Promise<void>>();
  private failure: { readonly error: unknown } | undefined;

  constructor(private readonly outDir: string, private readonly parallel = 32) {}

  /** Start writing `file`; waits while `parallel` writes are under way. */
  async write(file: SiteFile): Promise<void> {
    while (this.writing.size >= this.parallel) await Promise.race(this.writing);
    this.check();
    const path = join(this.outDir, file.path);
    const dir = dirname(path);
    let made = this.dirs.get(dir);
    if (!made) {
      made = mkdir(dir, { recursive: true });
      this.dirs.set(dir, made);
    }
    const done: Promise<void> = made.then(() => writeFile(path, file.body))
      .catch((error: unknown) => { this.failure ??= { error }; })
      .finally(() => this.writing.delete(done));
    this.writing.add(done);
    this.count++;
    this.paths.push(file.path);
  }

  /** Wait for every write started; throws the first failure. */
  async done(): Promise<void> {
    await Promise.all(this.writing);
    this.check();
  }

  private check(): void {
    if (this.failure) throw this.failure.error;
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
  await forEachLimited(files, 32, (file) => writeFile(join(outDir, file.path), file.body));
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

/** Cache versions kept besides the current one, most recently used first: going back to the previous setting is cheap. */
const OTHER_CACHE_VERSIONS_KEPT = 1;

/**
 * This version's cache folder (`<cacheDir>/<version prefix>`), marked as used now. Folders of other versions beyond
 * the most recently used, and the entries of the flat layout used before, are removed: every edit of the pipeline
 * or of a setting starts a new version, and without this the cache only grows.
 */
async function versionCacheDir(cacheDir: string, version: string): Promise<string> {
  const dir = join(cacheDir, version.slice(0, 16));
  await mkdir(dir, { recursive: true });
  const now = new Date();
  await utimes(dir, now, now);
  const stale: string[] = [];
  const others: { readonly path: string; readonly used: number }[] = [];
  for (const entry of await readdir(cacheDir, { withFileTypes: true })) {
    const path = join(cacheDir, entry.name);
    if (entry.isFile() && entry.name.endsWith('.json.gz')) stale.push(path);
    else if (entry.isDirectory() && /^[0-9a-f]{16}$/.test(entry.name) && path !== dir) others.push({ path, used: (await stat(path)).mtimeMs });
  }
  others.sort((a, b) => b.used - a.used);
  stale.push(...others.slice(OTHER_CACHE_VERSIONS_KEPT).map((other) => other.path));
  for (let start = 0; start < stale.length; start += 256) {
    await Promise.all(stale.slice(start, start + 256).map((path) => rm(path, { recursive: true, force: true })));
  }
  return dir;
}

/**
 * Cached results are only valid for the same pipeline code and settings: the version is a hash of the core's
 * source files, of the modules that make and store a cache entry, and of the site config, so editing the pipeline,
 * the entry format or a setting empties the cache in effect.
 */
async function cacheVersionOf(config: SiteConfig): Promise<string> {
  const coreDir = join(import.meta.dirname, '..', 'core');
  const hash = createHash('sha256').update(JSON.stringify(config));
  for (const file of (await readdir(coreDir, { recursive: true })).filter((f) => f.endsWith('.ts')).sort()) {
    hash.update(file).update(await readFile(join(coreDir, file)));
  }
  for (const file of CACHE_ENTRY_MODULES) hash.update(file).update(await readFile(join(import.meta.dirname, file)));
  return hash.digest('hex');
}

/** Modules beside this one whose code decides what a cache entry holds. */
const CACHE_ENTRY_MODULES = ['build-process.ts', 'direct-build-worker.ts'];
