/**
 * Old addresses after slug edits, aliases and deletions: what the publisher commits (the table in the published
 * state, each post's report, the site summary), what it makes the edge store hold (a KeyValueStore stand-in), and
 * what readers get — from the local preview server on the embedded AWS stack (S3 events, the ingest and publish
 * handlers, S3 and DynamoDB), and from the viewer-request CloudFront Function over the store the publisher kept.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEdgeRedirects, RecordingEdgeCache } from '../../lambdas/adapters/memory.js';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { edgeEntries, GONE_PAGE } from '../../lambdas/core/site/redirects.js';
import type { PreviewServer } from '../../lambdas/local/preview-server.js';
import { readReports } from '../../lambdas/local/results.js';
import type { PublishedState } from '../../lambdas/model/records.js';
import type { EdgeRedirects } from '../../lambdas/services/ports.js';
import { publishChanges, type PublishSummary } from '../../lambdas/services/publish.js';
import type { PostReport } from '../../lambdas/services/report.js';
import { memoryEngine, type MemoryEngine } from '../support/engine.js';
import { viewerRequestEvent, viewerRequestHandler } from '../support/viewer-request.js';
import { post, startEdgeAndPreview, startTestStack, type TestStack } from './stack-helpers.js';

const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com', title: 'Redirects' });

const a = (slug: string) => post({ title: 'A post that moves', slug, date: '2024-03-01' }, 'The post whose address changes twice.');
const b = (aliases?: string) => post({ title: 'A post with old addresses', slug: 'b-post', date: '2024-02-01', ...(aliases && { aliases }) }, 'Moved here from an older blog.');
const c = post({ title: 'A post that goes', slug: 'c-post', date: '2024-01-01', redirect_from: '/2016/01/01/c.html' }, 'Deleted later.');

/** Feed item ids by title (JSON Feed). */
const feedIds = (json: string) => new Map((JSON.parse(json) as { items: { id: string; title: string }[] }).items.map((item) => [item.title, item.id]));

describe('the redirect table through publish runs (the services over the memory adapters)', () => {
  let engine: MemoryEngine;
  const store = new MemoryEdgeRedirects();
  const edge = new RecordingEdgeCache();
  let failing = false;
  const flaky: EdgeRedirects = { replace: async (entries) => { if (failing) throw new Error('UpdateKeys failed after every retry'); return store.replace(entries); } };
  const publish = () => publishChanges({ ...engine.publishDeps, edgeRedirects: flaky, edgeCache: edge });
  const state = async (): Promise<PublishedState> => (await engine.published.read())!.state;
  const report = (key: string) => engine.reports.reports.get(key) as PostReport;
  const feed = () => engine.site.files.get('feed.json')!.body;

  beforeAll(async () => {
    engine = memoryEngine(config);
    await engine.ingest([['a.md', a('first')], ['b.md', b('["/2015/old-b/", "/posts/c-post/"]')], ['c.md', c]]);
    await publish();
  });

  it('publishes the aliases (not the one naming a live page, whose author is told) and the store holds the table', async () => {
    expect(edgeEntries((await state()).redirects)).toEqual(new Map([
      ['/2015/old-b', '301 /posts/b-post/'], ['/2016/01/01/c.html', '301 /posts/c-post/'],
    ]));
    expect(store.entries).toEqual(edgeEntries((await state()).redirects));
    expect((await state()).redirectsUnsynced).toBeUndefined();
    expect(report('b.md').redirects).toEqual([{ from: '/2015/old-b', why: 'alias' }]);
    expect(report('b.md').warnings.map((message) => message.reason)).toContain(
      'The old address `/posts/c-post/` is not redirected here: it is taken: the page of `c.md` is published there.',
    );
  });

  it('a slug edited twice: both old pages answer with the newest, the report says so, the old pages are invalidated, feed ids stay', async () => {
    const ids = feedIds(feed());
    await engine.ingest([['a.md', a('second')]]);
    const moved = await publish();
    expect(edge.requests.at(-1)!.paths).toEqual(expect.arrayContaining(['/posts/first/', '/posts/first/index.html', '/posts/second/']));
    expect(moved.redirects).toEqual({ entries: 3, puts: 1, deletes: 0, accepted: true });
    await engine.ingest([['a.md', a('third')]]);
    await publish();
    const table = edgeEntries((await state()).redirects);
    expect(table.get('/posts/first')).toBe('301 /posts/third/');
    expect(table.get('/posts/second')).toBe('301 /posts/third/');
    expect(store.entries).toEqual(table);
    expect(report('a.md').redirects).toEqual([{ from: '/posts/first', why: 'moved' }, { from: '/posts/second', why: 'moved' }]);
    expect(feedIds(feed())).toEqual(new Map([...ids].map(([title, id]) => [title, id])));
  });

  it('a deleted post answers 410 at its aliases, listed in the site summary; its page goes to the post that named it as an old address', async () => {
    await engine.ingest([['c.md', undefined]]);
    await publish();
    const table = edgeEntries((await state()).redirects);
    expect(table.get('/2016/01/01/c.html')).toBe('410');
    // b.md's alias, refused while c.md's page was there, is honoured now.
    expect(table.get('/posts/c-post')).toBe('301 /posts/b-post/');
    expect((engine.reports.siteReport as { gone?: string[] }).gone).toEqual(['/2016/01/01/c.html']);
    expect(store.entries).toEqual(table);
  });

  it('a store that does not take the table leaves the mark in the state; the next run (nothing else to do) makes it hold it', async () => {
    failing = true;
    await engine.ingest([['b.md', b('["/2015/old-b/", "/2014/older-b.html"]')]]);
    const failed = await publish();
    const entries = Object.keys((await state()).redirects!).length;
    expect(failed.redirects).toEqual({ entries, accepted: false });
    expect((await state()).redirectsUnsynced).toBe(true);
    expect(store.entries.has('/2014/older-b.html')).toBe(false);
    // The invalidation did not wait for it, and went.
    expect(failed.invalidation?.accepted).toBe(true);
    failing = false;
    const retry = await publish();
    // b.md no longer names /posts/c-post/: c.md's page is gone again.
    expect(retry).toMatchObject({ commits: 0, redirects: { entries, puts: 2, deletes: 0, accepted: true } });
    expect(store.entries.get('/posts/c-post')).toBe('410');
    expect((await state()).redirectsUnsynced).toBeUndefined();
    expect(store.entries).toEqual(edgeEntries((await state()).redirects));
    // Nothing changed since: nothing is sent.
    expect((await publish()).redirects).toBeUndefined();
  });

  it('without an edge store (the in-process build, the embedded stack) the state never carries the mark', async () => {
    const local = memoryEngine(config);
    await local.ingest([['a.md', a('first')]]);
    await local.publish();
    await local.ingest([['a.md', a('second')]]);
    const summary = await local.publish();
    const { state: localState } = (await local.published.read())!;
    expect(edgeEntries(localState.redirects)).toEqual(new Map([['/posts/first', '301 /posts/second/']]));
    expect(localState.redirectsUnsynced).toBeUndefined();
    expect(summary.redirects).toBeUndefined();
  });
});

describe('old addresses on the embedded stack: the preview server (npm start) and the CloudFront function answer alike', () => {
  let stack: TestStack;
  let preview: PreviewServer;
  const store = new MemoryEdgeRedirects();
  const edge = new RecordingEdgeCache();
  const summaries: PublishSummary[] = [];
  const get = (path: string) => fetch(`${preview.url}${path}`, { redirect: 'manual' });
  const siteSummary = async () => (await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.sourceBucket, Key: 'reports/_site.json' }))).Body!.transformToString();

  beforeAll(async () => {
    stack = await startTestStack({ coalesce: { quietMs: 0, maxWaitMs: 0 } });
    // As in AWS: the publish handler given the edge (a cache, and a redirect store), telling the preview after each run;
    // the preview also gets the reports for the author's page.
    preview = await startEdgeAndPreview(stack, { cache: edge, redirects: store }, (summary) => summaries.push(summary), () => ({
      reports: () => readReports(stack),
      siteSummary: async () => JSON.parse(await siteSummary()),
      source: async () => undefined,
    }));
  });
  afterAll(async () => {
    await preview?.close();
    await stack?.close();
  });

  it('after uploads, two slug edits, an alias added and a deletion: 301 to the newest address, 410 for the gone, 200 for pages', async () => {
    await stack.upload('a.md', a('one'));
    await stack.upload('b.md', b());
    await stack.upload('c.md', c);
    const ids = feedIds((await stack.page('feed.json'))!);
    expect((await get('/posts/b-post/')).status).toBe(200);

    await stack.upload('a.md', a('two'));
    // The run that moved it invalidated the old page as readers request it.
    expect(edge.requests.at(-1)!.paths).toEqual(expect.arrayContaining(['/posts/one/', '/posts/one/index.html']));
    expect(await get('/posts/one/')).toMatchObject({ status: 301 });
    expect((await get('/posts/one/')).headers.get('location')).toBe('/posts/two/');

    await stack.upload('a.md', a('three'));
    await stack.upload('b.md', b('[/2015/old-b/]'));
    await stack.remove('c.md');
    expect(stack.deadLetters).toEqual([]);

    const answers = {
      '/posts/one/': [301, '/posts/three/'], '/posts/one': [301, '/posts/three/'], '/posts/two/index.html?from=feed': [301, '/posts/three/?from=feed'],
      '/2015/old-b/': [301, '/posts/b-post/'], '/2015/old-b': [301, '/posts/b-post/'],
      '/posts/c-post/': [410, null], '/2016/01/01/c.html': [410, null],
      '/posts/three/': [200, null], '/posts/b-post/': [200, null], '/': [200, null], '/feed.xml': [200, null],
      '/posts/three': [301, '/posts/three/'], '/posts/never-was/': [404, null],
    } as const;
    for (const [path, [status, location]] of Object.entries(answers)) {
      const response = await get(path);
      expect([path, response.status, response.headers.get('location')]).toEqual([path, status, location]);
      if (status === 410) expect(await response.text()).toBe(GONE_PAGE);
    }
    expect(await (await get('/posts/three/')).text()).toContain('The post whose address changes twice.');
    // The feed items kept their ids through both moves.
    ids.delete('A post that goes');
    expect(feedIds((await stack.page('feed.json'))!)).toEqual(ids);

    // The store the publisher kept holds what the preview answers from, and the function answers from it alike.
    const { state } = (await stack.published.read())!;
    expect(store.entries).toEqual(edgeEntries(state.redirects));
    const handler = viewerRequestHandler((key) => store.entries.get(key));
    for (const path of Object.keys(answers)) {
      const out = await handler(viewerRequestEvent(path)) as { statusCode?: number; headers?: Record<string, { value: string }> };
      const local = await get(path);
      if (local.status === 301 || local.status === 410) {
        // The page without a trailing slash is the preview's own 301 (the function serves it as it is).
        if (path === '/posts/three') continue;
        expect([path, out.statusCode, out.headers?.location?.value ?? null]).toEqual([path, local.status, local.headers.get('location')]);
      } else {
        expect([path, out.statusCode]).toEqual([path, undefined]);
      }
    }
    expect(summaries.some((summary) => summary.redirects?.accepted === true)).toBe(true);
  });

  it('reports the redirects of each post, and the site summary the gone addresses; the author\'s page shows both', async () => {
    const report = await stack.report('a.md');
    expect(report?.redirects).toEqual([{ from: '/posts/one', why: 'moved' }, { from: '/posts/two', why: 'moved' }]);
    expect((await stack.report('b.md'))?.redirects).toEqual([{ from: '/2015/old-b', why: 'alias' }]);
    expect((JSON.parse(await siteSummary()) as { gone?: string[] }).gone).toEqual(['/2016/01/01/c.html', '/posts/c-post']);
    const page = await (await get('/_pipeline/post?file=a.md')).text();
    expect(page).toMatch(/<h2 id="redirects">Old addresses<\/h2>[\s\S]*<code>\/posts\/one<\/code><\/a>: where its page was before[\s\S]*<code>\/posts\/two<\/code>/);
    expect(await (await get('/_pipeline/post?file=b.md')).text()).toContain('<code>/2015/old-b</code></a>: named in its front matter');
    expect(await (await get('/_pipeline/')).text()).toContain('answered <code>410 Gone</code>: <code>/2016/01/01/c.html</code>, <code>/posts/c-post</code>.');
  });
});
