/**
 * Issue 18's whole story on the embedded stack, in the order a reader or search engine meets it: posts are uploaded,
 * one's slug is edited, one is scheduled, one deleted. After each publish run the edge cache is told exactly what
 * changed, THEN the WebSub hub is pinged for the changed feeds and IndexNow is sent the changed and gone pages (a
 * real HTTP receiver on 127.0.0.1 records both, on the same timeline as the invalidations); `npm start`'s preview
 * server answers the old address 301 and the deleted one 410; the scheduled post appears only when due, and its
 * appearance is invalidated and announced like any change.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEdgeRedirects } from '../../lambdas/adapters/memory.js';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { invalidationPaths } from '../../lambdas/core/site/invalidation.js';
import type { PreviewServer } from '../../lambdas/local/preview-server.js';
import type { EdgeCache } from '../../lambdas/services/ports.js';
import type { PublishSummary } from '../../lambdas/services/publish.js';
import { inSeconds, post, siteUrl, startEdgeAndPreview, startTestStack, until, type TestStack } from './stack-helpers.js';

/** What the edge and the receiver were told, in the order they were told it. */
type Told =
  | { readonly kind: 'invalidation'; readonly paths: readonly string[] }
  | { readonly kind: 'hub'; readonly feed: string }
  | { readonly kind: 'indexnow'; readonly urls: readonly string[] };

const KEY = 'syndication-key-0123';
const text = (title: string, fields: Record<string, string> = {}, body = `The body of ${title}, long enough to be worth a reader's minute or two.`) =>
  post({ title, description: `What ${title} is about, in a sentence long enough for the search results of anyone.`, tags: '[news]', ...fields }, body);


describe('syndication: invalidate, then announce; old addresses redirect; scheduled posts wait', () => {
  const told: Told[] = [];
  const summaries: PublishSummary[] = [];
  let receiver: Server;
  let stack: TestStack;
  let preview: PreviewServer;
  const edge: EdgeCache = { invalidate: async (paths) => { told.push({ kind: 'invalidation', paths: [...paths] }); } };
  const get = (path: string) => fetch(`${preview.url}${path}`, { redirect: 'manual' });
  /** What was told since mark `from`. */
  const since = (from: number) => told.slice(from);

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (request.url === '/hub') told.push({ kind: 'hub', feed: new URLSearchParams(body).get('hub.url')! });
        else told.push({ kind: 'indexnow', urls: (JSON.parse(body) as { urlList: string[] }).urlList });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    stack = await startTestStack({
      config: resolveSiteConfig({ siteUrl, title: 'Test Blog', websubHubs: [`${receiverUrl}/hub`], indexNowKey: KEY }),
      notify: { indexNowEndpoint: `${receiverUrl}/indexnow` },
      coalesce: { quietMs: 0, maxWaitMs: 0 },
    });
    // The publish handler as in AWS with a distribution: an edge cache and a redirect store; the preview is told too.
    preview = await startEdgeAndPreview(stack, { cache: edge, redirects: new MemoryEdgeRedirects() }, (summary) => summaries.push(summary));
    await stack.upload('moving.md', text('Moving', { date: '2024-02-01', slug: 'first-address' }));
    await stack.upload('leaving.md', text('Leaving', { date: '2024-03-01' }));
    await stack.upload('staying.md', text('Staying', { date: '2024-04-01' }));
  }, 60_000);

  afterAll(async () => {
    await preview?.close();
    await stack?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  /** The run's told items: one invalidation first, then the hub pings and one IndexNow submission. */
  function expectInvalidatedThenAnnounced(told: readonly Told[], summary: PublishSummary) {
    expect(told[0]).toEqual({ kind: 'invalidation', paths: invalidationPaths([...summary.changedPaths, ...summary.deletedPaths]) });
    expect(told.slice(1).map((item) => item.kind).sort()).toEqual([...told.slice(1).filter((item) => item.kind === 'hub').map(() => 'hub'), 'indexnow']);
    const feeds = told.flatMap((item) => (item.kind === 'hub' ? [item.feed] : []));
    expect(feeds.sort()).toEqual(summary.changedPaths.filter((path) => /\.(xml|json)$/.test(path) && path !== 'sitemap.xml').map((path) => `${siteUrl}/${path}`).sort());
    return { feeds, urls: told.flatMap((item) => (item.kind === 'indexnow' ? item.urls : [])) };
  }

  it('a slug edit: the old and new pages are invalidated, then the feeds pinged and both URLs submitted; the old address answers 301', async () => {
    const mark = told.length;
    await stack.upload('moving.md', text('Moving', { date: '2024-02-01', slug: 'second-address' }));
    const { feeds, urls } = expectInvalidatedThenAnnounced(since(mark), summaries.at(-1)!);
    expect(since(mark)[0]).toMatchObject({ paths: expect.arrayContaining(['/posts/first-address/', '/posts/first-address/index.html', '/posts/second-address/', '/feed.xml']) });
    expect(feeds).toEqual(expect.arrayContaining([`${siteUrl}/feed.xml`, `${siteUrl}/atom.xml`, `${siteUrl}/feed.json`]));
    expect(urls).toEqual(expect.arrayContaining([`${siteUrl}/posts/first-address/`, `${siteUrl}/posts/second-address/`]));

    const old = await get('/posts/first-address/');
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe('/posts/second-address/');
    expect((await get('/posts/second-address/')).status).toBe(200);
  }, 60_000);

  it('a deletion: the page is invalidated, then submitted as gone; it answers 410', async () => {
    const mark = told.length;
    await stack.remove('leaving.md');
    const { urls } = expectInvalidatedThenAnnounced(since(mark), summaries.at(-1)!);
    expect(since(mark)[0]).toMatchObject({ paths: expect.arrayContaining(['/posts/leaving/', '/posts/leaving/index.html']) });
    expect(urls).toContain(`${siteUrl}/posts/leaving/`);
    expect((await get('/posts/leaving/')).status).toBe(410);
    expect((await get('/posts/staying/')).status).toBe(200);
  }, 60_000);

  it('a scheduled post: nothing is published, invalidated or announced until it is due; then it is, in that order', async () => {
    const due = inSeconds(6);
    const mark = told.length;
    const runs = summaries.length;
    await stack.upload('scheduled.md', text('Scheduled', { date: due }));
    expect(await stack.report('scheduled.md')).toMatchObject({ status: 'scheduled', scheduledFor: new Date(due).toISOString() });
    expect((await get('/posts/scheduled/')).status).toBe(404);
    expect(await stack.page('feed.xml')).not.toContain('Scheduled');
    // The upload changed nothing readers see: no run wrote anything, so nothing was invalidated or announced.
    expect(summaries.slice(runs).every((summary) => summary.changedPaths.length === 0 && summary.deletedPaths.length === 0)).toBe(true);
    expect(since(mark)).toEqual([]);

    const shownAt = await until('the scheduled post', async () => (await get('/posts/scheduled/')).status === 200, 30_000);
    expect(shownAt).toBeGreaterThanOrEqual(Date.parse(due));
    await stack.settled();
    const { urls } = expectInvalidatedThenAnnounced(since(mark), summaries.at(-1)!);
    expect(since(mark)[0]).toMatchObject({ paths: expect.arrayContaining(['/posts/scheduled/', '/feed.xml']) });
    expect(urls).toContain(`${siteUrl}/posts/scheduled/`);
    expect(await stack.page('feed.xml')).toContain('Scheduled');
    expect(stack.deadLetters).toEqual([]);
  }, 60_000);
});
