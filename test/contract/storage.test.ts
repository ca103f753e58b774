/**
 * One contract, two adapter sets: every port the services use, run against DynamoDB and S3 (dynalite and s3rver
 * through the real SDK clients) and against the memory adapters of the in-process build. What one set answers,
 * the other must answer exactly (`toEqual` on the same inputs, JSON key order included where the services compare
 * JSON), so the services decide and publish alike whichever they were given.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsSourceStore } from '../../lambdas/adapters/files.js';
import {
  MemoryChangeLog, MemoryIndexStore, MemoryPostStore, MemoryPublishedStore,
} from '../../lambdas/adapters/memory.js';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { StaleEventError } from '../../lambdas/core/errors.js';
import type { PostView } from '../../lambdas/core/post-view.js';
import { extractTerms, type TermVector } from '../../lambdas/core/terms.js';
import { startEmbeddedStack, type EmbeddedStack } from '../../lambdas/local/embedded-stack.js';
import { listedPost, type ListedPost, type PostRecord, type PublishedState } from '../../lambdas/model/records.js';
import { CorpusSession } from '../../lambdas/services/corpus-session.js';
import type { ChangeLog, IndexStore, PostStore, Posting, PublishedStore, SourceStore, StoredEntry } from '../../lambdas/services/ports.js';
import { processForStorage } from '../../lambdas/services/process.js';
import { seedPosts, topicCorpus } from '../related/fixtures.js';
import { prng } from '../support/prng.js';

interface Adapters {
  readonly posts: PostStore;
  readonly changes: ChangeLog;
  readonly index: IndexStore;
  /** A fresh published store each call (a new container: nothing remembered). */
  published(): PublishedStore;
  readonly source: SourceStore;
  /** Put a source file (key under the posts prefix). */
  putSource(key: string, bytes: Uint8Array): Promise<void>;
}

const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com' });
let stack: EmbeddedStack;
let contentDir: string;
const memoryPublished = new MemoryPublishedStore();
const sets: Record<'dynamodb+s3' | 'memory', () => Adapters> = {
  'dynamodb+s3': () => ({
    posts: stack.posts, changes: stack.changes, index: stack.publishDeps().index, source: stack.source,
    published: () => { stack.coldStartPublisher(); return stack.published; },
    async putSource(key, bytes) {
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: `posts/${key}`, Body: bytes }));
    },
  }),
  memory: (() => {
    let adapters: Adapters | undefined;
    return () => adapters ??= {
      posts: new MemoryPostStore(), changes: new MemoryChangeLog(), index: new MemoryIndexStore(), source: new FsSourceStore(contentDir),
      published: () => memoryPublished,
      async putSource(key, bytes) {
        await mkdir(join(contentDir, key, '..'), { recursive: true });
        await writeFile(join(contentDir, key), bytes);
      },
    };
  })(),
};

beforeAll(async () => {
  stack = await startEmbeddedStack({ config });
  // The stores are driven directly here: an upload's S3 event is not ingested.
  stack.ingestQueue.send = () => {};
  contentDir = await mkdtemp(join(tmpdir(), 'contract-'));
});
afterAll(async () => { await stack?.close(); });

const text = (s: string) => new TextEncoder().encode(s);
const seq = (n: number) => String(n).padStart(32, '0');

/** A record as ingest makes it, from a real post. */
function recordOf(key: string, markdown: string, n: number): { record: PostRecord; body: ReturnType<typeof processForStorage> } {
  const body = processForStorage({ key, bytes: text(markdown) }, config);
  if (body.status !== 'published') throw new Error(`${key} did not publish`);
  const { contentHtml: _html, ...live } = body.post;
  return { record: { key, seq: seq(n), state: 'published', messages: body.messages, live }, body };
}

const view = (related: PostView['related']): PostView => ({
  description: 'A description', summary: 'A summary', sectionActions: [], decisions: [], related, faqFingerprints: ['f1'], boilerplateBlocks: 2,
});

describe.each(Object.keys(sets) as (keyof typeof sets)[])('storage contract: %s', (name) => {
  const a = () => sets[name]();
  const prefix = `${name}/`;

  it('records: the newest event wins, an older or equal one is stale; a new record drops the old view', async () => {
    const { posts } = a();
    const { record } = recordOf(`${prefix}r.md`, '---\ntitle: Record\ndate: 2024-02-03\ntags: [a, b]\n---\n\nSome *text* here.\n', 5);
    await posts.putRecord(record);
    expect(await posts.getRecord(record.key)).toEqual(record);
    await expect(posts.putRecord({ ...record, state: 'draft' })).rejects.toBeInstanceOf(StaleEventError);
    await expect(posts.putRecord({ ...record, seq: seq(4) })).rejects.toBeInstanceOf(StaleEventError);
    expect(await posts.putView(record.key, record.seq, view([]))).toBe(true);
    expect(await posts.putView(record.key, seq(9), view([]))).toBe(false);
    expect((await posts.getRecords([record.key, `${prefix}none.md`])).get(record.key)).toEqual({ ...record, view: view([]) });
    const newer = { ...record, seq: seq(6), messages: [] };
    await posts.putRecord(newer);
    expect(await posts.getRecord(record.key)).toEqual(newer);
    expect((await posts.getRecords([`${prefix}none.md`])).size).toBe(0);
  });

  it('lists the live posts newest first (undated last, then by key), with the listing fields and the listing view', async () => {
    const { posts } = a();
    const dated = (k: string, date: string | undefined, n: number) => recordOf(`${prefix}list/${k}.md`, `---\ntitle: ${k}\n${date ? `date: ${date}\n` : ''}tags: [x]\nfaq:\n  - question: Why?\n    answer: Because.\n---\n\nText of ${k}.\n`, n).record;
    const records = [dated('b', '2024-03-01', 1), dated('a', '2024-03-01', 1), dated('c', undefined, 1), dated('d', '2024-05-01', 1), dated('e', undefined, 1)];
    for (const record of records) await posts.putRecord(record);
    await posts.putRecord({ key: `${prefix}list/f.md`, seq: seq(1), state: 'draft', messages: [] });
    await posts.putView(records[0]!.key, records[0]!.seq, { ...view([]), canonicalUrl: 'https://blog.example.com/posts/x/' });
    const listed = (await posts.listLive()).filter((post) => post.key.startsWith(`${prefix}list/`));
    expect(listed.map((post) => post.key)).toEqual(['d', 'b', 'a', 'e', 'c'].map((k) => `${prefix}list/${k}.md`));
    const b = listed.find((post) => post.key.endsWith('/b.md'))!;
    expect(b).toEqual(listedPost(records[0]!.live!, records[0]!.messages, { ...view([]), canonicalUrl: 'https://blog.example.com/posts/x/' }));
    expect(JSON.stringify(b)).toBe(JSON.stringify(listedPost(records[0]!.live!, records[0]!.messages, { ...view([]), canonicalUrl: 'https://blog.example.com/posts/x/' })));
    expect('faq' in b).toBe(false);
  });

  it('candidate facts: live posts only, date and the first entries of the related list as ranking keys', async () => {
    const { posts } = a();
    const { record } = recordOf(`${prefix}cand.md`, '---\ntitle: Candidate\ndate: 2024-01-01\n---\n\nText.\n', 1);
    await posts.putRecord(record);
    const related = [1, 2, 3, 4].map((i) => ({ key: `k${i}.md`, score: 1 / (i + 0.3), ...(i % 2 === 0 && { date: `2024-0${i}-01T00:00:00.000Z` }), sharedTerms: [{ term: 't', word: 'w', weight: 0.5, contribution: 0.25 }], sharedTags: ['tag'] }));
    await posts.putView(record.key, record.seq, view(related));
    await posts.putRecord({ key: `${prefix}gone.md`, seq: seq(1), state: 'deleted', messages: [] });
    const facts = await posts.getCandidateFacts([record.key, `${prefix}gone.md`, `${prefix}never.md`], 3);
    expect([...facts.keys()]).toEqual([record.key]);
    expect(facts.get(record.key)).toEqual({ date: record.live!.date, related: related.slice(0, 3).map(({ key, score, date }) => ({ key, score, ...(date !== undefined && { date }) })) });
  });

  it('bodies: stored and read back exactly (a very long post too), deleted but for the kept one and newer ones', async () => {
    const { posts } = a();
    // Words that do not compress: a body too large for one DynamoDB item even gzip'd.
    const random = prng(11);
    const word = () => Math.floor(random() * 36 ** 6).toString(36);
    const long = `---\ntitle: Long\n---\n\n${Array.from({ length: 3000 }, (_, i) => `- item ${i}: ${Array.from({ length: 12 }, word).join(' ')}\n`).join('')}`;
    for (const [i, markdown] of ['---\ntitle: Short\n---\n\nA short *post*.\n\n## Section\n\nMore words here, and more.\n', long].entries()) {
      const key = `${prefix}body-${i}.md`;
      const { record, body } = recordOf(key, markdown, 3);
      if (body.status !== 'published') throw new Error('not published');
      await posts.putBody(key, record.live!.contentHash, body.body, record.seq);
      const ref = [{ key, contentHash: record.live!.contentHash }];
      expect((await posts.getStructures(ref)).get(key)).toEqual(body.body.structure);
      const page = (await posts.getPages(ref)).get(key)!;
      expect(page.html).toBe(body.body.html);
      expect(Buffer.from(page.tree).equals(Buffer.from(body.body.tree))).toBe(true);
      // An older body, a body written by a newer event: deleting all but the live one keeps the newer one.
      await posts.putBody(key, 'old-hash', body.body, seq(2));
      await posts.putBody(key, 'newer-hash', body.body, seq(4));
      if (i === 1 && name === 'dynamodb+s3') {
        const parts = await stack.dynamodb.send(new QueryCommand({
          TableName: stack.names.postsTable, KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `POST#${key}` } },
        }));
        expect(parts.Items!.filter((item) => item.sk!.S!.startsWith(`BODY#${record.live!.contentHash}`)).length, 'the body is split over items').toBeGreaterThan(1);
      }
      await posts.deleteBodies(key, record.live!.contentHash, seq(3));
      const has = async (hash: string) => (await posts.getPages([{ key, contentHash: hash }])).has(key);
      expect([await has(record.live!.contentHash), await has('old-hash'), await has('newer-hash')]).toEqual([true, false, true]);
    }
    expect(long.length).toBeGreaterThan(250_000);
  });

  it('slug claims: first claimant owns it; a takeover needs the current owner; only the owner releases it', async () => {
    const { posts } = a();
    const slug = `${name}-slug`;
    expect(await posts.claimSlug(slug, 'a.md')).toEqual({ owner: 'a.md' });
    expect(await posts.claimSlug(slug, 'a.md')).toEqual({ owner: 'a.md' });
    expect(await posts.claimSlug(slug, 'b.md')).toEqual({ owner: 'a.md' });
    expect(await posts.takeOverSlug(slug, 'b.md', 'c.md')).toBe(false);
    expect(await posts.takeOverSlug(slug, 'b.md', 'a.md')).toBe(true);
    await posts.releaseSlug(slug, 'a.md');
    expect(await posts.claimSlug(slug, 'c.md')).toEqual({ owner: 'b.md' });
    await posts.releaseSlug(slug, 'b.md');
    expect(await posts.claimSlug(slug, 'c.md')).toEqual({ owner: 'c.md' });
  });

  it('term vectors: read back exactly as computed, key order included; deleted', async () => {
    const { posts } = a();
    const vectors: [string, TermVector][] = [...seedPosts(), ...topicCorpus(2)].map((post) => [`${prefix}${post.key}`, extractTerms(post)]);
    vectors.push([`${prefix}empty.md`, extractTerms({ lang: 'en', title: '', text: '', tags: [] })]);
    vectors.push([`${prefix}ja.md`, extractTerms({ lang: 'ja', title: '東京の天気', text: '東京の天気は晴れです。', tags: ['天気'] })]);
    await posts.putTermVectors(new Map(vectors));
    const read = await posts.getTermVectors(vectors.map(([key]) => key));
    for (const [key, vector] of vectors) expect(JSON.stringify(read.get(key))).toBe(JSON.stringify(vector));
    await posts.putTermVectors(new Map([[vectors[0]![0], undefined]]));
    expect((await posts.getTermVectors([vectors[0]![0]])).has(vectors[0]![0])).toBe(false);
  });

  it('change log: every marking listed, clearing removes exactly the markings named', async () => {
    const { changes } = a();
    const key = (k: string) => `${prefix}${k}`;
    await changes.mark([
      { key: key('x.md'), token: 't1', reason: 'full', at: 1 },
      { key: key('x.md'), token: 't2', reason: 'related', at: 2 },
      { key: key('y.md'), token: 't1', reason: 'full', at: 3 },
    ]);
    await changes.mark([{ key: key('x.md'), token: 't1', reason: 'full', at: 1 }]);
    const mine = async () => (await changes.list()).filter((c) => c.key.startsWith(prefix))
      .sort((p, q) => (p.key + p.token < q.key + q.token ? -1 : 1));
    expect(await mine()).toEqual([
      { key: key('x.md'), token: 't1', reason: 'full', at: 1 },
      { key: key('x.md'), token: 't2', reason: 'related', at: 2 },
      { key: key('y.md'), token: 't1', reason: 'full', at: 3 },
    ]);
    await changes.clear([{ key: key('x.md'), token: 't1' }, { key: key('y.md'), token: 'other' }]);
    expect((await mine()).map((c) => `${c.key} ${c.token}`)).toEqual([`${key('x.md')} t2`, `${key('y.md')} t1`]);
    await changes.clear([{ key: key('x.md'), token: 't2' }, { key: key('y.md'), token: 't1' }]);
    expect(await mine()).toEqual([]);
  });

  it('index: buckets in sort-key order with their data as given, counts, entries; an empty bucket is gone', async () => {
    const { index } = a();
    const b = (n: string) => `${prefix}${n}`;
    const data = { a: 1, b: 'x', nested: { c: [1, 2, 0.1 + 0.2] }, flag: true, none: null };
    const members: Posting[] = ['m3', 'm1', 'm2'].map((sortKey) => ({ bucket: b('bucket'), sortKey, postKey: `${sortKey}.md`, data: sortKey === 'm2' ? data : {} }));
    await index.writeBuckets(new Map([[b('bucket'), [...members].sort((p, q) => (p.sortKey < q.sortKey ? -1 : 1))], [b('empty'), []]]));
    const read = (await index.readBuckets([b('bucket'), b('empty'), b('never')]));
    expect(read.get(b('bucket'))!.map((p) => [p.sortKey, p.postKey, JSON.stringify(p.data)])).toEqual([['m1', 'm1.md', '{}'], ['m2', 'm2.md', JSON.stringify(data)], ['m3', 'm3.md', '{}']]);
    expect(read.get(b('empty'))).toEqual([]);
    expect(read.get(b('never'))).toEqual([]);
    expect(await index.readCounts([b('bucket'), b('never')])).toEqual(new Map([[b('bucket'), 3], [b('never'), 0]]));
    await index.writeEntries(new Map([[b('owner'), members]]));
    expect((await index.readEntries([b('owner'), b('nobody')])).get(b('owner'))!.map((e) => [e.bucket, e.sortKey])).toEqual(members.map((p) => [p.bucket, p.sortKey]));
    await index.writeBuckets(new Map([[b('bucket'), []]]));
    await index.writeEntries(new Map([[b('owner'), []]]));
    expect((await index.readBuckets([b('bucket')])).get(b('bucket'))).toEqual([]);
    expect((await index.readEntries([b('owner')])).has(b('owner'))).toBe(false);
  });

  it('published state: nothing at first; the listing and state as written, to a reader with nothing in memory', async () => {
    const store = a().published();
    if (name === 'memory') expect(await new MemoryPublishedStore().read()).toBeUndefined();
    const { record } = recordOf(`${prefix}pub.md`, '---\ntitle: Pub\ndate: 2024-01-01\n---\n\nText.\n', 1);
    const listing: ListedPost[] = [listedPost(record.live!, record.messages, undefined), listedPost({ ...record.live!, key: `${prefix}pub2.md` }, [], view([]))];
    const state: PublishedState = { settings: 's', files: { 'index.html': 'h1', 'feed.xml': 'h2' }, siteReportHash: 'r', writing: ['posts/x/index.html'] };
    await store.write(listing, state);
    const read = (await a().published().read())!;
    expect(read.state).toEqual(state);
    expect([...read.listing].sort((p, q) => (p.key < q.key ? -1 : 1))).toEqual(listing);
  });

  it('source: a post read whole, or one byte past a limit with its real size; a missing one is undefined', async () => {
    const { source } = a();
    const bytes = text('---\ntitle: Source\n---\n\n0123456789\n');
    await a().putSource(`${name}-source.md`, bytes);
    expect(await source.getPost(`${name}-source.md`)).toMatchObject({ size: bytes.length });
    expect(Buffer.from((await source.getPost(`${name}-source.md`))!.bytes).equals(Buffer.from(bytes))).toBe(true);
    const limited = (await source.getPost(`${name}-source.md`, undefined, 10))!;
    expect([limited.bytes.length, limited.size]).toEqual([11, bytes.length]);
    expect(await source.getPost(`${name}-missing.md`)).toBeUndefined();
  });

  it('the corpus session over this index store answers as a plain reference store, through random replacements and commits', async () => {
    const { index, posts } = a();
    const random = prng(name === 'memory' ? 5 : 6);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const owners = ['a.md', 'b.md', 'c.md', 'd.md', 'a.md\u0001related'].map((o) => `${prefix}ref/${o}`);
    const buckets = ['term:rust', 'term:css', 'sec:b1:00ff', 'post:b0:1234', 'fp:9a', 'relby:a.md', 'faq:77'].map((bk) => `${prefix}ref/${bk}`);
    const sortKeys = ['a.md', 'b.md', 'c.md', '0000100\u0001a.md', '0999999\u0001b.md', 'a.md\u0001intro'];
    // JSON-equal pairs ({} and { gone: undefined }) and unequal look-alikes (key order, 0 and '0', nesting).
    const data: Record<string, unknown>[] = [
      {}, { gone: undefined }, { a: 1, b: 'x' }, { b: 'x', a: 1 }, { a: '1', b: 'x' }, { a: -0 }, { a: 0 },
      { nested: { a: 1 } }, { nested: { a: 2 } }, { flag: true, none: null }, { list: [1, 2] },
    ];
    const reference = new ReferenceIndex();
    let session = new CorpusSession(posts, index);
    for (let step = 0; step < 400; step++) {
      // Now and then the session's writes are flushed and a new run starts with nothing in memory.
      if (random() < 0.1) {
        await session.flush();
        session = new CorpusSession(posts, index);
      }
      const owner = pick(owners);
      const next: Posting[] = Array.from({ length: Math.floor(random() * 6) }, () => {
        const sortKey = pick(sortKeys);
        return { bucket: pick(buckets), sortKey, postKey: random() < 0.8 ? owner.split('\u0001')[0]! : sortKey, data: { ...pick(data) } };
      });
      expect(await session.replacePostings(owner, next)).toEqual(reference.replacePostings(owner, next));
      for (const o of owners) expect((await session.entriesOf(o)).map((e) => e.bucket)).toEqual(reference.entriesOf(o).map((e) => e.bucket));
      for (const bucket of buckets) {
        for (const limit of [0, 1, 3, 50]) {
          expect((await session.query(bucket, limit)).map((p) => [p.sortKey, p.postKey, JSON.stringify(p.data)]), `${bucket} ${limit}`)
            .toEqual(reference.query(bucket, limit).map((p) => [p.sortKey, p.postKey, JSON.stringify(p.data)]));
          expect(await session.count(bucket, limit)).toBe(reference.count(bucket, limit));
        }
      }
    }
  }, 120_000);

  it('a session stopped at any write of its flush leaves an index the next session repairs by deciding its posts again', async () => {
    const { index, posts } = a();
    const random = prng(name === 'memory' ? 7 : 8);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const owners = ['a.md', 'b.md', 'c.md', 'd.md', 'e.md'].map((o) => `${prefix}stop/${o}`);
    const buckets = ['term:rust', 'term:css', 'term:html', 'sec:b1:00ff', 'fp:9a', 'faq:77'].map((bk) => `${prefix}stop/${bk}`);
    const weights = ['0000100', '0500000', '0999999'];
    const reference = new ReferenceIndex();
    const postingsOf = (owner: string): Posting[] => buckets.filter(() => random() < 0.5).map((bucket) => ({
      bucket, sortKey: bucket.includes('term:') ? `${pick(weights)}\u0001${owner}` : owner, postKey: owner, data: random() < 0.5 ? {} : { v: pick([1, 2]) },
    }));
    let stops = 0;
    for (let run = 0; run < 60; run++) {
      // A run changes some posts; its flush stops after a random number of item writes (a killed Lambda), or not.
      const changed = owners.filter(() => random() < 0.5);
      const session = new CorpusSession(posts, new StoppingIndex(index, random() < 0.7 ? Math.floor(random() * 12) : Infinity));
      for (const owner of changed) {
        const next = postingsOf(owner);
        await session.replacePostings(owner, next);
        reference.replacePostings(owner, next);
      }
      const stopped = await session.flush().then(() => false, (err: Error) => { expect(err.message).toBe('stopped'); return true; });
      if (!stopped) continue;
      stops++;
      // The next run decides the same posts again (their change markers stayed), here to the same postings or to new ones.
      const repair = new CorpusSession(posts, index);
      for (const owner of changed) {
        const next = random() < 0.5 ? reference.postingsOf(owner) : postingsOf(owner);
        await repair.replacePostings(owner, next);
        reference.replacePostings(owner, next);
      }
      await repair.flush();
      const stored = await index.readBuckets(buckets);
      for (const bucket of buckets) {
        expect(stored.get(bucket)!.map((p) => [p.sortKey, JSON.stringify(p.data)]), `run ${run}, ${bucket}`)
          .toEqual(reference.query(bucket, 200).map((p) => [p.sortKey, JSON.stringify(p.data)]));
      }
      const entries = await index.readEntries(owners);
      for (const owner of owners) expect((entries.get(owner) ?? []).filter((entry) => entry.pending), owner).toEqual([]);
    }
    expect(stops).toBeGreaterThan(20);
  }, 120_000);
});

/** An index store whose writes stop (throw) after `itemsLeft` items, the items before written: a killed run's flush. */
class StoppingIndex implements IndexStore {
  constructor(private readonly inner: IndexStore, private itemsLeft: number) {}
  readBuckets(names: readonly string[]) { return this.inner.readBuckets(names); }
  readCounts(names: readonly string[]) { return this.inner.readCounts(names); }
  readEntries(owners: readonly string[]) { return this.inner.readEntries(owners); }
  async writeBuckets(buckets: ReadonlyMap<string, readonly Posting[]>) { await this.write(buckets, (part) => this.inner.writeBuckets(part)); }
  async writeEntries(entries: ReadonlyMap<string, readonly StoredEntry[]>) { await this.write(entries, (part) => this.inner.writeEntries(part)); }
  private async write<T>(items: ReadonlyMap<string, T>, write: (part: ReadonlyMap<string, T>) => Promise<void>): Promise<void> {
    const part = new Map([...items].slice(0, Math.max(0, Math.min(items.size, this.itemsLeft))));
    this.itemsLeft -= part.size;
    if (part.size > 0) await write(part);
    if (part.size < items.size) throw new Error('stopped');
  }
}

/** The index as it was first written (plain, copying on every call): what a session must answer. */
class ReferenceIndex {
  private readonly buckets = new Map<string, { readonly keys: string[]; readonly byKey: Map<string, Posting> }>();
  private readonly entries = new Map<string, Posting[]>();

  replacePostings(postKey: string, next: readonly Posting[]): { addedBuckets: string[]; removedBuckets: string[] } {
    const id = (p: Posting) => `${p.bucket}\u0000${p.sortKey}`;
    const previous = new Map((this.entries.get(postKey) ?? []).map((p) => [id(p), p]));
    const unique = new Map(next.map((p) => [id(p), p]));
    const removed = [...previous.values()].filter((p) => !unique.has(id(p)));
    const added = [...unique.values()].filter((p) => JSON.stringify(previous.get(id(p))?.data) !== JSON.stringify(p.data) || !previous.has(id(p)));
    for (const p of removed) {
      const bucket = this.buckets.get(p.bucket);
      if (!bucket?.byKey.delete(p.sortKey)) continue;
      bucket.keys.splice(bucket.keys.findIndex((key) => key >= p.sortKey), 1);
    }
    for (const p of added) {
      let bucket = this.buckets.get(p.bucket);
      if (!bucket) {
        bucket = { keys: [], byKey: new Map() };
        this.buckets.set(p.bucket, bucket);
      }
      if (!bucket.byKey.has(p.sortKey)) {
        bucket.keys.push(p.sortKey);
        bucket.keys.sort();
      }
      bucket.byKey.set(p.sortKey, p);
    }
    this.entries.set(postKey, [...unique.values()]);
    const names = (list: readonly Posting[]) => [...new Set(list.map((p) => p.bucket))].sort();
    return { addedBuckets: names(added), removedBuckets: names(removed) };
  }

  entriesOf(postKey: string): readonly { bucket: string }[] {
    return this.entries.get(postKey) ?? [];
  }

  postingsOf(postKey: string): Posting[] {
    return [...(this.entries.get(postKey) ?? [])];
  }

  query(bucket: string, limit: number): Posting[] {
    const found = this.buckets.get(bucket);
    if (!found) return [];
    return found.keys.slice(0, Math.min(limit, 200)).map((key) => found.byKey.get(key)!);
  }

  count(bucket: string, limit: number): number {
    return Math.min(this.buckets.get(bucket)?.keys.length ?? 0, limit, 200);
  }
}
