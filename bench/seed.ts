import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { IndexRepository, type Posting, type PostingChanges } from '../lambdas/adapters/index-repository.js';
import { POSTS_TABLE_SCHEMA } from '../lambdas/contract.js';
import { forEachLimited } from '../lambdas/core/limited.js';
import { DEFAULT_MAX_BUCKET_MEMBERS } from '../lambdas/core/limits.js';
import { composePostPage, contentFor, viewedPost } from '../lambdas/core/post-view.js';
import { sortNewestFirst } from '../lambdas/core/site/order.js';
import { globalFiles } from '../lambdas/core/site/site.js';
import type { TermVector } from '../lambdas/core/terms.js';
import type { PublishedPost, SiteConfig } from '../lambdas/core/types.js';
import { normaliseSequencer } from '../lambdas/handlers/s3-events.js';
import { listMarkdownFiles } from '../lambdas/local/markdown-files.js';
import { loadRecords } from '../lambdas/local/direct-build.js';
import type { ProcessedPost } from '../lambdas/local/direct-build-worker.js';
import type { EmbeddedStack } from '../lambdas/local/embedded-stack.js';
import { MemoryCorpusStore } from '../lambdas/local/memory-corpus-store.js';
import { buildCorpus } from '../lambdas/services/corpus.js';
import { seedShareInWorker } from './seed-worker.js';

/**
 * Put a whole site into the embedded stack without running the event pipeline post by post (far too slow for
 * 10,000 posts): the posts are processed with the in-process engine's pieces (processPost on worker threads,
 * `buildCorpus` over a MemoryCorpusStore, the site renderer), and the resulting state is written into dynalite
 * and s3rver through the real adapters: `PostsRepository.putBody/claimSlug/putRecord/putView/putTermVector/
 * putSiteState`, `SiteStore.put` for every site file and, for the corpus indexes, either
 * `IndexRepository.replacePostings` post by post (`repository`) or, when that is too slow, every bucket item
 * written once with BatchWriteItem in the key shapes of lambdas/adapters/index-repository.ts (`batch`).
 *
 * Not seeded: copies of the posts in the source bucket (an upload would fire the pipeline; publish never reads
 * sources) and the authors' reports. Records carry the lowest sequencer, so any later S3 event is newer.
 */
export type IndexWriteMode = 'repository' | 'batch';

export interface SeedStats {
  readonly posts: number;
  readonly live: number;
  readonly indexMode: IndexWriteMode;
  readonly buckets: number;
  readonly siteFiles: number;
  /** Seconds per phase: process (+ putBody), corpus (in memory), write (DynamoDB items), site (S3 files). */
  readonly phasesS: Readonly<Record<string, number>>;
  readonly totalS: number;
}

/** The lowest sequencer, in the record's normalised form: every S3 event after seeding is newer. */
export const SEED_SEQUENCER = normaliseSequencer('1');

/** A MemoryCorpusStore that remembers the final postings of each owner and the final term vectors, to write them out. */
class RecordingCorpusStore extends MemoryCorpusStore {
  readonly postingsByOwner = new Map<string, readonly Posting[]>();
  readonly finalVectors = new Map<string, TermVector>();

  override async replacePostings(postKey: string, next: readonly Posting[]): Promise<PostingChanges> {
    this.postingsByOwner.set(postKey, next);
    return super.replacePostings(postKey, next);
  }

  override async putTermVector(key: string, vector: TermVector | undefined): Promise<void> {
    if (vector) this.finalVectors.set(key, vector);
    else this.finalVectors.delete(key);
    return super.putTermVector(key, vector);
  }
}

export async function seedSite(
  stack: EmbeddedStack, contentDir: string, config: SiteConfig, indexMode: IndexWriteMode, log: (line: string) => void,
): Promise<SeedStats> {
  const phasesS: Record<string, number> = {};
  const started = performance.now();
  let mark = started;
  const lap = (name: string) => { const now = performance.now(); phasesS[name] = (now - mark) / 1000; mark = now; };

  // 1. processPost on two worker threads; each stores its posts' bodies (PostsRepository.putBody).
  const keys = await listMarkdownFiles(contentDir);
  const endpoint = await stack.dynamodb.config.endpoint!();
  const endpointUrl = `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}${endpoint.path}`;
  const shares = 2;
  const done = new Array<number>(shares).fill(0);
  let reported = 0;
  const results = await Promise.all(Array.from({ length: shares }, (_, share) => seedShareInWorker({
    contentDir, keys: keys.filter((_, i) => i % shares === share), config, endpoint: endpointUrl, tableName: stack.names.postsTable, seq: SEED_SEQUENCER,
  }, (count) => {
    done[share] = count;
    const total = done.reduce((a, b) => a + b, 0);
    if (total - reported >= 2000) { reported = total; log(`seed ${keys.length}: ${total} posts processed`); }
  })));
  const processed = new Map(results.flat());
  lap('process');

  // 2. Records as ingest writes them (slugs claimed in key order), then the whole-site corpus pass.
  const store = new RecordingCorpusStore();
  loadRecords(keys, processed, SEED_SEQUENCER, store);
  const liveKeys = keys.filter((key) => store.records.get(key)!.live);
  const published = (key: string) => (processed.get(key) as Extract<ProcessedPost, { status: 'published' }>).post;
  const byDate = sortNewestFirst(liveKeys.map(published)).toReversed().map((post) => post.key);
  log(`seed ${keys.length}: corpus pass over ${liveKeys.length} live posts`);
  await buildCorpus(byDate, config, store);
  lap('corpus');

  // 3. DynamoDB: slug claims, records, views, term vectors, index.
  const { repo } = stack;
  log(`seed ${keys.length}: writing records, views, term vectors and the index (${indexMode})`);
  await forEachLimited(liveKeys, 16, async (key) => { await repo.claimSlug(store.records.get(key)!.live!.slug, key); });
  await forEachLimited(keys, 16, async (key) => {
    const { view, ...record } = store.records.get(key)!;
    await repo.putRecord(record);
    if (view) await repo.putView(key, record.seq, view);
  });
  await forEachLimited([...store.finalVectors], 16, async ([key, vector]) => repo.putTermVector(key, vector));
  const owners = [...store.postingsByOwner].sort(([a], [b]) => a.localeCompare(b));
  let buckets: number;
  if (indexMode === 'repository') {
    // One writer at a time, as the publisher (replacePostings is a read-modify-write of shared bucket items).
    const index = new IndexRepository(stack.dynamodb, stack.names.postsTable);
    for (const [i, [owner, postings]] of owners.entries()) {
      await index.replacePostings(owner, postings);
      if ((i + 1) % 2000 === 0) log(`seed ${keys.length}: index ${i + 1}/${owners.length} owners`);
    }
    buckets = new Set(owners.flatMap(([, postings]) => postings.map((p) => p.bucket))).size;
  } else {
    buckets = await writeIndexInBatches(stack.dynamodb, stack.names.postsTable, owners);
  }
  lap('write');

  // 4. The site bucket: every post page and every listing file, as the publisher would have written them.
  const posts = new Map(liveKeys.map((key) => [key, viewedPost(published(key), store.records.get(key)!.view)] as const));
  const needsBody = liveKeys.filter((key) => (store.records.get(key)!.view?.sectionActions.length ?? 0) > 0);
  const bodies = await repo.getBodies(needsBody.map((key) => ({ key, contentHash: published(key).contentHash })));
  const bodyFor = (key: string) => () => bodies.get(key)!;
  const listed = sortNewestFirst([...posts.values()]);
  const withHtml = (post: PublishedPost) => ({ ...post, contentHtml: published(post.key).contentHtml });
  await forEachLimited(listed, 16, (post) => stack.site.put(composePostPage(withHtml(post), bodyFor(post.key), store.records.get(post.key)!.view, posts, config)));
  const shared = globalFiles(listed.map((post) => ({ ...post, contentHtml: contentFor(withHtml(post), store.records.get(post.key)!.view, bodyFor(post.key)) })), config);
  await forEachLimited(shared, 16, (file) => stack.site.put(file));
  await repo.putSiteState({ sharedPaths: shared.map((file) => file.path).sort() });
  lap('site');

  return {
    posts: keys.length, live: liveKeys.length, indexMode, buckets, siteFiles: listed.length + shared.length,
    phasesS, totalS: (performance.now() - started) / 1000,
  };
}

// Key shapes of lambdas/adapters/index-repository.ts: one item per bucket, one INDEXED item per owner.
const { partitionKey: PK, sortKey: SK } = POSTS_TABLE_SCHEMA;
const entryId = (p: { bucket: string; sortKey: string }) => `${p.bucket}\u0000${p.sortKey}`;
const hashData = (data: Record<string, unknown>) => createHash('sha1').update(JSON.stringify(data)).digest('base64url').slice(0, 16);

/**
 * The final index state written once: each bucket item with its first `DEFAULT_MAX_BUCKET_MEMBERS` members in
 * sort-key order (what the in-memory store answers with), and each owner's INDEXED item, 25 items per
 * BatchWriteItem. Returns the number of buckets.
 */
async function writeIndexInBatches(client: DynamoDBClient, tableName: string, owners: readonly (readonly [string, readonly Posting[]])[]): Promise<number> {
  const buckets = new Map<string, Map<string, { postKey: string; data: Record<string, unknown> }>>();
  const items: Record<string, unknown>[] = [];
  for (const [owner, postings] of owners) {
    const unique = new Map(postings.map((p) => [entryId(p), p]));
    for (const p of unique.values()) {
      let members = buckets.get(p.bucket);
      if (!members) buckets.set(p.bucket, members = new Map());
      members.set(p.sortKey, { postKey: p.postKey, data: p.data });
    }
    items.push({ [PK]: `POST#${owner}`, [SK]: 'INDEXED', entries: [...unique.values()].map((p) => ({ bucket: p.bucket, sortKey: p.sortKey, dataHash: hashData(p.data) })) });
  }
  for (const [bucket, members] of buckets) {
    const kept = [...members.keys()].sort().slice(0, DEFAULT_MAX_BUCKET_MEMBERS);
    // `n`, the member count, is what document frequencies read (IndexRepository.count): the same item shape as
    // IndexRepository writes, or every term would count as unseen and every update would look like a big ripple.
    if (kept.length > 0) items.push({ [PK]: `IX#${bucket}`, [SK]: 'B', n: kept.length, members: Object.fromEntries(kept.map((key) => [key, members.get(key)!])) });
  }
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < items.length; i += 25) {
    batches.push(items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } })));
  }
  await forEachLimited(batches, 8, async (batch) => {
    let pending = batch;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= 8) throw new Error('BatchWriteItem: unprocessed items after 8 rounds');
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = out.UnprocessedItems?.[tableName] ?? [];
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** round));
    }
  });
  return buckets.size;
}

