import { availableParallelism } from 'node:os';
import { FsSiteStore, FsSourceStore } from '../adapters/files.js';
import {
  MemoryChangeLog, MemoryIndexStore, MemoryPostStore, MemoryPublishedStore, MemoryReportStore, MemorySiteStore,
} from '../adapters/memory.js';
import type { SiteConfig, SiteFile } from '../core/types.js';
import type { ObjectChange } from '../handlers/s3-events.js';
import { normaliseSequencer } from '../handlers/s3-events.js';
import { silentLogger } from '../handlers/logger.js';
import { ingestChanges, type IngestDeps, type IngestResult } from '../services/ingest.js';
import { PostWorkerPool } from '../services/post-worker.js';
import type { SiteStore } from '../services/ports.js';
import { publishChanges, type PublishDeps, type PublishSummary } from '../services/publish.js';
import type { PostReport } from '../services/report.js';
import { firstPublishedTimes } from './first-published.js';
import { listMarkdownFiles } from './markdown-files.js';
import { openProcessCache } from './process-cache.js';

export interface InProcessBuildOptions {
  readonly contentDir: string;
  readonly config: SiteConfig;
  /** Where processed posts are cached by content hash, so an unchanged post is not parsed again. Absent: no cache. */
  readonly cacheDir?: string;
  /** Worker threads for parsing and rendering. @default min(2, cores) */
  readonly workers?: number;
  /** Write the site's files here as they are published, instead of keeping them in memory. */
  readonly outDir?: string;
  /** Called for every post ingested. */
  readonly onIngest?: (result: IngestResult, done: number, total: number) => void;
  /**
   * Build the site as of this time (ms since the epoch): posts dated after it are reported as scheduled, not
   * published. @default now
   */
  readonly now?: number;
}

export interface InProcessBuildResult {
  /** The site's files; empty when they were written to `outDir` instead. */
  readonly files: readonly SiteFile[];
  /** Site-relative paths of the site's files. */
  readonly paths: readonly string[];
  /** The authors' reports, by post key, as the pipeline leaves them in `reports/`. */
  readonly reports: ReadonlyMap<string, PostReport>;
  /** The site-wide SEO summary (`reports/_site.json`). */
  readonly siteReport: unknown;
  readonly ingest: readonly IngestResult[];
  readonly publish: PublishSummary;
  /** Posts answered from the cache. */
  readonly cached: number;
  /** Milliseconds per phase: `process` (ingest), `corpus`, `render`, `write` (from the publish summary). */
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * The whole site from a folder, in one process: the pipeline's own services — ingest for every file, in key order,
 * then one publish of everything — over in-memory stores instead of DynamoDB and S3 (posts are read where they are,
 * the site is written to `outDir`). Posts are parsed on worker threads with the same time budget as in AWS, and
 * cached by content hash when `cacheDir` is given. Nothing here decides anything: what it publishes is what the
 * Lambda functions publish from the same content.
 */
export async function buildInProcess(options: InProcessBuildOptions): Promise<InProcessBuildResult> {
  let mark = performance.now();
  const timings: Record<string, number> = {};
  const keys = await listMarkdownFiles(options.contentDir);
  const cache = options.cacheDir === undefined ? undefined : await openProcessCache(options.cacheDir, options.config);
  const workers = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));
  const pool = new PostWorkerPool({ size: workers, ...(cache && { cache }) });
  const posts = new MemoryPostStore();
  const changes = new MemoryChangeLog();
  const reports = new MemoryReportStore();
  const memorySite = options.outDir === undefined ? new MemorySiteStore() : undefined;
  const site: SiteStore & { readonly written?: ReadonlySet<string> } = memorySite ?? new FsSiteStore(options.outDir!);
  // When each file was first published (first commit, else modification time): what the uploaders put on objects.
  const source = new FsSourceStore(options.contentDir, await firstPublishedTimes(options.contentDir, keys));
  try {
    const ingestDeps: IngestDeps = {
      config: options.config, source, reports, posts, changes, processor: pool, logger: silentLogger,
      // Nothing to wake: the build publishes once, after every post is ingested (and shows the site as of its
      // clock: no scheduled post is woken later either).
      publisher: { request: async () => {} },
      ...(options.now !== undefined && { asOf: options.now }),
    };
    // Every file as an upload, in key order, all of the same (first) version.
    const sequencer = normaliseSequencer('1');
    const uploads = keys.map((key): ObjectChange => ({ kind: 'created', bucket: 'local', objectKey: `${source.postsPrefix}${key}`, sequencer }));
    let done = 0;
    const ingest = await ingestChanges(uploads, ingestDeps, workers * 4, (result) => options.onIngest?.(result, ++done, keys.length));
    timings.process = lap();
    // The workers are done: their heaps (a few hundred MB with two) are given back before the corpus step and
    // rendering grow the main thread's.
    await pool.close();

    const publishDeps: PublishDeps = {
      config: options.config, posts, index: new MemoryIndexStore(), changes, published: new MemoryPublishedStore(), site, reports,
      postsPrefix: source.postsPrefix, logger: silentLogger,
      // One commit for the whole site: every related list ranked once, against the complete index.
      maxPostsPerCommit: Number.POSITIVE_INFINITY,
    };
    const publish = await publishChanges(publishDeps);
    Object.assign(timings, { corpus: publish.phasesMs.corpus, render: publish.phasesMs.render, write: publish.phasesMs.write + publish.phasesMs.reports });
    return {
      files: memorySite ? [...memorySite.files.values()] : [],
      paths: memorySite ? [...memorySite.files.keys()] : [...(site as FsSiteStore).written],
      reports: reports.reports as ReadonlyMap<string, PostReport>,
      siteReport: reports.siteReport,
      ingest,
      publish,
      cached: pool.stats.cacheHits,
      timings,
    };
  } finally {
    await pool.close(); // again, when ingest failed (closing twice is harmless)
  }

  function lap(): number {
    const now = performance.now();
    const elapsed = Math.round(now - mark);
    mark = now;
    return elapsed;
  }
}
