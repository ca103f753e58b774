/**
 * What a publish run tells the edge cache (the pipeline's services over the memory adapters, then the embedded AWS
 * stack's publish handler, with a recording edge cache): exactly the paths whose bytes it changed or deleted, in one
 * request, and — when the cache does not take them — again in the next run, under the token they were committed with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingEdgeCache } from '../../lambdas/adapters/memory.js';
import { makePublishHandler } from '../../lambdas/handlers/publish.js';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { invalidationPaths } from '../../lambdas/core/site/invalidation.js';
import type { PublishedState } from '../../lambdas/model/records.js';
import type { EdgeCache } from '../../lambdas/services/ports.js';
import { publishChanges, type PublishSummary } from '../../lambdas/services/publish.js';
import { prose } from '../corpus/fixtures.js';
import { memoryEngine, type MemoryEngine } from '../support/engine.js';
import { startTestStack, type TestStack } from './stack-helpers.js';

const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com', title: 'Test Blog' });

const TAGS = ['rust', 'gardening', 'music'];
/** Post `i`: dated, tagged, with a description, an intro and a later section that an edit changes. */
const text = (i: number, later = prose(i * 100 + 1, 60)) => [
  '---', `title: Post number ${i}`, `date: 2024-0${1 + (i % 9)}-1${i % 10}`, `tags: [${TAGS[i % 3]}, common]`,
  `description: A description of post number ${i}, long enough for search results and feed readers alike.`, '---', '',
  prose(i * 100, 70), '', '## Later on', '', later, '',
].join('\n');
const KEYS = Array.from({ length: 8 }, (_, i) => `post-${i}.md`);

const siteOf = (engine: MemoryEngine) => new Map([...engine.site.files].map(([path, file]) => [path, file.body]));

/** Paths whose bytes differ between two snapshots of the site (new ones included), and those gone. */
function diff(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): { changed: string[]; deleted: string[] } {
  return {
    changed: [...after].filter(([path, body]) => before.get(path) !== body).map(([path]) => path).sort(),
    deleted: [...before.keys()].filter((path) => !after.has(path)).sort(),
  };
}

async function publishedSite(edgeCache?: EdgeCache) {
  const engine = memoryEngine(config);
  const deps = { ...engine.publishDeps, ...(edgeCache && { edgeCache }) };
  await engine.ingest(KEYS.map((key, i) => [key, text(i)] as const));
  const first = await publishChanges(deps);
  return { engine, deps, first };
}

const stateOf = async (engine: MemoryEngine): Promise<PublishedState> => (await engine.published.read())!.state;

describe('edge invalidation after a publish run', () => {
  it('after an edit of one post: that post\'s page (both forms) and the listings whose bytes changed, nothing else, in one request', async () => {
    const edge = new RecordingEdgeCache();
    const { engine, deps, first } = await publishedSite(edge);
    // The first publish: every file of the site.
    expect(edge.requests).toHaveLength(1);
    expect(edge.requests[0]!.paths).toEqual(invalidationPaths(siteOf(engine).keys()));
    expect(first.changedPaths).toEqual([...siteOf(engine).keys()].sort());
    expect(first.invalidation).toEqual({ sitePaths: siteOf(engine).size, paths: edge.requests[0]!.paths.length, accepted: true });

    // A correction: one sentence ends with "!" now (same words, so no related list changes).
    const before = siteOf(engine);
    await engine.ingest([['post-3.md', text(3, prose(3 * 100 + 1, 60).replace(/\.$/, '!'))]]);
    const summary = await publishChanges(deps);
    const changes = diff(before, siteOf(engine));
    expect(summary.changedPaths).toEqual(changes.changed);
    expect(summary.deletedPaths).toEqual([]);
    expect(edge.requests).toHaveLength(2);
    const paths = edge.requests[1]!.paths;
    expect(paths).toEqual(invalidationPaths(changes.changed));
    // The post, as readers request it and as stored; of the other pages, none.
    expect(paths).toContain('/posts/post-3/');
    expect(paths).toContain('/posts/post-3/index.html');
    expect(paths.filter((path) => path.startsWith('/posts/') && !path.startsWith('/posts/post-3/'))).toEqual([]);
    // Feeds carry the full text: they changed. The sitemap (dates only) and the home page (descriptions) did not.
    expect(paths).toEqual(expect.arrayContaining(['/feed.xml', '/atom.xml', '/feed.json']));
    expect(paths).not.toContain('/sitemap.xml');
    expect(paths).not.toContain('/');
    // Accepted: nothing left in the state for the next run.
    expect((await stateOf(engine)).invalidating).toBeUndefined();

    // A rewrite of the section: other posts rank it differently now, and the pages whose related list shows it
    // otherwise changed too; exactly those, and the listings that changed.
    const beforeRewrite = siteOf(engine);
    await engine.ingest([['post-3.md', text(3, prose(9999, 60))]]);
    const rewrite = await publishChanges(deps);
    const rewritten = diff(beforeRewrite, siteOf(engine));
    expect(rewrite.pages).toBeGreaterThan(1);
    expect(rewrite.changedPaths).toEqual(rewritten.changed);
    expect(edge.requests.at(-1)!.paths).toEqual(invalidationPaths(rewritten.changed));
    expect(edge.requests).toHaveLength(3);
  });

  it('a page rendered again byte for byte, and a rebuild of everything, invalidate nothing', async () => {
    const edge = new RecordingEdgeCache();
    const { engine, deps } = await publishedSite(edge);
    // The same text uploaded again: the post is published again, its page rendered and written, with the same bytes.
    await engine.ingest([['post-2.md', text(2)]]);
    const again = await publishChanges(deps);
    expect(again).toMatchObject({ commits: 1, published: 1, changedPaths: [], deletedPaths: [] });
    expect(again.pages).toBeGreaterThanOrEqual(1);
    expect(again.written).toBeGreaterThanOrEqual(1);
    expect(again.invalidation).toBeUndefined();
    const rebuild = await publishChanges(deps, { rebuildAll: true });
    expect(rebuild.written).toBe(siteOf(engine).size);
    expect(rebuild).toMatchObject({ changedPaths: [], deletedPaths: [] });
    expect(edge.requests).toHaveLength(1);
  });

  it('after a deletion: the post\'s page (both forms) and the listings it left', async () => {
    const edge = new RecordingEdgeCache();
    const { engine, deps } = await publishedSite(edge);
    const before = siteOf(engine);
    await engine.ingest([['post-5.md', undefined]]);
    const summary = await publishChanges(deps);
    const changes = diff(before, siteOf(engine));
    expect(changes.deleted).toContain('posts/post-5/index.html');
    expect(summary).toMatchObject({ changedPaths: changes.changed, deletedPaths: changes.deleted });
    expect(edge.requests.at(-1)!.paths).toEqual(invalidationPaths([...changes.changed, ...changes.deleted]));
    expect(edge.requests.at(-1)!.paths).toEqual(expect.arrayContaining(['/posts/post-5/', '/posts/post-5/index.html', '/', '/index.html', '/sitemap.xml']));
  });

  it('a failed invalidation does not fail the run: the paths wait in the published state and go with the next run', async () => {
    const edge = new RecordingEdgeCache();
    let failing = false;
    const calls: { paths: readonly string[]; token: string }[] = [];
    const flaky: EdgeCache = {
      async invalidate(paths, token) {
        calls.push({ paths, token });
        if (failing) throw new Error('TooManyInvalidationsInProgress, after every retry');
        await edge.invalidate(paths, token);
      },
    };
    const { engine, deps } = await publishedSite(flaky);
    failing = true;
    const before = siteOf(engine);
    await engine.ingest([['post-1.md', text(1, prose(4242, 60))]]);
    const failed = await publishChanges(deps);
    expect(failed.commits).toBe(1);
    expect(failed.invalidation).toMatchObject({ accepted: false });
    const first = diff(before, siteOf(engine)).changed;
    const { invalidating } = await stateOf(engine);
    expect(invalidating?.paths).toEqual(first);

    // Nothing new to publish: the next run sends them, under the token they were committed with, and clears them.
    failing = false;
    const retry = await publishChanges(deps);
    expect(retry).toMatchObject({ commits: 0, changedPaths: [], invalidation: { sitePaths: first.length, accepted: true } });
    expect(calls.at(-1)).toEqual({ paths: invalidationPaths(first), token: invalidating!.token });
    expect((await stateOf(engine)).invalidating).toBeUndefined();

    // Failed again, then another change: one request for both, under the new run's token.
    failing = true;
    const middle = siteOf(engine);
    await engine.ingest([['post-6.md', text(6, prose(777, 60))]]);
    await publishChanges(deps);
    const second = diff(middle, siteOf(engine)).changed;
    failing = false;
    const beforeThird = siteOf(engine);
    await engine.ingest([['post-7.md', text(7, prose(778, 60))]]);
    const both = await publishChanges(deps);
    const third = diff(beforeThird, siteOf(engine)).changed;
    const tokens = new Set(calls.slice(-2).map((call) => call.token));
    expect(tokens.size).toBe(2);
    expect(calls.at(-1)!.paths).toEqual(invalidationPaths([...second, ...third]));
    expect(both.invalidation).toMatchObject({ sitePaths: new Set([...second, ...third]).size, accepted: true });
    expect((await stateOf(engine)).invalidating).toBeUndefined();
  });

  it('a run that stops after its commit leaves the paths to the next run, which sends them under the same token (one invalidation)', async () => {
    const calls: { paths: readonly string[]; token: string }[] = [];
    const recording: EdgeCache = { async invalidate(paths, token) { calls.push({ paths, token }); } };
    const { engine, deps } = await publishedSite(recording);
    // The state write that takes the paths out fails (as if the function stopped right after sending them).
    const write = engine.published.write.bind(engine.published);
    let dropClearing = true;
    engine.published.write = async (listing, state) => {
      if (dropClearing && state.invalidating === undefined) throw new Error('the function stopped');
      return write(listing, state);
    };
    await engine.ingest([['post-4.md', text(4, prose(31337, 60))]]);
    const summary: PublishSummary = await publishChanges(deps);
    expect(summary.invalidation).toMatchObject({ accepted: true });
    dropClearing = false;
    await publishChanges(deps);
    const [sent, resent] = calls.slice(-2);
    // The same token and paths: the CloudFront adapter derives the same CallerReference, CloudFront the same invalidation.
    expect(resent).toEqual(sent);
    expect((await stateOf(engine)).invalidating).toBeUndefined();
  });

  it('without an edge cache (the in-process build, the embedded stack) the state carries nothing for one', async () => {
    const { engine, first } = await publishedSite();
    expect(first.invalidation).toBeUndefined();
    expect(first.changedPaths.length).toBeGreaterThan(0);
    await engine.ingest([['post-3.md', text(3, prose(9999, 60))]]);
    await engine.publish();
    expect((await stateOf(engine)).invalidating).toBeUndefined();
  });
});

describe('edge invalidation on the embedded stack (S3 events, the ingest and publish handlers, S3 and DynamoDB)', () => {
  let stack: TestStack;
  const edge = new RecordingEdgeCache();
  const summaries: PublishSummary[] = [];
  const site = async () => new Map(await Promise.all((await stack.sitePaths()).map(async (path) => [path, (await stack.page(path))!] as const)));

  beforeAll(async () => {
    stack = await startTestStack({ coalesce: { quietMs: 0, maxWaitMs: 0 } });
    // The publish queue's handler, as in AWS with a distribution: the same handler, given an edge cache.
    stack.publishQueue.subscribe(makePublishHandler(() => ({ ...stack.publishDeps(), edgeCache: edge }), (summary) => summaries.push(summary)));
    for (const [i, key] of KEYS.slice(0, 5).entries()) await stack.upload(key, text(i));
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('one request per run that changed something, and after an edit exactly the post (both forms) and the listings that changed', async () => {
    expect(edge.requests).toHaveLength(summaries.filter((summary) => summary.invalidation).length);
    expect(summaries.every((summary) => summary.invalidation === undefined || summary.invalidation.accepted)).toBe(true);
    const before = await site();
    await stack.upload('post-2.md', text(2, prose(2 * 100 + 1, 60).replace(/\.$/, '!')));
    const changes = diff(before, await site());
    const last = edge.requests.at(-1)!.paths;
    expect(last).toEqual(invalidationPaths(changes.changed));
    expect(last).toEqual(expect.arrayContaining(['/posts/post-2/', '/posts/post-2/index.html', '/feed.xml']));
    expect(last.filter((path) => path.startsWith('/posts/') && !path.startsWith('/posts/post-2/'))).toEqual([]);
    expect(last).not.toContain('/sitemap.xml');
    // The state as S3 holds it: every page hashed, nothing left to invalidate.
    const { state } = (await stack.published.read())!;
    expect(state.invalidating).toBeUndefined();
    expect(Object.keys(state.pages ?? {}).sort()).toEqual(KEYS.slice(0, 5).map((_, i) => `posts/post-${i}/index.html`));
  });

  it('after a deletion: the post\'s page (both forms), and exactly the other files whose bytes changed', async () => {
    const before = await site();
    await stack.remove('post-4.md');
    const changes = diff(before, await site());
    expect(changes.deleted).toEqual(['posts/post-4/index.html']);
    const last = edge.requests.at(-1)!.paths;
    expect(last).toEqual(invalidationPaths([...changes.changed, ...changes.deleted]));
    expect(last).toEqual(expect.arrayContaining(['/posts/post-4/', '/posts/post-4/index.html', '/', '/index.html', '/sitemap.xml']));
    expect(Object.keys((await stack.published.read())!.state.pages ?? {})).not.toContain('posts/post-4/index.html');
  });
});
