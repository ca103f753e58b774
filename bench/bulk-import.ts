import { loadavg } from 'node:os';
import type { SiteConfig } from '../lambdas/core/types.js';
import { ContentUploader } from '../lambdas/local/content-files.js';
import { startEmbeddedStack } from '../lambdas/local/embedded-stack.js';
import type { Corpus } from './corpus.js';
import { StorageCounters, type CounterSnapshot } from './counters.js';

export interface BulkImport {
  readonly posts: number;
  readonly wallS: number;
  /** Upload loop alone (ContentUploader.sync); the pipeline works meanwhile. */
  readonly uploadS: number;
  readonly postsPerS: number;
  readonly ingested: Readonly<Record<string, number>>;
  readonly publishRuns: number;
  readonly livePosts: number;
  readonly deadLetters: number;
  readonly storage: CounterSnapshot;
  readonly load1: number;
}

/** Every post of the corpus uploaded to the embedded stack's source bucket, end to end until the site is settled. */
export async function bulkImport(corpus: Corpus, config: SiteConfig, log: (line: string) => void): Promise<BulkImport> {
  const ingested: Record<string, number> = {};
  let publishRuns = 0;
  let livePosts = 0;
  const stack = await startEmbeddedStack({
    config,
    onIngest: (result) => { ingested[result.action] = (ingested[result.action] ?? 0) + 1; },
    // Runs that published something (a request whose changes an earlier run took finds nothing to do).
    onPublish: (summary) => { if (summary.commits > 0) { publishRuns++; livePosts = summary.livePosts; } },
  });
  const counters = new StorageCounters();
  counters.attach(stack.s3, 's3');
  counters.attach(stack.dynamodb, 'dynamodb');
  const load1 = loadavg()[0]!;
  const started = performance.now();
  const done = () => Object.values(ingested).reduce((a, b) => a + b, 0);
  const progress = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    log(`bulk import: ${done()}/${corpus.posts} ingested, ${publishRuns} publish runs (${livePosts} live), `
      + `${seconds.toFixed(0)} s, ${(done() / seconds).toFixed(1)} posts/s`);
  }, 10_000);
  try {
    await new ContentUploader(stack.s3, stack.names.sourceBucket, stack.source.layout.postsPrefix, corpus.postsDir).sync();
    const uploadS = (performance.now() - started) / 1000;
    await stack.settled();
    const wallS = (performance.now() - started) / 1000;
    return {
      posts: corpus.posts, wallS, uploadS, postsPerS: corpus.posts / wallS, ingested, publishRuns, livePosts,
      deadLetters: stack.deadLetters.length, storage: counters.snapshot(), load1,
    };
  } finally {
    clearInterval(progress);
    await stack.close();
  }
}
