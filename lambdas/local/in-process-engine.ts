/**
 * The in-process build's work: the pipeline's services over memory stores. A module of its own, loaded only when
 * there is work: it brings the parser and every pipeline step (half a second of module loading), which a build
 * with nothing to do (see local/build-state.ts) does without.
 */
import { FsSiteStore, FsSourceStore } from '../adapters/files.js';
import {
  MemoryChangeLog, MemoryIndexStore, MemoryPostStore, MemoryPublishedStore, MemoryReportStore, MemorySiteStore,
} from '../adapters/memory.js';
import type { SiteConfig, SiteFile } from '../core/types.js';
import type { ObjectChange } from '../handlers/s3-events.js';
import { normaliseSequencer } from '../handlers/s3-events.js';
import { silentLogger } from '../handlers/logger.js';
import type { FirstPublished, PostRecord } from '../model/records.js';
import { ingestChanges, type IngestDeps, type IngestResult } from '../services/ingest.js';
import { PostWorkerPool } from '../services/post-worker.js';
import type { ProcessCache } from '../services/process.js';
import type { SiteStore } from '../services/ports.js';
import { publishChanges, type PublishDeps, type PublishSummary } from '../services/publish.js';
import type { PostReport } from '../services/report.js';
import { firstPublishedMoved, type BuildStateHead, type BuildStateStores, type WarmPlan } from './build-state.js';

export interface EngineInput {
  readonly contentDir: string;
  readonly config: SiteConfig;
  readonly outDir?: string;
  readonly now?: number;
  readonly cache?: ProcessCache;
  readonly workers: number;
  /** Every post file, in key order. */
  readonly keys: readonly string[];
  readonly firstPublished: ReadonlyMap<string, FirstPublished>;
  readonly onIngest?: (result: IngestResult, done: number, total: number) => void;
  /** Publish these changes into the stores the last build left (absent: every file, into empty stores). */
  readonly incremental?: {
    readonly plan: Extract<WarmPlan, { kind: 'changes' }>;
    readonly head: BuildStateHead;
    readonly stores: BuildStateStores;
  };
}

export interface EngineOutput {
  readonly files: readonly SiteFile[];
  readonly paths: readonly string[];
  readonly reports: ReadonlyMap<string, PostReport>;
  readonly siteReport: unknown;
  readonly ingest: readonly IngestResult[];
  readonly publish: PublishSummary;
  readonly cached: number;
  /** ms: `process` (ingest), `corpus`, `render`, `write`. */
  readonly timings: Readonly<Record<string, number>>;
  /** What the stores hold now (shared, not copied), and what a build state keeps of it besides. */
  readonly state: {
    readonly stores: Omit<BuildStateStores, 'id'>;
    readonly scheduled: ReadonlyMap<string, string>;
    readonly slugConflicts: boolean;
    readonly datedByFirstPublished: ReadonlyMap<string, FirstPublished>;
  };
}

/** An incremental build stopped before it published anything: it cannot give the bytes of a build from scratch. */
export interface StartOver {
  readonly startOver: string;
}

/** The rule of a post rejected for a URL another post holds (services/ingest.ts). */
const SLUG_TAKEN = 'post:slug-taken';

/**
 * Ingest (every file, or the changes of `incremental` into the stores the last build left), then publish. An
 * incremental build stops before it publishes anything (`StartOver`) when what it ingested would not give the bytes
 * of a build from scratch:
 * - a changed post was rejected for a URL another post holds: which post gets a contested URL follows the order of
 *   uploads, and a build from scratch uploads in key order;
 * - a post is now dated by when it was first published, and its record keeps another time than the folder gives.
 */
export async function ingestAndPublish(input: EngineInput): Promise<EngineOutput | StartOver> {
  let mark = performance.now();
  const timings: Record<string, number> = {};
  const from = input.incremental;
  const pool = new PostWorkerPool({ size: input.workers, ...(input.cache && { cache: input.cache }) });
  const source = new FsSourceStore(input.contentDir, input.firstPublished);
  const posts = new MemoryPostStore(from?.stores.posts);
  const changes = new MemoryChangeLog(from?.stores.changes);
  const reports = from ? new MemoryReportStore(new Map(from.head.reports), from.head.siteReport) : new MemoryReportStore();
  const index = new MemoryIndexStore(from?.stores.index);
  const published = new MemoryPublishedStore(from?.stores.published);
  const memorySite = input.outDir === undefined ? new MemorySiteStore() : undefined;
  const site: SiteStore = memorySite ?? new FsSiteStore(input.outDir!);
  try {
    const ingestDeps: IngestDeps = {
      config: input.config, source, reports, posts, changes, processor: pool, logger: silentLogger,
      // Nothing to wake: the build publishes once, after every post is ingested (and shows the site as of its
      // clock: no scheduled post is woken later either).
      publisher: { request: async () => {} },
      ...(input.now !== undefined && { asOf: input.now }),
    };
    // Every file as an upload, in key order, all of the same version; incrementally, the removals first (a URL they
    // free is free for the uploads), then the new and changed files and the scheduled posts now due, in key order,
    // as a version above the last build's.
    const sequencer = normaliseSequencer(((from?.head.generation ?? 0) + 1).toString(16));
    const change = (kind: ObjectChange['kind']) => (key: string): ObjectChange => ({ kind, bucket: 'local', objectKey: `${source.postsPrefix}${key}`, sequencer });
    const uploads = from
      ? [...from.plan.remove.map(change('removed')), ...[...from.plan.ingest, ...from.plan.due].sort(compareKeys).map(change('created'))]
      : input.keys.map(change('created'));
    let done = 0;
    const ingest = await ingestChanges(uploads, ingestDeps, input.workers * 4, (result) => input.onIngest?.(result, ++done, uploads.length));
    timings.process = lap();
    // The workers are done: their heaps (a few hundred MB with two) are given back before the corpus step and
    // rendering grow the main thread's.
    await pool.close();
    if (from && ingest.some((result) => result.messages.some((message) => message.ruleId === SLUG_TAKEN))) {
      return { startOver: 'a changed post claims a URL another post holds' };
    }
    const dated = datedByFirstPublished(posts.snapshot().records.values());
    const moved = from && firstPublishedMoved(dated, new Map([...input.firstPublished].map(([key, firstPublished]) => [key, { firstPublished }])));
    if (moved) return { startOver: moved };

    const publishDeps: PublishDeps = {
      config: input.config, posts, index, changes, published, site, reports,
      postsPrefix: source.postsPrefix, logger: silentLogger,
      // One commit for the whole site: every related list ranked once, against the complete index.
      maxPostsPerCommit: Number.POSITIVE_INFINITY,
    };
    // Incrementally, the changes, and every related list ranked again in the same commit: what the changes did to
    // document frequencies reaches every list, as in a build from scratch.
    const publish = await publishChanges(publishDeps, from ? { refreshRelated: true } : {});
    Object.assign(timings, { corpus: publish.phasesMs.corpus, render: publish.phasesMs.render, write: publish.phasesMs.write + publish.phasesMs.reports });

    let paths: string[];
    if (memorySite) paths = [...memorySite.files.keys()];
    else {
      const written = (site as FsSiteStore).written;
      const deleted = new Set(publish.deletedPaths);
      // Incrementally, the files the last build left and this one did not delete, and those it wrote.
      paths = from ? [...new Set([...[...from.head.site.keys()].filter((path) => !deleted.has(path)), ...written])] : [...written];
    }
    const records = posts.snapshot().records;
    const scheduled = new Map<string, string>();
    for (const record of records.values()) if (record.state === 'scheduled' && record.scheduled) scheduled.set(record.key, record.scheduled.at);
    return {
      files: memorySite ? [...memorySite.files.values()] : [],
      paths,
      reports: reports.reports as ReadonlyMap<string, PostReport>,
      siteReport: reports.siteReport,
      ingest,
      publish,
      cached: pool.stats.cacheHits,
      timings,
      state: {
        stores: { posts: posts.snapshot(), index: index.snapshot(), changes: changes.snapshot(), published: await published.read() },
        scheduled,
        slugConflicts: [...records.values()].some((record) => record.messages.some((message) => message.ruleId === SLUG_TAKEN)),
        datedByFirstPublished: dated,
      },
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

/** The time each post dated by when it was first published keeps (see `BuildStateHead.datedByFirstPublished`). */
function datedByFirstPublished(records: Iterable<PostRecord>): Map<string, FirstPublished> {
  const dated = new Map<string, FirstPublished>();
  for (const record of records) if (record.datedByFirstPublished && record.firstPublished) dated.set(record.key, record.firstPublished);
  return dated;
}

/** Key order, as `listMarkdownFiles` sorts. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
