import { PutObjectCommand } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { LISTING_KEY } from '../../lambdas/contract.js';
import { LISTING_VERSION, type ListedPost } from '../../lambdas/adapters/posts-repository.js';
import type { PublishSummary } from '../../lambdas/services/publish.js';
import { injectFaults } from '../hostile/fault-injector.js';
import { post, startTestStack, type TestStack } from './stack-helpers.js';

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

describe('the publisher\'s listing snapshot', () => {
  it('equals the table\'s listing after every publish, and spares one-post updates the full listing read', async () => {
    const summaries: PublishSummary[] = [];
    const stack = await startTestStack({ onPublish: (summary) => summaries.push(summary) });
    stacks.push(stack);
    const listingQueries = countListingQueries(stack);
    const expectSnapshotCurrent = async () => {
      expect(byKey((await stack.source.getListing<ListedPost>(LISTING_VERSION))!)).toEqual(byKey(await stack.repo.listLive()));
    };

    await stack.upload('one.md', post({ title: 'One', date: '2024-01-01', tags: '[alpha]' }, 'The first post, about gardens.'));
    expect(listingQueries.count()).toBe(1); // no snapshot yet: the first publish reads the table
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
      expect(listingQueries.count(), `${name}: the publish read the snapshot, not the table`).toBe(queries);
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
    // stored a's new view; the retry finds nothing changed in the index, but the journal names a.
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
    expect(await stack.repo.getPendingViews()).toEqual([]);
  });

  it('publishes a listed post edited since the snapshot with the batch that needs its body, instead of waiting for it', async () => {
    const stack = await startTestStack();
    stacks.push(stack);
    await stack.upload('a.md', post({ title: 'Alpha', date: '2024-05-01' }, 'Alpha, first version.'));
    await stack.upload('b.md', post({ title: 'Beta', date: '2024-04-01' }, 'Beta text.'));

    // a is edited, but its publish request is held back: ingest has already replaced its body.
    const held: string[] = [];
    const send = stack.publishQueue.send.bind(stack.publishQueue);
    stack.publishQueue.send = (body: string, deduplicationId?: string) => {
      if (body.includes('"a.md"')) held.push(body);
      else send(body, deduplicationId);
    };
    await stack.upload('a.md', post({ title: 'Alpha', date: '2024-05-01' }, 'Alpha, second version.'));
    expect(held).toHaveLength(1);

    // c's publish renders the feeds, which carry a's full text: a is published with it.
    await stack.upload('c.md', post({ title: 'Gamma', date: '2024-03-01' }, 'Gamma text.'));
    expect(stack.deadLetters).toEqual([]);
    expect((await stack.page('feed.xml'))!).toContain('Alpha, second version.');
    expect((await stack.page('posts/a/index.html'))!).toContain('Alpha, second version.');
    expect((await stack.page('posts/c/index.html'))!).toContain('Gamma text.');

    for (const body of held) send(body);
    await stack.settled();
    expect(stack.deadLetters).toEqual([]);
    expect(byKey((await stack.source.getListing<ListedPost>(LISTING_VERSION))!)).toEqual(byKey(await stack.repo.listLive()));
  });

  it('falls back to the table when the snapshot is unreadable or of another version, and rewrites it', async () => {
    const stack = await startTestStack();
    stacks.push(stack);
    const listingQueries = countListingQueries(stack);
    await stack.upload('one.md', post({ title: 'One', date: '2024-01-01' }, 'The first post.'));
    for (const [name, body] of [['truncated', 'not gzip at all'], ['another version', gzipSync(JSON.stringify({ version: LISTING_VERSION + 1, posts: [] }))]] as const) {
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: LISTING_KEY, Body: body }));
      const queries = listingQueries.count();
      await stack.upload('two.md', post({ title: `Two (${name})`, date: '2024-02-01' }, `The second post, ${name}.`));
      expect(listingQueries.count(), name).toBeGreaterThan(queries);
      expect(stack.deadLetters).toEqual([]);
      expect((await stack.page('index.html'))!).toContain('One');
      expect(byKey((await stack.source.getListing<ListedPost>(LISTING_VERSION))!)).toEqual(byKey(await stack.repo.listLive()));
    }
  });
});
