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
import { seedSite, type SeedStats } from './seed.js';

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
  /** The edit and the new post whose wall time is the median of their repetitions (all figures from that run). */
  readonly runs: readonly UpdateRun[];
  /** Wall time, s, of every repetition of each change, in the order they ran (a single update varies a lot here). */
  readonly repetitions?: Readonly<Record<UpdateRun['change'], readonly number[]>>;
  readonly error?: string;
}

/**
 * A site of `corpus.posts` posts seeded straight into the embedded stack, then: one unmeasured warm-up edit (the
 * parse workers start, as in a warm Lambda), then `repeats` times a measured edit of a post (a paragraph rewritten,
 * another post each time) and a measured new post (another one each time), each uploaded with the SDK to the source
 * bucket and followed until the stack is settled. The run of median wall time stands for each change.
 */
/** Clear what the callbacks saw (a function, so the compiler does not narrow the fields to undefined for good). */
function forget(seen: Record<string, unknown>): void {
  for (const key of Object.keys(seen)) delete seen[key];
}

export async function measureUpdates(
  corpus: Corpus, config: SiteConfig, log: (line: string) => void, repeats = 1,
): Promise<UpdateSize> {
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
    seed = await seedSite(stack, corpus.postsDir, config, log);
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
    const edits: UpdateRun[] = [];
    const adds: UpdateRun[] = [];
    for (let i = 0; i < repeats; i++) {
      const edited = keys[(Math.floor(keys.length / 2) + i) % keys.length]!;
      log(`update: ${corpus.posts} posts, edit of ${edited}`);
      edits.push(await measure('edit', edited, await editedPost(join(corpus.postsDir, edited))));
      log(`update: ${corpus.posts} posts, new post${repeats > 1 ? ` ${i + 1} of ${repeats}` : ''}`);
      adds.push(await measure('add', i === 0 ? 'bench-new-post.md' : `bench-new-post-${i + 1}.md`, newPostText(i)));
    }
    return {
      sitePosts: corpus.posts, seed, runs: [medianRun(edits), medianRun(adds)],
      repetitions: { edit: edits.map((run) => run.wallS), add: adds.map((run) => run.wallS) },
    };
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    log(`update: ${corpus.posts} posts failed: ${message}`);
    return { sitePosts: corpus.posts, ...(seed && { seed }), runs: [], error: message };
  } finally {
    await stack.close();
  }
}

/** The run of median wall time (the lower middle one of an even count). */
function medianRun(runs: readonly UpdateRun[]): UpdateRun {
  const sorted = [...runs].sort((a, b) => a.wallS - b.wallS);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
