/**
 * The in-process build's work: the pipeline's services over memory stores. A module of its own, loaded only when
 * there is work: it brings the parser and every pipeline step (half a second of module loading), which a build
 * whose input did not change (see local/build-state.ts) does without.
 */
import { FsSiteStore, FsSourceStore } from '../adapters/files.js';
import {
  MemoryChangeLog, MemoryIndexStore, MemoryPostStore, MemoryPublishedStore, MemoryReportStore, MemorySiteStore,
} from '../adapters/memory.js';
import type { SiteConfig } from '../core/types.js';
import type { ObjectChange } from '../handlers/s3-events.js';
import { normaliseSequencer } from '../handlers/s3-events.js';
import { silentLogger } from '../handlers/logger.js';
import type { FirstPublished } from '../model/records.js';
import { ingestChanges, type IngestDeps, type IngestResult } from '../services/ingest.js';
import { PostWorkerPool } from '../services/post-worker.js';
import type { ProcessCache } from '../services/process.js';
import type { SiteStore } from '../services/ports.js';
import { publishChanges, type PublishDeps, type PublishSummary } from '../services/publish.js';
import type { PostReport } from '../services/report.js';
import type { InProcessBuildResult } from './in-process.js';

export interface EngineInput {
  readonly contentDir: string;
  readonly config: SiteConfig;
  readonly outDir?: string;
  readonly now?: number;
  readonly cache?: ProcessCache;
  readonly workers: number;
  /** The module the post workers start (see `PostWorkerOptions.workerModule`). @default the pool's own */
  readonly workerModule?: URL;
  /** Every post file, in key order. */
  readonly keys: readonly string[];
  readonly firstPublished: ReadonlyMap<string, FirstPublished>;
  readonly onIngest?: (result: IngestResult, done: number, total: number) => void;
}

/** What the build returns (see `InProcessBuildResult`), with its publish run and what a build state keeps besides. */
export interface EngineOutput extends Pick<InProcessBuildResult, 'files' | 'paths' | 'unchangedFiles' | 'reports' | 'siteReport' | 'ingest' | 'cached' | 'timings'> {
  readonly publish: PublishSummary;
  /** Posts scheduled (not yet live): key → the time they go live (ISO 8601). */
  readonly scheduled: ReadonlyMap<string, string>;
  /** Posts without a date, dated by when they were first published. */
  readonly datedByFirstPublished: ReadonlySet<string>;
}

/** Ingest every file of the folder, in key order, then publish everything. */
export async function ingestAndPublish(input: EngineInput): Promise<EngineOutput> {
  let mark = performance.now();
  const timings: Record<string, number> = {};
  const pool = new PostWorkerPool({ size: input.workers, ...(input.cache && { cache: input.cache }), ...(input.workerModule && { workerModule: input.workerModule }) });
  const source = new FsSourceStore(input.contentDir, input.firstPublished);
  const posts = new MemoryPostStore();
  const changes = new MemoryChangeLog();
  const reports = new MemoryReportStore();
  const memorySite = input.outDir === undefined ? new MemorySiteStore() : undefined;
  const folderSite = input.outDir === undefined ? undefined : new FsSiteStore(input.outDir);
  const site: SiteStore = memorySite ?? folderSite!;
  try {
    const ingestDeps: IngestDeps = {
      config: input.config, source, reports, posts, changes, processor: pool, logger: silentLogger,
      // Nothing to wake: the build publishes once, after every post is ingested (and shows the site as of its
      // clock: no scheduled post is woken later either).
      publisher: { request: async () => {} },
      ...(input.now !== undefined && { asOf: input.now }),
    };
    // Every file as an upload, in key order, all of the same (first) version.
    const sequencer = normaliseSequencer('1');
    const uploads = input.keys.map((key): ObjectChange => ({ kind: 'created', bucket: 'local', objectKey: `${source.postsPrefix}${key}`, sequencer }));
    let done = 0;
    const ingest = await ingestChanges(uploads, ingestDeps, input.workers * 4, (result) => input.onIngest?.(result, ++done, uploads.length));
    timings.process = lap();
    // The workers are done: their heaps (a few hundred MB with two) are given back before the corpus step and
    // rendering grow the main thread's.
    await pool.close();

    const publishDeps: PublishDeps = {
      config: input.config, posts, index: new MemoryIndexStore(), changes, published: new MemoryPublishedStore(), site, reports,
      postsPrefix: source.postsPrefix, logger: silentLogger,
      // One commit for the whole site: every related list ranked once, against the complete index.
      maxPostsPerCommit: Number.POSITIVE_INFINITY,
    };
    const publish = await publishChanges(publishDeps);
    Object.assign(timings, { corpus: publish.phasesMs.corpus, render: publish.phasesMs.render, write: publish.phasesMs.write + publish.phasesMs.reports });

    const scheduled = new Map<string, string>();
    const datedByFirstPublished = new Set<string>();
    for (const record of (await posts.getRecords(input.keys)).values()) {
      if (record.state === 'scheduled' && record.scheduled) scheduled.set(record.key, record.scheduled.at);
      if (record.datedByFirstPublished) datedByFirstPublished.add(record.key);
    }
    return {
      files: memorySite ? [...memorySite.files.values()] : [],
      paths: memorySite ? [...memorySite.files.keys()] : [...folderSite!.paths],
      unchangedFiles: folderSite?.unchanged.size ?? 0,
      reports: reports.reports as ReadonlyMap<string, PostReport>,
      siteReport: reports.siteReport,
      ingest,
      publish,
      cached: pool.stats.cacheHits,
      timings,
      scheduled,
      datedByFirstPublished,
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
