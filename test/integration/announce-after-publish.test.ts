/**
 * When the publish handler queues an announcement (memory adapters, the real handler): after the edge cache accepted
 * the invalidation, or with no edge cache; never when the cache refused it (a hub would fetch the old cached copy);
 * never when nothing is configured or nothing changed. And how the HTTP sender reads answers (against a receiver on
 * 127.0.0.1): 5xx, 429 and IndexNow's 403 are retried, other 4xx are not.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpNotificationSender } from '../../lambdas/adapters/http-notifications.js';
import { RecordingEdgeCache } from '../../lambdas/adapters/memory.js';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { PermanentError, TransientError } from '../../lambdas/core/errors.js';
import type { Announcement } from '../../lambdas/core/site/announce.js';
import type { SiteConfig } from '../../lambdas/core/types.js';
import { makePublishHandler } from '../../lambdas/handlers/publish.js';
import type { EdgeCache } from '../../lambdas/services/ports.js';
import { memoryEngine } from '../support/engine.js';

const text = (i: number, extra = '') => `---\ntitle: Post ${i}\ndate: 2024-01-0${i + 1}\ntags: [rust]\n---\n\nThe body of post ${i}.${extra}\n`;
const event = { Records: [{ messageId: 'm1', body: '{}' } as never] };

async function run(config: SiteConfig, edgeCache?: EdgeCache) {
  const engine = memoryEngine(config);
  const sent: Announcement[] = [];
  const deps = { ...engine.publishDeps, ...(edgeCache && { edgeCache }), announcements: { send: async (a: Announcement) => { sent.push(a); } } };
  const handler = makePublishHandler(() => deps);
  await engine.ingest([0, 1].map((i) => [`post-${i}.md`, text(i)] as const));
  await handler(event);
  return { engine, sent, handler };
}

const configured = resolveSiteConfig({ siteUrl: 'https://blog.example.com', websubHubs: ['https://hub.example/'], indexNowKey: 'k'.repeat(8) });

describe('the publish handler queues an announcement', () => {
  it('with no edge cache: one per run that changed something', async () => {
    const { engine, sent, handler } = await run(configured);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.websub?.feedUrls).toContain('https://blog.example.com/feed.xml');
    await handler(event); // nothing changed
    expect(sent).toHaveLength(1);
    await engine.ingest([['post-1.md', text(1, ' Corrected.')]]);
    await handler(event);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.indexNow?.[0]?.urlList).toContain('https://blog.example.com/posts/post-1/');
  });

  it('after the edge cache accepted the invalidation; not when it refused it', async () => {
    const accepted = await run(configured, new RecordingEdgeCache());
    expect(accepted.sent).toHaveLength(1);
    const refused = await run(configured, { invalidate: async () => { throw new Error('throttled'); } });
    expect(refused.sent).toEqual([]);
  });

  it('nothing when nothing is configured', async () => {
    const { sent } = await run(resolveSiteConfig({ siteUrl: 'https://blog.example.com' }));
    expect(sent).toEqual([]);
  });

  it('a queue that fails does not fail the publish run', async () => {
    const engine = memoryEngine(configured);
    const handler = makePublishHandler(() => ({ ...engine.publishDeps, announcements: { send: async () => { throw new Error('queue down'); } } }));
    await engine.ingest([['post-0.md', text(0)]]);
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(engine.site.files.has('posts/post-0/index.html')).toBe(true);
  });
});

describe('the HTTP sender', () => {
  it('retries 5xx, 429 and IndexNow 403; refuses other 4xx for good; sends the WebSub form and the IndexNow JSON', async () => {
    let status = 200;
    const bodies: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => { bodies.push(`${request.url} ${request.headers['content-type']} ${body}`); response.writeHead(status).end(); });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sender = new HttpNotificationSender({ indexNowEndpoint: `${base}/indexnow` });
    const submission = { host: 'blog.example.com', key: 'k'.repeat(8), keyLocation: 'https://blog.example.com/kkkkkkkk.txt', urlList: ['https://blog.example.com/'] };
    try {
      await sender.pingHub(`${base}/hub`, 'https://blog.example.com/feed.xml?a=1&b=2');
      await sender.submitIndexNow(submission);
      expect(bodies).toEqual([
        '/hub application/x-www-form-urlencoded hub.mode=publish&hub.url=https%3A%2F%2Fblog.example.com%2Ffeed.xml%3Fa%3D1%26b%3D2',
        `/indexnow application/json; charset=utf-8 ${JSON.stringify(submission)}`,
      ]);
      for (const [code, kind] of [[500, TransientError], [503, TransientError], [429, TransientError], [404, PermanentError], [400, PermanentError]] as const) {
        status = code;
        await expect(sender.pingHub(`${base}/hub`, 'https://blog.example.com/feed.xml')).rejects.toBeInstanceOf(kind);
      }
      status = 403;
      await expect(sender.pingHub(`${base}/hub`, 'https://blog.example.com/feed.xml')).rejects.toBeInstanceOf(PermanentError);
      await expect(sender.submitIndexNow(submission)).rejects.toBeInstanceOf(TransientError);
      status = 422;
      await expect(sender.submitIndexNow(submission)).rejects.toBeInstanceOf(PermanentError);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Nobody listening: retried.
    await expect(new HttpNotificationSender({ timeoutMs: 2000 }).pingHub(base, 'https://blog.example.com/feed.xml')).rejects.toBeInstanceOf(TransientError);
  });
});
