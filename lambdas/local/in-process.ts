import { availableParallelism } from 'node:os';
import type { SiteConfig, SiteFile } from '../core/types.js';
import type { IngestResult } from '../services/ingest.js';
import type { PublishSummary } from '../services/publish.js';
import type { PostReport } from '../services/report.js';
import {
  buildStateLocation, fingerprintSources, forgetBuildState, planWarmBuild, readBuildStateHead, readBuildStateStores, stampFiles,
  writeBuildState, type BuildStateHead, type BuildStateLocation, type BuildStateStores, type SourceFingerprint, type WarmPlan,
} from './build-state.js';
import { firstPublishedTimes } from './first-published.js';
import type { EngineInput } from './in-process-engine.js';
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
  /** Site-relative paths of the site's files (all of them, also those an incremental build left as they were). */
  readonly paths: readonly string[];
  /** The authors' reports, by post key, as the pipeline leaves them in `reports/`. */
  readonly reports: ReadonlyMap<string, PostReport>;
  /** The site-wide SEO summary (`reports/_site.json`). */
  readonly siteReport: unknown;
  /** This build's ingests: every post from scratch, only the changed ones incrementally. */
  readonly ingest: readonly IngestResult[];
  /** This build's publish runs (none when nothing changed since the last build). */
  readonly publishes: readonly PublishSummary[];
  /** Posts answered from the cache. */
  readonly cached: number;
  /**
   * Milliseconds per phase: `process` (ingest), `corpus`, `render`, `write` (from the publish summaries), `state`
   * (reading the last build's state and writing this one's).
   */
  readonly timings: Readonly<Record<string, number>>;
  /**
   * How the last build's state was used (see `planWarmBuild`): absent without a cache, an output folder or with
   * `now`; `full` with the reason when the build started from scratch.
   */
  readonly incremental?: WarmPlan;
  /** Why this build's state could not be kept (the next build starts from scratch). */
  readonly stateNotKept?: string;
}

/**
 * The whole site from a folder, in one process: the pipeline's own services — ingest for every file, in key order,
 * then one publish of everything — over in-memory stores instead of DynamoDB and S3 (posts are read where they are,
 * the site is written to `outDir`). Posts are parsed on worker threads with the same time budget as in AWS, and
 * cached by content hash when `cacheDir` is given. Nothing here decides anything: what it publishes is what the
 * Lambda functions publish from the same content.
 *
 * With `cacheDir` and `outDir` (and no `now`), the stores are kept between builds (local/build-state.ts), and a
 * build publishes only what changed since the last one, as the deployed pipeline does after an upload: the changed
 * files are ingested, the removed ones removed, and one publish decides them and re-ranks every related list (a
 * change moves the document frequencies). When the kept state cannot give the bytes a build from scratch gives,
 * `incremental` says why, and the build starts from scratch.
 */
export async function buildInProcess(options: InProcessBuildOptions): Promise<InProcessBuildResult> {
  let mark = performance.now();
  const keys = await listMarkdownFiles(options.contentDir);
  // When each file was first published (first commit, else modification time): what the uploaders put on objects.
  const firstPublished = await firstPublishedTimes(options.contentDir, keys);
  const cache = options.cacheDir === undefined ? undefined : await openProcessCache(options.cacheDir, options.config);
  const workers = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));

  let warm: { readonly location: BuildStateLocation; readonly head: BuildStateHead | undefined; readonly sources: Map<string, SourceFingerprint>; plan: WarmPlan; readonly startedAt: number } | undefined;
  if (options.cacheDir !== undefined && options.outDir !== undefined && options.now === undefined) {
    const location = await buildStateLocation(options.cacheDir, options.contentDir, options.outDir, options.config);
    const startedAt = Date.now();
    const head = await readBuildStateHead(location);
    const [sources, site] = await Promise.all([
      fingerprintSources(options.contentDir, keys, firstPublished, head), stampFiles(options.outDir, head?.site.keys() ?? []),
    ]);
    warm = { location, head, sources, plan: planWarmBuild(head, { sources, site, now: startedAt }), startedAt };
  }
  let stateMs = lap();
  if (warm?.plan.kind === 'unchanged') {
    const head = warm.head!;
    return {
      files: [], paths: [...head.site.keys()], reports: head.reports as ReadonlyMap<string, PostReport>, siteReport: head.siteReport,
      ingest: [], publishes: [], cached: 0, timings: { state: stateMs }, incremental: warm.plan,
    };
  }
  let stores: BuildStateStores | undefined;
  if (warm?.plan.kind === 'changes') {
    stores = await readBuildStateStores(warm.location, warm.head!);
    if (!stores) warm.plan = { kind: 'full', reason: 'the stores of the last build could not be read' };
  }
  // From here on the output folder changes: a state that describes it as it was must not outlive a failure.
  if (warm) await forgetBuildState(warm.location);
  stateMs += lap();

  let stateNotKept: string | undefined;
  const { ingestAndPublish } = await import('./in-process-engine.js');
  const input: EngineInput = {
    contentDir: options.contentDir, config: options.config, workers, keys, firstPublished,
    ...(options.outDir !== undefined && { outDir: options.outDir }), ...(options.now !== undefined && { now: options.now }),
    ...(cache && { cache }), ...(options.onIngest && { onIngest: options.onIngest }),
  };
  let built = await ingestAndPublish(warm?.plan.kind === 'changes' && stores ? { ...input, incremental: { plan: warm.plan, head: warm.head!, stores } } : input);
  if ('startOver' in built) {
    warm!.plan = { kind: 'full', reason: built.startOver };
    built = await ingestAndPublish(input);
  }
  if ('startOver' in built) throw new Error('unreachable: only an incremental build starts over');
  lap();
  if (warm) {
    const site = await stampFiles(options.outDir!, [...built.paths].sort());
    try {
      await writeBuildState(warm.location, {
        generation: (warm.plan.kind === 'changes' ? warm.head!.generation : 0) + 1, builtAt: warm.startedAt, sources: warm.sources, site,
        scheduled: built.state.scheduled, slugConflicts: built.state.slugConflicts, datedByFirstPublished: built.state.datedByFirstPublished,
        reports: built.reports, siteReport: built.siteReport,
      }, built.state.stores);
    } catch (error) {
      // The site is built; only the next build's head start is lost (a state too large to serialise, a full disk).
      stateNotKept = (error as Error).message;
    }
    stateMs += lap();
  }
  return {
    files: built.files, paths: built.paths, reports: built.reports, siteReport: built.siteReport, ingest: built.ingest, publishes: [built.publish],
    cached: built.cached, timings: { ...built.timings, state: stateMs }, ...(warm && { incremental: warm.plan }),
    ...(stateNotKept !== undefined && { stateNotKept }),
  };

  function lap(): number {
    const now = performance.now();
    const elapsed = Math.round(now - mark);
    mark = now;
    return elapsed;
  }
}
