import { FsSourceStore } from '../lambdas/adapters/files.js';
import type { SiteConfig } from '../lambdas/core/types.js';
import { normaliseSequencer, type ObjectChange } from '../lambdas/handlers/s3-events.js';
import type { EmbeddedStack } from '../lambdas/local/embedded-stack.js';
import { listMarkdownFiles } from '../lambdas/local/markdown-files.js';
import { ingestChanges } from '../lambdas/services/ingest.js';
import { publishChanges } from '../lambdas/services/publish.js';

/**
 * Put a whole site into the embedded stack without the event pipeline's queues (far too slow for 10,000 posts
 * with one publish per few posts): the pipeline's own services, called directly on the stack's DynamoDB and S3
 * adapters — ingest of every file in key order (read from the folder, so no upload event fires), then one publish
 * of everything, the corpus step in bulk. The same code the Lambda functions run; only the driver differs.
 * Not seeded: copies of the posts in the source bucket (the publisher never reads sources).
 */
export interface SeedStats {
  readonly posts: number;
  readonly live: number;
  readonly siteFiles: number;
  /** Seconds per phase: ingest (processing + records), publish (corpus step, render, writes). */
  readonly phasesS: Readonly<Record<string, number>>;
  readonly totalS: number;
}

/** The lowest sequencer, in the record's normalised form: every S3 event after seeding is newer. */
export const SEED_SEQUENCER = normaliseSequencer('1');

export async function seedSite(stack: EmbeddedStack, contentDir: string, config: SiteConfig, log: (line: string) => void): Promise<SeedStats> {
  const started = performance.now();
  const keys = await listMarkdownFiles(contentDir);
  const source = new FsSourceStore(contentDir);
  const uploads = keys.map((key): ObjectChange => ({ kind: 'created', bucket: stack.names.sourceBucket, objectKey: `${source.postsPrefix}${key}`, sequencer: SEED_SEQUENCER }));
  let done = 0;
  await ingestChanges(uploads, { ...stack.ingestDeps, config, source, publisher: { request: async () => {} } }, 8, () => {
    if (++done % 2000 === 0) log(`seed ${keys.length}: ${done} posts ingested`);
  });
  const ingestS = (performance.now() - started) / 1000;
  log(`seed ${keys.length}: publishing`);
  const summary = await publishChanges({ ...stack.publishDeps(), config, maxPostsPerCommit: Number.POSITIVE_INFINITY, coalesce: { quietMs: 0, maxWaitMs: 0 } });
  const totalS = (performance.now() - started) / 1000;
  return { posts: keys.length, live: summary.livePosts, siteFiles: summary.written, phasesS: { ingest: ingestS, publish: totalS - ingestS }, totalS };
}
