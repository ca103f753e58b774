import { loadavg } from 'node:os';
import type { SiteConfig } from '../lambdas/core/types.js';
import { ContentUploader } from '../lambdas/local/content-files.js';
import { DEPLOYED_COALESCE } from '../lambdas/contract.js';
import { startEmbeddedStack } from '../lambdas/local/embedded-stack.js';
import type { Corpus } from './corpus.js';
import { StorageCounters, type CounterSnapshot } from './counters.js';
import { timeBuild, type BuildRun } from './full-build.js';

export interface BulkImport {
  readonly posts: number;
  /** Through the emulated AWS stack: upload to settled, then the final related-lists pass (`npm run build -- --emulated`). */
  readonly wallS: number;
  /** Upload loop alone (ContentUploader.sync); the pipeline works meanwhile. */
  readonly uploadS: number;
  readonly postsPerS: number;
  readonly ingested: Readonly<Record<string, number>>;
  /** Publish handler invocations (one per SQS batch of requests). */
  readonly publishRequests: number;
  /** Of those, the runs that published something (a request whose changes a run already published finds nothing to do). */
  readonly publishRuns: number;
  /** Commits of those runs. */
  readonly commits: number;
  /** Posts decided by the publisher in all (the changed posts, and those their change affected, counted again for each run). */
  readonly recomputed: number;
  readonly livePosts: number;
  readonly deadLetters: number;
  readonly storage: CounterSnapshot;
  /** The in-process build of the same posts, cold, in a child process of this run (`npm run build -- --no-cache`). */
  readonly inProcess: BuildRun;
  readonly load1: number;
}

/**
 * Every post of the corpus uploaded to the embedded stack's source bucket and followed through the event pipeline
 * until the site is settled, then the related-lists refresh `npm run build -- --emulated` ends with; side by side
 * with the in-process build of the same posts, in the same run (`coldBuild`: the one the full-build section made).
 */
export async function bulkImport(
  root: string, corpus: Corpus, config: SiteConfig, log: (line: string) => void, coldBuild?: BuildRun,
): Promise<BulkImport> {
  // The full-build section's cold run of this corpus, when this run made one: the same command on the same posts.
  const inProcess = coldBuild ?? await (async () => {
    log(`bulk import: in-process build of the same ${corpus.posts} posts (cold)`);
    return timeBuild(root, corpus, 'cold', log);
  })();
  const ingested: Record<string, number> = {};
  let publishRequests = 0;
  let publishRuns = 0;
  let commits = 0;
  let recomputed = 0;
  let livePosts = 0;
  const stack = await startEmbeddedStack({
    config,
    // As `npm run build -- --emulated`: the deployed publisher's wait for a burst (an upload of many posts) to end.
    coalesce: DEPLOYED_COALESCE,
    onIngest: (result) => { ingested[result.action] = (ingested[result.action] ?? 0) + 1; },
    onPublish: (summary) => {
      publishRequests++;
      if (summary.commits === 0) return;
      publishRuns++;
      commits += summary.commits;
      recomputed += summary.recomputed;
      livePosts = summary.livePosts;
    },
  });
  const counters = new StorageCounters();
  counters.attach(stack.s3, 's3');
  counters.attach(stack.dynamodb, 'dynamodb');
  const load1 = loadavg()[0]!;
  const started = performance.now();
  const done = () => Object.values(ingested).reduce((a, b) => a + b, 0);
  const progress = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    log(`bulk import: ${done()}/${corpus.posts} ingested, ${publishRuns} publish runs (${commits} commits, ${livePosts} live), `
      + `${seconds.toFixed(0)} s, ${(done() / seconds).toFixed(1)} posts/s`);
  }, 10_000);
  try {
    await new ContentUploader(stack.s3, stack.names.sourceBucket, stack.source.postsPrefix, corpus.postsDir).sync();
    const uploadS = (performance.now() - started) / 1000;
    await stack.settled();
    stack.publishQueue.send(JSON.stringify({ refreshRelated: true }), 'bench-final-pass');
    await stack.settled();
    const wallS = (performance.now() - started) / 1000;
    return {
      posts: corpus.posts, wallS, uploadS, postsPerS: corpus.posts / wallS, ingested, publishRequests, publishRuns, commits, recomputed, livePosts,
      deadLetters: stack.deadLetters.length, storage: counters.snapshot(), inProcess, load1,
    };
  } finally {
    clearInterval(progress);
    await stack.close();
  }
}
