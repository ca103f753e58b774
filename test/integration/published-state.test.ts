import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { LISTING_CHUNKS_PREFIX, LISTING_KEY } from '../../lambdas/contract.js';
import { S3PublishedStore, chunkCount, chunkOf, TARGET_CHUNK_ENTRIES } from '../../lambdas/adapters/published-store.js';
import { PUBLISHED_STATE_VERSION, type ListedPost, type PublishedState } from '../../lambdas/model/records.js';
import type { PublishSummary } from '../../lambdas/services/publish.js';
import { injectFaults } from '../hostile/fault-injector.js';
import { post, startTestStack, type TestStack } from './stack-helpers.js';
import { prng } from '../support/prng.js';
import { cleanBuild, pagedConfig, siteSnapshot, snapshotDiff, sourcePosts, withoutRelatedPosts } from '../hostile/hostile-helpers.js';

let stacks: TestStack[] = [];
afterEach(async () => { await Promise.all(stacks.map((s) => s.close())); stacks = []; });

/** Counts the DynamoDB Query calls on the `byDate` index (the full listing read) made by the stack's client. */
function countListingQueries(stack: TestStack): { readonly count: () => number } {
  let count = 0;
  stack.dynamodb.middlewareStack.add((next, context) => async (args) => {
    const input = args.input as { IndexName?: string };
    if (context.commandName === 'QueryCommand' && input.IndexName === 'byDate') count++;
    return next(args);
  }, { step: 'initialize', name: 'countListingQueries' });
  return { count: () => count };
}

const byKey = (posts: readonly ListedPost[]) => [...posts].sort((a, b) => (a.key < b.key ? -1 : 1));

/** Edit a.md to its second version with its publish request held back (ingest has recorded and marked it). */
async function editWithPublishHeld(stack: TestStack): Promise<{ release(): Promise<void> }> {
  const held: string[] = [];
  const send = stack.publishQueue.send.bind(stack.publishQueue);
  stack.publishQueue.send = (body: string, deduplicationId?: string) => {
    if (body.includes('"a.md"')) held.push(body);
    else send(body, deduplicationId);
  };
  await stack.upload('a.md', post({ title: 'Alpha', date: '2024-05-01' }, 'Alpha, second version.'));
  expect(held).toHaveLength(1);
  return {
    async release() {
      for (const body of held) send(body);
      await stack.settled();
    },
  };
}

describe('the published state', () => {
  it('lists what the records list after every publish, and spares one-post updates the full listing read', async () => {
    const summaries: PublishSummary[] = [];
    const stack = await startTestStack({ onPublish: (summary) => summaries.push(summary) });
    stacks.push(stack);
    const listingQueries = countListingQueries(stack);
    // A reader with nothing in memory: what the bucket holds, not what the publisher remembers of it.
    const expectSnapshotCurrent = async () => {
      const cold = new S3PublishedStore(stack.s3, stack.names.sourceBucket);
      expect(byKey((await cold.read())!.listing)).toEqual(byKey(await stack.posts.listLive()));
    };

    await stack.upload('one.md', post({ title: 'One', date: '2024-01-01', tags: '[alpha]' }, 'The first post, about gardens.'));
    expect(listingQueries.count()).toBe(1); // nothing published yet: the first publish reads the records
    await expectSnapshotCurrent();

    const steps: [string, () => Promise<void>][] = [
      ['a second post', () => stack.upload('two.md', post({ title: 'Two', date: '2024-02-01', tags: '[alpha, beta]' }, 'The second post, about rivers.'))],
      ['a retitled, re-tagged edit', () => stack.upload('one.md', post({ title: 'One, revised', date: '2024-01-01', tags: '[beta]' }, 'The first post, about gardens, revised.'))],
      ['a post turned draft', () => stack.upload('two.md', post({ title: 'Two', date: '2024-02-01', draft: 'true' }, 'Not ready.'))],
      ['a third post', () => stack.upload('three.md', post({ title: 'Three', date: '2024-03-01' }, 'The third post, about hills.'))],
      ['a delete', () => stack.remove('one.md')],
    ];
    for (const [name, step] of steps) {
      const published = summaries.length;
      const queries = listingQueries.count();
      await step();
      expect(summaries.length, name).toBeGreaterThan(published);
      expect(listingQueries.count(), `${name}: the publish read the published listing, not the records`).toBe(queries);
      await expectSnapshotCurrent();
    }
    expect((await stack.page('index.html'))!).toContain('Three');
    expect((await stack.page('index.html'))!).not.toContain('One, revised');
  });

  it('completes an unfinished publish: a neighbour whose view was stored gets its page on the next run', async () => {
    const stack = await startTestStack();
    stacks.push(stack);
    const baking = (title: string, slug: string, date: string, extra: string) => post({ title, slug, date, tags: '[baking]' },
      `Sourdough bread needs a lively starter, patient proofing and a hot oven. ${extra}`);
    await stack.upload('a.md', baking('Starter care', 'a', '2024-01-01', 'Feed the starter flour and water daily.'));
    await stack.upload('b.md', baking('Proofing dough', 'b', '2024-01-02', 'Proof the dough overnight in the fridge.'));
    expect((await stack.page('posts/a/index.html'))!).not.toContain('/posts/d/');

    // A new related post enters a's related list. The first write of a's page fails, so the run stops after it
    // stored a's new view; the retry finds nothing changed in the index, but a was marked as pending first.
    const faults = injectFaults(stack.s3, [{
      command: 'PutObjectCommand', match: (input) => input.Key === 'posts/a/index.html', calls: [1], fault: 'InternalError',
    }]);
    try {
      await stack.upload('d.md', baking('Baking day', 'd', '2024-01-04', 'Score the loaf and bake it in a hot oven.'));
    } finally {
      faults.remove();
    }
    expect(faults.injected).toHaveLength(1);
    expect(stack.deadLetters).toEqual([]);
    expect((await stack.page('posts/a/index.html'))!).toContain('/posts/d/');
    expect(await stack.changes.list()).toEqual([]);
  });

  it('publishes every pending change in one run, and a request whose change is already published finds nothing to do', async () => {
    const summaries: PublishSummary[] = [];
    const stack = await startTestStack({ onPublish: (summary) => summaries.push(summary) });
    stacks.push(stack);
    await stack.upload('a.md', post({ title: 'Alpha', date: '2024-05-01' }, 'Alpha, first version.'));
    await stack.upload('b.md', post({ title: 'Beta', date: '2024-04-01' }, 'Beta text.'));

    // a is edited, but its publish request is held back: ingest has recorded the edit and marked it.
    const held = await editWithPublishHeld(stack);
    expect((await stack.changes.list()).map((change) => change.key)).toEqual(['a.md']);

    // c's request wakes a publisher that has nothing in memory: it publishes every pending change, a's edit too.
    stack.coldStartPublisher();
    await stack.upload('c.md', post({ title: 'Gamma', date: '2024-03-01' }, 'Gamma text.'));
    expect(stack.deadLetters).toEqual([]);
    expect(summaries.at(-1)).toMatchObject({ commits: 1, published: 2 });
    expect((await stack.page('feed.xml'))!).toContain('Alpha, second version.');
    expect((await stack.page('feed.xml'))!).not.toContain('Alpha, first version.');
    expect((await stack.page('posts/a/index.html'))!).toContain('Alpha, second version.');
    expect((await stack.page('posts/c/index.html'))!).toContain('Gamma text.');
    expect(await stack.changes.list()).toEqual([]);

    // a's own request comes late: nothing is pending, so it changes nothing.
    const before = await siteSnapshot(stack);
    await held.release();
    expect(stack.deadLetters).toEqual([]);
    expect(summaries.at(-1)).toMatchObject({ commits: 0, published: 0, written: 0 });
    expect(snapshotDiff(await siteSnapshot(stack), before)).toEqual([]);
    expect(byKey((await stack.published.read())!.listing)).toEqual(byKey(await stack.posts.listLive()));
  });

  it('rebuilds from the records when the state is unreadable or of another version, and writes it again', async () => {
    const stack = await startTestStack();
    stacks.push(stack);
    const listingQueries = countListingQueries(stack);
    await stack.upload('one.md', post({ title: 'One', date: '2024-01-01' }, 'The first post.'));
    const manifests = [
      ['unreadable', 'not JSON at all'],
      ['another version', JSON.stringify({ version: PUBLISHED_STATE_VERSION + 1, state: { settings: '', files: {} }, chunks: [], retired: [] })],
      ['a chunk missing', JSON.stringify({ version: PUBLISHED_STATE_VERSION, state: { settings: '', files: {} }, chunks: ['gone.json.gz'], retired: [] })],
    ] as const;
    for (const [name, body] of manifests) {
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: LISTING_KEY, Body: body }));
      const queries = listingQueries.count();
      await stack.upload('two.md', post({ title: `Two (${name})`, date: '2024-02-01' }, `The second post, ${name}.`));
      expect(listingQueries.count(), name).toBeGreaterThan(queries);
      expect(stack.deadLetters).toEqual([]);
      expect((await stack.page('index.html'))!).toContain('One');
      expect(byKey((await stack.published.read())!.listing)).toEqual(byKey(await stack.posts.listLive()));
    }
  });
});

describe('archive pages after one-post changes', () => {
  it('are rendered only where a post changed, and the site stays what a clean build gives', async () => {
    const summaries: PublishSummary[] = [];
    const stack = await startTestStack({ config: pagedConfig, onPublish: (summary) => summaries.push(summary) });
    stacks.push(stack);
    const text = (title: string, date: string, tags: string) => post({ title, date, tags }, `${title}: text of the post.`);
    for (let day = 1; day <= 9; day++) await stack.upload(`p${day}.md`, text(`Post ${day}`, `2024-01-0${day}`, day % 2 === 0 ? '[alpha, beta]' : '[alpha]'));
    const written: string[] = [];
    const put = stack.site.put.bind(stack.site);
    stack.site.put = async (file) => { written.push(file.path); await put(file); };

    const steps: [string, () => Promise<void>, { written: number; kept: number }?][] = [
      // Post 5 is on archive page 3 of 4 with post 6 (pages of two, counted from the oldest: p1-p2, …, p7); its
      // tag alpha (every post has it) has the same four. The other three of each are left as they are.
      ['an edit that keeps the date', () => stack.upload('p5.md', text('Post 5, retitled', '2024-01-05', '[alpha]')), { written: 1, kept: 6 }],
      ['a newer post', () => stack.upload('p10.md', text('Post 10', '2024-01-10', '[alpha]'))],
      ['the newest post deleted', () => stack.remove('p10.md')],
      ['a post moved back in time', () => stack.upload('p6.md', text('Post 6', '2023-12-01', '[alpha, beta]'))],
      ['the oldest post deleted', () => stack.remove('p6.md')],
      ['a post re-tagged', () => stack.upload('p3.md', text('Post 3', '2024-01-03', '[beta]'))],
    ];
    for (const [name, step, archivePages] of steps) {
      written.length = 0;
      await step();
      expect(stack.deadLetters, name).toEqual([]);
      const expected = await cleanBuild(await sourcePosts(stack), pagedConfig);
      expect(snapshotDiff(withoutRelatedPosts(await siteSnapshot(stack)), withoutRelatedPosts(expected)), name).toEqual([]);
      if (archivePages !== undefined) {
        expect(written.filter((path) => path.startsWith('page/')), name).toHaveLength(archivePages.written);
        expect(summaries.at(-1)!.archivePagesKept, name).toBe(archivePages.kept);
      }
    }
  }, 60_000);
});

describe('the published listing in chunks', () => {
  /** Entries reduced to what chunking looks at (a key) and a field to edit. */
  type Entry = ListedPost;
  const entries = (count: number, title = (i: number) => `Post ${i}`): Entry[] =>
    Array.from({ length: count }, (_, i) => ({ key: `post-${String(i).padStart(5, '0')}.md`, title: title(i) }) as unknown as Entry);
  const sorted = (list: readonly Entry[]) => [...list].sort((a, b) => (a.key < b.key ? -1 : 1));
  const state: PublishedState = { settings: 'settings', files: { 'index.html': 'hash' } };

  /** S3 calls of the stack's client by command name (and chunk or not), counted while `run` runs. */
  async function callsDuring(stack: TestStack, run: () => Promise<unknown>): Promise<Record<string, number>> {
    const calls: Record<string, number> = {};
    const name = `count${Math.random()}`;
    stack.s3.middlewareStack.add((next, context) => async (args) => {
      const key = (args.input as { Key?: string }).Key ?? '';
      const what = `${context.commandName}${key.startsWith(LISTING_CHUNKS_PREFIX) ? ' chunk' : key === LISTING_KEY ? ' manifest' : ''}`;
      calls[what] = (calls[what] ?? 0) + 1;
      return next(args);
    }, { step: 'initialize', name });
    try {
      await run();
    } finally {
      stack.s3.middlewareStack.remove(name);
    }
    return calls;
  }
  const storedChunks = async (stack: TestStack) => ((await stack.s3.send(new ListObjectsV2Command({
    Bucket: stack.names.sourceBucket, Prefix: LISTING_CHUNKS_PREFIX,
  }))).Contents ?? []).map((object) => object.Key!).sort();

  it('writes only the chunk of a changed entry, reads nothing but the manifest when warm, and deletes what it replaced', async () => {
    const stack = await startTestStack();
    stacks.push(stack);
    const writer = new S3PublishedStore(stack.s3, stack.names.sourceBucket, 1);
    const reader = () => new S3PublishedStore(stack.s3, stack.names.sourceBucket, 1);
    const listingOf = async (store: S3PublishedStore) => (await store.read())!.listing;
    const site = entries(TARGET_CHUNK_ENTRIES * 6);
    const chunks = chunkCount(site.length, undefined);
    expect(chunks).toBeGreaterThan(4);

    expect(await callsDuring(stack, () => writer.write(site, state))).toEqual({ 'GetObjectCommand manifest': 1, 'PutObjectCommand chunk': chunks, 'PutObjectCommand manifest': 1 });
    expect(sorted(await listingOf(reader()))).toEqual(sorted(site));
    expect((await reader().read())!.state).toEqual(state);
    expect(await storedChunks(stack)).toHaveLength(chunks);

    // Warm: the writer remembers its chunks; one entry edited rewrites one chunk.
    const read = await listingOf(writer);
    const edited = read.map((entry) => (entry.key === site[100]!.key ? { ...entry, title: 'Edited' } : entry));
    expect(await callsDuring(stack, () => writer.write(edited, state))).toEqual({ 'GetObjectCommand manifest': 1, 'PutObjectCommand chunk': 1, 'PutObjectCommand manifest': 1 });
    expect((await listingOf(reader())).find((entry) => entry.key === site[100]!.key)!.title).toBe('Edited');
    expect(await callsDuring(stack, () => writer.read())).toEqual({ 'GetObjectCommand manifest': 1 });
    // The same content in new objects is recognised by the chunk's name: nothing is written but the manifest.
    expect(await callsDuring(stack, () => writer.write(edited.map((entry) => ({ ...entry })), state))).toEqual({
      'GetObjectCommand manifest': 1, 'PutObjectCommand manifest': 1, 'DeleteObjectCommand chunk': 1,
    });
    expect(await storedChunks(stack)).toHaveLength(chunks);

    // A cold reader reads every chunk once.
    expect(await callsDuring(stack, () => reader().read())).toEqual({ 'GetObjectCommand manifest': 1, 'GetObjectCommand chunk': chunks });

    // An edit, then its revert: the reverted chunk's name is the one the edit retired, and must not be deleted.
    await writer.write(edited.map((entry) => (entry.key === site[7]!.key ? { ...entry, title: 'Edited too' } : entry)), state);
    await writer.write(edited, state);
    expect(sorted(await listingOf(reader()))).toEqual(sorted(edited));
  });

  it('changes the chunk count as the site grows and shrinks, and leaves no chunk behind', async () => {
    const stack = await startTestStack();
    stacks.push(stack);
    const writer = new S3PublishedStore(stack.s3, stack.names.sourceBucket, 1);
    const manifestChunks = async () => (JSON.parse(await (await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.sourceBucket, Key: LISTING_KEY }))).Body!.transformToString()) as { chunks: (string | null)[] }).chunks;
    for (const size of [3, TARGET_CHUNK_ENTRIES * 20, TARGET_CHUNK_ENTRIES * 2, 0, 10]) {
      const site = entries(size, (i) => `Post ${i} of ${size}`);
      await writer.write(site, state);
      await writer.write(site, state); // the second write deletes what the first replaced
      const cold = new S3PublishedStore(stack.s3, stack.names.sourceBucket, 1);
      expect(sorted((await cold.read())!.listing), `${size} entries`).toEqual(sorted(site));
      const names = (await manifestChunks()).filter((name): name is string => name !== null);
      expect(await storedChunks(stack), `${size} entries`).toEqual(names.map((name) => LISTING_CHUNKS_PREFIX + name).sort());
    }
  });

  it('keeps the chunk count while chunks stay within 4× of the target, and aims at the target otherwise', () => {
    const random = prng(5);
    for (let run = 0; run < 20_000; run++) {
      const size = Math.floor(random() ** 3 * 1_000_000);
      const current = random() < 0.2 ? undefined : 2 ** Math.floor(random() * 13);
      const count = chunkCount(size, current);
      expect(Number.isInteger(Math.log2(count))).toBe(true);
      if (count !== current) {
        // A new count puts the entries per chunk within √2 of the target (or one chunk for a small site).
        const perChunk = size / count;
        expect(count === 1 || (perChunk >= TARGET_CHUNK_ENTRIES / Math.SQRT2 && perChunk <= TARGET_CHUNK_ENTRIES * Math.SQRT2), `${size} in ${current} → ${count}`).toBe(true);
      } else if (current !== undefined && current > 1) {
        expect(size / current, `${size} in ${current}`).toBeGreaterThanOrEqual(TARGET_CHUNK_ENTRIES / 4);
        expect(size / current, `${size} in ${current}`).toBeLessThanOrEqual(TARGET_CHUNK_ENTRIES * 4);
      }
    }
    // Keys spread over the chunks: no chunk of 64 holds more than twice its share of 16,384 keys.
    const load = new Array<number>(64).fill(0);
    for (const entry of entries(16_384)) load[chunkOf(entry.key, 64)]!++;
    expect(Math.max(...load)).toBeLessThan(2 * 16_384 / 64);
  });
});
