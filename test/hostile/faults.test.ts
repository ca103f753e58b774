import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTING_CHUNKS_PREFIX, LISTING_KEY } from '../../lambdas/contract.js';
import { jsonLogger } from '../../lambdas/handlers/logger.js';
import { post, startTestStack, type TestStack } from '../integration/stack-helpers.js';
import { injectFaults, injectRandomFaults, type FaultRule } from './fault-injector.js';
import { cleanBuild, config, pagedConfig, prng, siteSnapshot, snapshotDiff, sourcePosts, withoutRelatedPosts } from './hostile-helpers.js';

/**
 * Storage faults the emulators cannot produce (throttling, 5xx, timeouts), injected into the embedded stack's
 * real SDK clients at each step of ingest and publish. Retries must leave no half-published state: once the
 * queues are idle the site equals a clean build of the bucket. A post that keeps failing is dead-lettered after
 * five receives with its reason, and the other posts are published all the same.
 */
type Input = Record<string, unknown>;
const item = (input: Input) => (input.Item ?? input.Key) as Record<string, { S?: string }> | undefined;
const sortKey = (input: Input) => item(input)?.sk?.S ?? '';
const partition = (input: Input) => item(input)?.pk?.S ?? '';
const s3Key = (input: Input) => String(input.Key ?? '');

const figures: string[] = [];
afterAll(() => { console.log(`\nfault injection:\n${figures.map((f) => `  ${f}`).join('\n')}`); });

describe('one transient fault at each step, then convergence', () => {
  let stack: TestStack;
  const logLines: string[] = [];
  const retries = () => logLines.filter((line) => line.includes('will be retried')).length;
  beforeAll(async () => { stack = await startTestStack({ logger: jsonLogger({}, (line) => logLines.push(line)) }); });
  afterAll(async () => { await stack.close(); });

  interface Scenario {
    readonly name: string;
    readonly client: 's3' | 'dynamodb';
    readonly rule: (key: string) => FaultRule;
    /** The change that meets the fault: a new post (default), an edit that changes its slug, or a delete. */
    readonly change?: 'create' | 'edit' | 'delete';
    /** The SDK retried it by itself: the message was received once. */
    readonly sdkRetried?: boolean;
    /** The fault comes after the record is written: the retry finds the change recorded and settles it (`stale`). */
    readonly afterRecord?: boolean;
  }
  const scenarios: Scenario[] = [
    { name: 'ingest: read the post (S3 GetObject) throttled twice (SlowDown)', client: 's3', rule: (key) => ({ command: 'GetObjectCommand', match: (i) => s3Key(i) === `posts/${key}`, calls: [1, 2], fault: 'SlowDown' }) },
    { name: 'ingest: read the record (GetItem) ProvisionedThroughputExceeded', client: 'dynamodb', rule: (key) => ({ command: 'GetItemCommand', match: (i) => partition(i) === `POST#${key}`, calls: [1], fault: 'ProvisionedThroughputExceededException' }) },
    { name: 'ingest: claim the slug (PutItem) ThrottlingException', client: 'dynamodb', rule: (key) => ({ command: 'PutItemCommand', match: (i) => partition(i).startsWith('SLUG#') && (i.Item as { owner?: { S?: string } }).owner?.S === key, calls: [1], fault: 'ThrottlingException' }) },
    { name: 'ingest: store the body (PutItem BODY#) InternalServerError, after the slug claim', client: 'dynamodb', rule: (key) => ({ command: 'PutItemCommand', match: (i) => partition(i) === `POST#${key}` && sortKey(i).startsWith('BODY#'), calls: [1], fault: 'InternalServerError' }) },
    { name: 'ingest: write the record (PutItem META) TimeoutError, after the body', client: 'dynamodb', rule: (key) => ({ command: 'PutItemCommand', match: (i) => partition(i) === `POST#${key}` && sortKey(i) === 'META', calls: [1], fault: 'TimeoutError', delayMs: 50 }) },
    { name: 'ingest: connection reset reading the post', client: 's3', rule: (key) => ({ command: 'GetObjectCommand', match: (i) => s3Key(i) === `posts/${key}`, calls: [1], fault: 'ConnectionReset' }) },
    { name: 'ingest: S3 GetObject throttled on two HTTP attempts (the SDK retries it)', client: 's3', sdkRetried: true, rule: (key) => ({ command: 'GetObjectCommand', match: (i) => s3Key(i) === `posts/${key}`, calls: [1, 2], fault: 'ThrottlingException', stage: 'attempt' }) },
    { name: 'ingest: mark the change for the publisher (BatchWriteItem CHANGES) Throttling, after the record', client: 'dynamodb', afterRecord: true, rule: () => ({ command: 'BatchWriteItemCommand', match: (i) => JSON.stringify(i).includes('"CHANGES"'), calls: [1], fault: 'ThrottlingException' }) },
    { name: 'publish: read the published state\'s manifest (S3 GetObject) InternalError', client: 's3', rule: () => ({ command: 'GetObjectCommand', match: (i) => s3Key(i) === LISTING_KEY, calls: [1], fault: 'InternalError' }) },
    { name: 'publish: read the pending changes (Query CHANGES) TimeoutError', client: 'dynamodb', rule: () => ({ command: 'QueryCommand', match: (i) => !i.IndexName, calls: [1], fault: 'TimeoutError' }) },
    { name: 'publish: read bodies (BatchGetItem) ProvisionedThroughputExceeded', client: 'dynamodb', rule: () => ({ command: 'BatchGetItemCommand', calls: [1], fault: 'ProvisionedThroughputExceededException' }) },
    { name: 'publish: write the index buckets (BatchWriteItem IX#) ServiceUnavailable, before the entries and views', client: 'dynamodb', rule: () => ({ command: 'BatchWriteItemCommand', match: (i) => JSON.stringify(i).includes('"IX#'), calls: [1], fault: 'ServiceUnavailable' }) },
    { name: 'publish: store a view (UpdateItem META) InternalServerError, after the index', client: 'dynamodb', rule: () => ({ command: 'UpdateItemCommand', calls: [1], fault: 'InternalServerError' }) },
    { name: 'publish: the 3rd site file write (S3 PutObject) InternalError, half the site written', client: 's3', rule: () => ({ command: 'PutObjectCommand', match: (i) => i.Bucket === 'content-site', calls: [3], fault: 'InternalError' }) },
    { name: 'publish: write a chunk of the published listing (S3 PutObject) InternalError, after every file', client: 's3', rule: () => ({ command: 'PutObjectCommand', match: (i) => s3Key(i).startsWith(LISTING_CHUNKS_PREFIX), calls: [1], fault: 'InternalError' }) },
    { name: 'publish: write the manifest, the commit (S3 PutObject) InternalError, after its chunks', client: 's3', rule: () => ({ command: 'PutObjectCommand', match: (i) => s3Key(i) === LISTING_KEY, calls: [1], fault: 'InternalError' }) },
    { name: 'publish: clear the published changes\' markers (BatchWriteItem CHANGES) ServiceUnavailable, after the commit', client: 'dynamodb', rule: () => ({ command: 'BatchWriteItemCommand', match: (i) => JSON.stringify(i).includes('"DeleteRequest"') && JSON.stringify(i).includes('"CHANGES"'), calls: [1], fault: 'ServiceUnavailable' }) },
    { name: 'publish: delete the old page of a moved post (S3 DeleteObject) InternalError', client: 's3', change: 'edit', rule: () => ({ command: 'DeleteObjectCommand', match: (i) => i.Bucket === 'content-site', calls: [1], fault: 'InternalError' }) },
    { name: 'ingest: write the record of a delete (PutItem META) Throttling', client: 'dynamodb', change: 'delete', rule: (key) => ({ command: 'PutItemCommand', match: (i) => partition(i) === `POST#${key}` && sortKey(i) === 'META', calls: [1], fault: 'ThrottlingException' }) },
  ];

  it.each(scenarios.map((s, i) => [s.name, s, i] as const))('%s', async (_name, scenario, index) => {
    const key = `faults/step-${String(index).padStart(2, '0')}.md`;
    const text = (slug: string) => post({ title: JSON.stringify(`Step ${index}: ${scenario.name}`), date: `2024-06-${String(index + 1).padStart(2, '0')}`, tags: '[faults]', slug }, `Post for fault scenario ${index}. ${'words '.repeat(index + 3)}`);
    if (scenario.change === 'edit' || scenario.change === 'delete') await stack.upload(key, text(`step-${index}`));
    const resultsBefore = stack.results.length;
    const retriesBefore = retries();
    const faults = injectFaults(stack[scenario.client], [scenario.rule(key)]);
    try {
      if (scenario.change === 'delete') await stack.remove(key);
      else await stack.upload(key, text(scenario.change === 'edit' ? `step-${index}-moved` : `step-${index}`));
    } finally {
      faults.remove();
    }
    expect(faults.injected.length, 'the fault was injected').toBeGreaterThan(0);
    expect(stack.deadLetters).toEqual([]);
    const mine = stack.results.slice(resultsBefore).filter((r) => r.key === key);
    expect(mine.at(-1)?.action).toBe(scenario.afterRecord ? 'stale' : scenario.change === 'delete' ? 'deleted' : 'published');
    // The pipeline saw the fault and retried the message, unless the SDK's own retries absorbed it.
    const retried = retries() - retriesBefore;
    if (scenario.sdkRetried) expect(retried).toBe(0);
    else expect(retried).toBeGreaterThanOrEqual(faults.injected.length);
    if (scenario.change === 'delete') expect(await stack.page(`posts/step-${index}/index.html`)).toBeUndefined();
    else expect(await stack.page(`posts/step-${index}${scenario.change === 'edit' ? '-moved' : ''}/index.html`)).toContain(`Post for fault scenario ${index}.`);
    if (scenario.change === 'edit') expect(await stack.page(`posts/step-${index}/index.html`)).toBeUndefined();
    figures.push(`${scenario.name}: ${faults.injected.length} fault(s) injected, ${retried} message retr${retried === 1 ? 'y' : 'ies'}`);
  });

  it('ends with exactly the site a clean build of the bucket gives', async () => {
    const expected = await cleanBuild(await sourcePosts(stack), config);
    const actual = await siteSnapshot(stack);
    expect(snapshotDiff(withoutRelatedPosts(actual), withoutRelatedPosts(expected))).toEqual([]);
    expect(actual.size).toBe(expected.size);
  });
});

describe('a post that keeps failing', () => {
  it('is dead-lettered after 5 receives with its reason, and every other post is published', async () => {
    const stack = await startTestStack();
    try {
      const faults = injectFaults(stack.s3, [{ command: 'GetObjectCommand', match: (i) => s3Key(i) === 'posts/poison.md', calls: 'always', fault: 'InternalError' }]);
      const others = Array.from({ length: 8 }, (_, i) => `healthy-${i}.md`);
      await Promise.all([
        stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: 'posts/poison.md', Body: post({ title: 'Poison', date: '2024-07-01' }) })),
        ...others.map((key, i) => stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: `posts/${key}`, Body: post({ title: `Healthy ${i}`, date: `2024-07-0${i + 2}` }, `Healthy post number ${i}.`) }))),
      ]);
      const started = performance.now();
      await stack.settled();
      const ms = Math.round(performance.now() - started);
      faults.remove();

      expect(stack.deadLetters).toHaveLength(1);
      const [letter] = stack.deadLetters;
      expect(letter).toMatchObject({ queue: 'ingest', receiveCount: 5 });
      expect(letter!.body).toContain('poison.md');
      expect(letter!.reason).toMatch(/GetObject poison\.md failed: InternalError \(HTTP 500\)/);
      expect(faults.injected).toHaveLength(5);
      for (const key of others) expect((await stack.posts.getRecord(key))?.state, key).toBe('published');
      expect(await stack.posts.getRecord('poison.md')).toBeUndefined();
      // Nothing half-done: the site is the clean build of the other posts.
      const posts = await sourcePosts(stack);
      posts.delete('posts/poison.md');
      expect(snapshotDiff(withoutRelatedPosts(await siteSnapshot(stack)), withoutRelatedPosts(await cleanBuild(posts, config)))).toEqual([]);
      figures.push(`poison post: ${faults.injected.length} faults, dead-lettered after ${letter!.receiveCount} receives in ${ms} ms (back-off 5 ms base); ${others.length} other posts published`);
    } finally {
      await stack.close();
    }
  });
});

describe('random faults everywhere (seeded)', () => {
  it('converge on the clean build: no lost update, nothing half-published', async () => {
    const seed = Number(process.env.FAULT_SEED ?? 7);
    const random = prng(seed);
    const stack = await startTestStack({ config: pagedConfig });
    try {
      // Who a call works for: one post (ingest) or the publisher. Each fails at most twice in the whole run, so
      // no message reaches five receives. The steps after the record write (report, slug release, old body
      // deletion) are left alone: a fault there is the known gap tested below.
      const owner = (command: string, input: Input): string | undefined => {
        if (command.endsWith('ObjectCommand')) {
          if (input.Bucket === stack.names.siteBucket || s3Key(input).startsWith('state/')) return 'publisher';
          return command === 'GetObjectCommand' && s3Key(input).startsWith('posts/') ? `POST#${s3Key(input).slice('posts/'.length)}` : undefined;
        }
        const pk = partition(input);
        const sk = sortKey(input);
        // A post's view is written by the publisher (the only UpdateItem): counted as the post's, a publish batch
        // storing many views could fail twice per post, reach five receives and be dead-lettered.
        if (command === 'UpdateItemCommand') return 'publisher';
        if (command === 'DeleteItemCommand' && (pk.startsWith('SLUG#') || sk.startsWith('BODY#'))) return undefined;
        if (pk.startsWith('SLUG#')) return `POST#${(input.Item as { owner?: { S?: string } } | undefined)?.owner?.S ?? pk}`;
        if (pk.startsWith('POST#') && (sk === 'META' || sk.startsWith('BODY#'))) return pk;
        return 'publisher';
      };
      const dynamoFaults = injectRandomFaults(stack.dynamodb, {
        random, rate: 0.1, maxPerTarget: 2, target: owner,
        faults: ['ThrottlingException', 'ProvisionedThroughputExceededException', 'InternalServerError', 'TimeoutError'],
        commands: ['GetItemCommand', 'PutItemCommand', 'DeleteItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'BatchWriteItemCommand', 'UpdateItemCommand'],
      });
      const s3Faults = injectRandomFaults(stack.s3, {
        random, rate: 0.1, maxPerTarget: 2, target: owner,
        faults: ['SlowDown', 'InternalError', 'ServiceUnavailable', 'TimeoutError', 'ConnectionReset'],
        commands: ['GetObjectCommand', 'PutObjectCommand', 'DeleteObjectCommand'],
      });
      const keys = Array.from({ length: 16 }, (_, i) => `random/p${i}.md`);
      let changes = 0;
      for (let round = 0; round < 3; round++) {
        for (const [i, key] of keys.entries()) {
          const roll = random();
          const Key = `posts/${key}`;
          changes++;
          if (round > 0 && roll < 0.2) await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.names.sourceBucket, Key }));
          else await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key, Body: post({ title: `Random ${i} round ${round}`, date: `2024-08-${String(i + 1).padStart(2, '0')}`, tags: `[${roll < 0.5 ? 'even' : 'odd'}]`, ...(roll > 0.8 && { slug: `moved-${i}-${round}` }) }, `Round ${round} of post ${i}: ${random().toString(36).slice(2)} ${'text '.repeat(5 + i)}`) }));
        }
        await stack.settled();
      }
      dynamoFaults.remove();
      s3Faults.remove();
      const all = [...dynamoFaults.injected, ...s3Faults.injected];
      expect(all.length).toBeGreaterThan(10);
      expect(stack.deadLetters).toEqual([]);
      const expected = await cleanBuild(await sourcePosts(stack), pagedConfig);
      const actual = await siteSnapshot(stack);
      expect(snapshotDiff(withoutRelatedPosts(actual), withoutRelatedPosts(expected))).toEqual([]);
      figures.push(`random faults (seed ${seed}): ${all.length} injected (${[...new Set(all.map((f) => `${f.command.replace('Command', '')}/${f.fault}`))].sort().join(', ')}) over ${changes} changes of ${keys.length} posts; site equals the clean build`);
    } finally {
      await stack.close();
    }
  }, 120_000);
});

describe('gaps these tests found, now fixed', () => {
  // The record is written, then a later step of the same attempt fails (here: a 500 on the report write). The
  // retry carries the same sequencer as the record: ingest must run the follow-up steps again, not skip them as a
  // duplicate (it did, before: the post stayed recorded as published with no page, no report and no publish).
  it('a fault after the record is written is retried to completion (report, publish)', async () => {
    const stack = await startTestStack();
    try {
      const faults = injectFaults(stack.s3, [{ command: 'PutObjectCommand', match: (i) => s3Key(i) === 'reports/gap.md.json', calls: [1], fault: 'InternalError' }]);
      await stack.upload('gap.md', post({ title: 'Gap', date: '2024-09-01' }, 'after the record'));
      faults.remove();
      expect(faults.injected).toHaveLength(1);
      expect((await stack.posts.getRecord('gap.md'))?.state).toBe('published');
      expect(await stack.page('posts/gap/index.html')).toContain('after the record');
      expect(await stack.report('gap.md')).toMatchObject({ status: 'published' });
    } finally {
      await stack.close();
    }
  });

  // Bodies are content-addressed (POST#key / BODY#sha256). A delete and a re-upload of the same text, processed
  // concurrently (two ingest batches): the delete's settle removed BODY#<hash> after the re-upload wrote it,
  // so the live record pointed at a body that was gone, and every later publish failed ("body … not found").
  // Bodies now carry the sequencer that wrote them, only a body written by an older event is deleted, and only
  // the publisher deletes them, once the site no longer shows them.
  it('a delete racing a re-upload of the same text never removes the live body', async () => {
    const stack = await startTestStack();
    try {
      const text = post({ title: 'Same text', date: '2024-09-02' }, 'identical bytes');
      await stack.upload('race.md', text);
      const deliver = stack.ingestQueue.send.bind(stack.ingestQueue);
      const captured: string[] = [];
      stack.ingestQueue.send = (body: string) => { captured.push(body); };
      await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.names.sourceBucket, Key: 'posts/race.md' }));
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: 'posts/race.md', Body: text }));
      stack.ingestQueue.send = deliver;
      // The delete's body deletion is slowed down, so the re-upload's body write lands first (a real interleaving).
      const slow = injectFaults(stack.dynamodb, [{ command: 'DeleteItemCommand', match: (i) => partition(i) === 'POST#race.md' && sortKey(i).startsWith('BODY#'), calls: [1], delayMs: 400 }]);
      for (const body of captured) deliver(body); // two sends: two concurrent batches
      await stack.settled();
      slow.remove();
      expect(captured).toHaveLength(2);
      expect(stack.deadLetters).toEqual([]);
      expect(await stack.page('posts/race/index.html')).toContain('identical bytes');
      await stack.upload('other.md', post({ title: 'Other', date: '2024-09-03' }));
      expect(stack.deadLetters).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});
