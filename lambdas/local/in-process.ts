import { availableParallelism } from 'node:os';
import type { SiteConfig, SiteFile } from '../core/types.js';
import type { FirstPublished } from '../model/records.js';
import type { IngestResult } from '../services/ingest.js';
import type { PublishSummary } from '../services/publish.js';
import type { PostReport } from '../services/report.js';
import {
  buildStateLocation, fingerprintSources, forgetBuildState, planWarmBuild, readBuildState, stampFiles, writeBuildState, type BuildStateLocation,
  type SourceFingerprint, type WarmPlan,
} from './build-state.js';
import { firstPublishedTimes } from './first-published.js';
import { listMarkdownFiles } from './markdown-files.js';
import { openProcessCache } from './process-cache.js';
import { bundlePostWorker } from './worker-bundle.js';

export interface InProcessBuildOptions {
  readonly contentDir: string;
  readonly config: SiteConfig;
  /** Where processed posts are cached by content hash, so an unchanged post is not parsed again. Absent: no cache. */
  readonly cacheDir?: string;
  /** Worker threads for parsing and rendering. @default min(2, cores) */
  readonly workers?: number;
  /** The folder's posts as `listContentFolder` lists them, when the caller has listed it already. @default listed here */
  readonly posts?: readonly string[];
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
  /** Site-relative paths of the site's files (also when they were already there: see `incremental`). */
  readonly paths: readonly string[];
  /** How many of `paths` `outDir` already held with the same bytes, and were not written again. */
  readonly unchangedFiles: number;
  /** The authors' reports, by post key, as the pipeline leaves them in `reports/`. */
  readonly reports: ReadonlyMap<string, PostReport>;
  /** The site-wide SEO summary (`reports/_site.json`). */
  readonly siteReport: unknown;
  /** Every post's ingest (none when the output folder was already the site). */
  readonly ingest: readonly IngestResult[];
  /** The publish run (absent when the output folder was already the site). */
  readonly publish?: PublishSummary;
  /** Posts answered from the cache. */
  readonly cached: number;
  /**
   * Milliseconds per phase: `process` (ingest), `corpus`, `render`, `write` (from the publish summary), `state`
   * (checking the last build's state and writing this one's).
   */
  readonly timings: Readonly<Record<string, number>>;
  /**
   * With a cache and an output folder (and no `now`): whether the output folder was already what this build would
   * write (`unchanged`: nothing was built), or why it was built from scratch (see `planWarmBuild`).
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
 * With `cacheDir` and `outDir` (and no `now`), a build whose every input is as it was at the last build, and whose
 * output folder is as that build left it, builds nothing: the folder is the site already, and the reports are the
 * last build's (local/build-state.ts; `incremental` says which way it went, and why).
 */
export async function buildInProcess(options: InProcessBuildOptions): Promise<InProcessBuildResult> {
  let mark = performance.now();
  const keys = options.posts ?? await listMarkdownFiles(options.contentDir);
  // When each file was first published (first commit, else modification time): what the uploaders put on objects.
  let firstPublished: Map<string, FirstPublished> | undefined;
  const cache = options.cacheDir === undefined ? undefined : await openProcessCache(options.cacheDir, options.config);
  const workers = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));

  let warm: { readonly location: BuildStateLocation; readonly sources: Map<string, SourceFingerprint>; readonly plan: WarmPlan; readonly startedAt: number } | undefined;
  if (options.cacheDir !== undefined && options.outDir !== undefined && options.now === undefined) {
    const location = await buildStateLocation(options.cacheDir, options.contentDir, options.outDir, options.config);
    const startedAt = Date.now();
    const state = await readBuildState(location);
    const [files, site] = await Promise.all([fingerprintSources(options.contentDir, keys, state), stampFiles(options.outDir, state?.site.keys() ?? [])]);
    // The stats just taken give the modification times: each file is stat'ed once.
    firstPublished = await firstPublishedTimes(options.contentDir, keys, new Map([...files].map(([key, file]) => [key, file.stat.mtimeMs])));
    const sources = new Map([...files].map(([key, file]) => [key, { ...file, firstPublished: firstPublished!.get(key)! }]));
    const plan = planWarmBuild(state, { sources, site, now: startedAt });
    if (plan.kind === 'unchanged') {
      return {
        files: [], paths: [...state!.site.keys()], unchangedFiles: state!.site.size, reports: state!.reports as ReadonlyMap<string, PostReport>, siteReport: state!.siteReport,
        ingest: [], cached: 0, timings: { state: lap() }, incremental: plan,
      };
    }
    // The output folder is about to change: a state that describes it as it was must not outlive a failure.
    await forgetBuildState(location);
    warm = { location, sources, plan, startedAt };
  }
  // Posts may need parsing from here on: the workers' bundle is made while the engine's modules load (the two
  // take about as long). A bundle that cannot be made leaves the workers to start from source, only slower.
  const workerModule = bundlePostWorker().catch(() => undefined);
  firstPublished ??= await firstPublishedTimes(options.contentDir, keys);
  let stateMs = lap();

  const { ingestAndPublish } = await import('./in-process-engine.js');
  const bundled = await workerModule;
  const built = await ingestAndPublish({
    contentDir: options.contentDir, config: options.config, workers, keys, firstPublished, ...(bundled && { workerModule: bundled }),
    ...(options.outDir !== undefined && { outDir: options.outDir }), ...(options.now !== undefined && { now: options.now }),
    ...(cache && { cache }), ...(options.onIngest && { onIngest: options.onIngest }),
  });
  lap();
  let stateNotKept: string | undefined;
  if (warm) {
    try {
      const site = await stampFiles(options.outDir!, [...built.paths].sort());
      await writeBuildState(warm.location, {
        builtAt: warm.startedAt, sources: warm.sources, site, scheduled: built.scheduled, datedByFirstPublished: built.datedByFirstPublished,
        reports: built.reports, siteReport: built.siteReport,
      });
    } catch (error) {
      // The site is built; only the next build's shortcut is lost.
      stateNotKept = (error as Error).message;
    }
    stateMs += lap();
  }
  return {
    files: built.files, paths: built.paths, unchangedFiles: built.unchangedFiles, reports: built.reports, siteReport: built.siteReport, ingest: built.ingest, publish: built.publish,
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
