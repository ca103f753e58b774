/**
 * WebSub and IndexNow announcements on the embedded stack, sent to a real HTTP receiver on 127.0.0.1 that records
 * every request: the publish handler queues what a run changed, the notify handler (behind the notify queue
 * stand-in) pings the hub once per changed feed and submits the changed pages to IndexNow; a receiver answering 500
 * gets the message retried, then dead-lettered, while the site is published all the same.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { isFeedPath, pageAddress } from '../../lambdas/core/site/announce.js';
import type { PublishSummary } from '../../lambdas/services/publish.js';
import { post, siteUrl, startTestStack, type TestStack } from './stack-helpers.js';

interface Received {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** An HTTP server that records what it is sent and answers `status`. */
async function startReceiver(): Promise<{ server: Server; url: string; requests: Received[]; status: { code: number } }> {
  const requests: Received[] = [];
  const status = { code: 204 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ path: `${request.method} ${request.url}`, contentType: request.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status.code).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, status };
}

const KEY = 'test-key-0123456789';
const text = (i: number, body = `Body text of post ${i}, long enough to be a post worth reading by anyone at all.`) =>
  post({ title: `Post ${i}`, date: `2024-03-0${i + 1}`, tags: i % 2 === 0 ? '[rust, common]' : '[music, common]', description: `A description of post ${i}, long enough for the search results of anyone.` }, body);

describe('announcements to WebSub hubs and IndexNow', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let stack: TestStack;
  const summaries: PublishSummary[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    stack = await startTestStack({
      config: resolveSiteConfig({ siteUrl, title: 'Test Blog', websubHubs: [`${receiver.url}/hub`], indexNowKey: KEY }),
      notify: { indexNowEndpoint: `${receiver.url}/indexnow` },
      onPublish: (summary) => summaries.push(summary),
    });
    for (let i = 0; i < 4; i++) await stack.upload(`post-${i}.md`, text(i));
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  afterEach(() => {
    receiver.status.code = 204;
  });

  it('publishes the key file', async () => {
    expect(stack.notifyQueue).toBeDefined();
    expect(await stack.page(`${KEY}.txt`)).toBe(KEY);
  });

  it('after an edit: the hub is told of exactly the changed feeds, IndexNow of exactly the changed pages, once', async () => {
    receiver.requests.length = 0;
    summaries.length = 0;
    await stack.upload('post-2.md', text(2, 'A corrected body of post 2, long enough to be a post worth reading by anyone at all.'));
    const summary = summaries.at(-1)!;
    const changedFeeds = summary.changedPaths.filter(isFeedPath).map((path) => `${siteUrl}/${path}`).sort();
    // Feeds carry the full text, so the site feeds and the edited post's tag feeds changed; the other tag's did not.
    expect(changedFeeds).toEqual(expect.arrayContaining([`${siteUrl}/atom.xml`, `${siteUrl}/feed.json`, `${siteUrl}/feed.xml`, `${siteUrl}/tags/rust/feed.xml`]));
    expect(changedFeeds).not.toContain(`${siteUrl}/tags/music/feed.xml`);

    const pings = receiver.requests.filter((request) => request.path === 'POST /hub');
    expect(pings.every((ping) => ping.contentType === 'application/x-www-form-urlencoded')).toBe(true);
    const pinged = pings.map((ping) => new URLSearchParams(ping.body));
    expect(pinged.every((form) => form.get('hub.mode') === 'publish')).toBe(true);
    expect(pinged.map((form) => form.get('hub.url')).sort()).toEqual(changedFeeds);

    const submissions = receiver.requests.filter((request) => request.path === 'POST /indexnow');
    expect(submissions).toHaveLength(1);
    expect(submissions[0]!.contentType).toMatch(/^application\/json/);
    const submission = JSON.parse(submissions[0]!.body) as { host: string; key: string; keyLocation: string; urlList: string[] };
    const changedPages = summary.changedPaths.flatMap((path) => { const page = pageAddress(path); return page === undefined ? [] : [`${siteUrl}/${page}`]; }).sort();
    expect(submission).toEqual({ host: 'blog.example.com', key: KEY, keyLocation: `${siteUrl}/${KEY}.txt`, urlList: changedPages });
    expect(submission.urlList).toContain(`${siteUrl}/posts/post-2/`);
    // Other posts' pages are there only when their bytes changed (a related list moved): `changedPaths` says which.
    expect(submission.urlList.some((url) => /\.(xml|json|txt|css)$/.test(url))).toBe(false);
    expect(receiver.requests).toHaveLength(pings.length + 1);
  }, 60_000);

  it('a deleted post is submitted to IndexNow', async () => {
    receiver.requests.length = 0;
    await stack.remove('post-3.md');
    const submission = JSON.parse(receiver.requests.find((request) => request.path === 'POST /indexnow')!.body) as { urlList: string[] };
    expect(submission.urlList).toContain(`${siteUrl}/posts/post-3/`);
  }, 60_000);

  it('a receiver answering 500: the message is retried, then dead-lettered; the site is published all the same', async () => {
    receiver.requests.length = 0;
    receiver.status.code = 500;
    const deadBefore = stack.deadLetters.length;
    await stack.upload('post-1.md', text(1, 'A rewritten body of post 1, which the hub will not hear of while it is down.'));
    expect(await stack.page('posts/post-1/index.html')).toContain('A rewritten body of post 1');
    const dead = stack.deadLetters.slice(deadBefore);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ queue: 'notify', receiveCount: 5 });
    expect(dead[0]!.reason).toMatch(/answered 500/);
    // Five receives, each trying every request.
    expect(receiver.requests.filter((request) => request.path === 'POST /indexnow')).toHaveLength(5);
    expect(stack.deadLetters.filter((letter) => letter.queue !== 'notify')).toEqual([]);
  }, 60_000);
});

describe('with nothing configured', () => {
  it('there is no notify queue, no key file and nothing is sent', async () => {
    const receiver = await startReceiver();
    const stack = await startTestStack({ notify: { indexNowEndpoint: `${receiver.url}/indexnow` } });
    try {
      await stack.upload('post-0.md', text(0));
      expect(stack.notifyQueue).toBeUndefined();
      expect((await stack.sitePaths()).filter((path) => path.endsWith('.txt'))).toEqual(['robots.txt']);
      expect(await stack.page('feed.xml')).not.toContain('rel="hub"');
      expect(receiver.requests).toEqual([]);
    } finally {
      await stack.close();
      await new Promise((resolve) => receiver.server.close(resolve));
    }
  }, 60_000);
});
