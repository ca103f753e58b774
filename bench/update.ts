import { PutObjectCommand } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import type { SiteConfig } from '../lambdas/core/types.js';
import { listMarkdownFiles } from '../lambdas/local/markdown-files.js';
import { startEmbeddedStack } from '../lambdas/local/embedded-stack.js';
import type { IngestResult } from '../lambdas/services/ingest.js';
import type { PublishSummary } from '../lambdas/services/publish.js';
import { editedPost, newPostText, type Corpus } from './corpus.js';
import { difference, StorageCounters, type CounterSnapshot } from './counters.js';
import { seedSite, type IndexWriteMode, type SeedStats } from './seed.js';

export interface UpdateRun {
  readonly sitePosts: number;
  readonly change: 'edit' | 'add';
  readonly key: string;
  readonly wallS: number;
  /** From the upload to ingest's publish request (its last step), and from there to the publish handler's summary. */
  readonly ingestS: number;
  readonly publishS: number;
  readonly ingestAction: string;
  readonly publish?: PublishSummary;
  /** Storage calls and bytes of the whole update (the author's one PutObject upload included). */
  readonly storage: CounterSnapshot;
  /** The part of `storage` made by the ingest step (upload included); the rest is publish. */
  readonly ingestStorage: CounterSnapshot;
  /** CPU of this process meanwhile: handlers and the embedded dynalite and s3rver, which run in-process. */
  readonly processCpuS: number;
  readonly load1: number;
}

export interface UpdateSize {
  readonly sitePosts: number;
  readonly seed?: SeedStats;
  readonly runs: readonly UpdateRun[];
  readonly error?: string;
}

/**
 * A site of `corpus.posts` posts seeded straight into the embedded stack, then: one unmeasured warm-up edit (the
 * parse workers start, as in a warm Lambda), one measured edit of a post (a paragraph rewritten) and one measured
 * new post, each uploaded with the SDK to the source bucket and followed until the stack is settled.
 */
/** Clear what the callbacks saw (a function, so the compiler does not narrow the fields to undefined for good). */
function forget(seen: Record<string, unknown>): void {
  for (const key of Object.keys(seen)) delete seen[key];
}

export async function measureUpdates(corpus: Corpus, config: SiteConfig, indexMode: IndexWriteMode, log: (line: string) => void): Promise<UpdateSize> {
  const seen: {
    ingested?: { at: number; result: IngestResult };
    /** When ingest asked for a publish (its last step): the split between the two handlers' time and calls. */
    handedOver?: { at: number; storage: CounterSnapshot };
    published?: { at: number; summary: PublishSummary };
  } = {};
  const counters = new StorageCounters();
  const stack = await startEmbeddedStack({
    config,
    onIngest: (result) => { seen.ingested = { at: performance.now(), result }; },
    onPublish: (summary) => { seen.published = { at: performance.now(), summary }; },
  });
  counters.attach(stack.s3, 's3');
  counters.attach(stack.dynamodb, 'dynamodb');
  const send = stack.publishQueue.send.bind(stack.publishQueue);
  stack.publishQueue.send = (body: string, deduplicationId?: string) => {
    seen.handedOver ??= { at: performance.now(), storage: counters.snapshot() };
    send(body, deduplicationId);
  };
  let seed: SeedStats | undefined;
  try {
    log(`update: seeding a site of ${corpus.posts} posts`);
    seed = await seedSite(stack, corpus.postsDir, config, indexMode, log);
    log(`update: seeded ${corpus.posts} posts in ${seed.totalS.toFixed(1)} s (${Object.entries(seed.phasesS).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')})`);
    const keys = await listMarkdownFiles(corpus.postsDir);
    const upload = async (key: string, body: string) => {
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: `posts/${key}`, Body: body, ContentType: 'text/markdown; charset=utf-8' }));
    };
    const measure = async (change: UpdateRun['change'], key: string, body: string): Promise<UpdateRun> => {
      forget(seen);
      const load1 = loadavg()[0]!;
      const before = counters.snapshot();
      const cpu = process.cpuUsage();
      const started = performance.now();
      await upload(key, body);
      await stack.settled();
      const ended = performance.now();
      const used = process.cpuUsage(cpu);
      if (stack.deadLetters.length > 0) throw new Error(`dead letter during the update: ${stack.deadLetters.at(-1)!.reason}`);
      const { ingested, handedOver, published } = seen;
      if (!ingested) throw new Error(`the upload of ${key} was not ingested`);
      const ingestEnd = handedOver?.at ?? ingested.at;
      return {
        sitePosts: corpus.posts, change, key, wallS: (ended - started) / 1000,
        ingestS: (ingestEnd - started) / 1000, publishS: ((published?.at ?? ingestEnd) - ingestEnd) / 1000,
        ingestAction: ingested.result.action, ...(published && { publish: published.summary }),
        storage: difference(counters.snapshot(), before), ingestStorage: difference(handedOver?.storage ?? counters.snapshot(), before),
        processCpuS: (used.user + used.system) / 1e6, load1,
      };
    };
    const warmUp = keys[Math.floor(keys.length / 3)]!;
    log(`update: ${corpus.posts} posts, warm-up edit of ${warmUp} (unmeasured)`);
    await measure('edit', warmUp, await editedPost(join(corpus.postsDir, warmUp)));
    const edited = keys[Math.floor(keys.length / 2)]!;
    log(`update: ${corpus.posts} posts, edit of ${edited}`);
    const edit = await measure('edit', edited, await editedPost(join(corpus.postsDir, edited)));
    log(`update: ${corpus.posts} posts, new post`);
    const add = await measure('add', 'bench-new-post.md', newPostText());
    return { sitePosts: corpus.posts, seed, runs: [edit, add] };
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    log(`update: ${corpus.posts} posts failed: ${message}`);
    return { sitePosts: corpus.posts, ...(seed && { seed }), runs: [], error: message };
  } finally {
    await stack.close();
  }
}
