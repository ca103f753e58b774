/**
 * The viewer-request CloudFront Function as deployed (its code from the construct), run in `node:vm` with a fake
 * `cloudfront` module whose KeyValueStore holds a redirect table the pure planner made: its answers must be the local
 * lookup's (`lookupRedirect`, what the preview server answers) on every form of every address, and requests it does
 * not answer must go on with the index rewrite.
 */
import { describe, expect, it } from 'vitest';
import { edgeEntries, GONE_PAGE, lookupRedirect, planRedirects, type RedirectPost, type RedirectTable } from '../../lambdas/core/site/redirects.js';
import { VIEWER_REQUEST_FUNCTION_CODE } from '../../lib/constructs/site-delivery.js';
import { viewerRequestEvent, viewerRequestHandler, type FunctionRequest, type FunctionResponse } from '../support/viewer-request.js';

const FILES = ['index.html', 'feed.xml', 'tags/index.html', 'tags/rust/index.html', 'styles.css'];
const post = (key: string, slug: string, aliases?: string[]): RedirectPost => ({ key, slug, contentHash: `h-${key}`, ...(aliases && { aliases }) });

/** A history: a post moved twice, one deleted, aliases (one non-ASCII, one with a file name). */
function table(): RedirectTable {
  const listings = [
    [post('a.md', 'first'), post('b.md', 'doomed', ['/2016/11/10/old-b.html']), post('c.md', 'stays')],
    [post('a.md', 'second'), post('b.md', 'doomed', ['/2016/11/10/old-b.html']), post('c.md', 'stays', ['/café/', '/2019/11/tuning/'])],
    [post('a.md', 'third'), post('c.md', 'stays', ['/café/', '/2019/11/tuning/'])],
  ];
  let current = planRedirects({ previous: undefined, before: [], after: listings[0]!, files: FILES }).table;
  for (let i = 1; i < listings.length; i++) current = planRedirects({ previous: current, before: listings[i - 1]!, after: listings[i]!, files: FILES }).table;
  return current;
}

const entries = edgeEntries(table());
const handler = viewerRequestHandler((key) => entries.get(key));
const run = async (url: string) => handler(viewerRequestEvent(url));
const isResponse = (out: FunctionRequest | FunctionResponse): out is FunctionResponse => 'statusCode' in out;

describe('the viewer-request function (cloudfront-js-2.0 in node:vm, a KeyValueStore stand-in)', () => {
  it('holds the table the test means to exercise', () => {
    expect(entries).toEqual(new Map([
      ['/2016/11/10/old-b.html', '410'], ['/2019/11/tuning', '301 /posts/stays/'], ['/café', '301 /posts/stays/'],
      ['/posts/doomed', '410'], ['/posts/first', '301 /posts/third/'], ['/posts/second', '301 /posts/third/'],
    ]));
  });

  it.each([
    '/posts/first/', '/posts/first', '/posts/first/index.html', '/posts/first//', '/posts/second/', '/posts/first/?utm_source=feed',
    '/posts/first/?a=1&a=2&b=x%20y', '/posts/first?ref=mastodon', '/posts/doomed/', '/posts/doomed', '/posts/doomed/index.html?x=1',
    '/2016/11/10/old-b.html', '/2019/11/tuning/', '/2019/11/tuning', '/caf%C3%A9/', '/caf%C3%A9', '/posts/third/', '/posts/third',
    '/posts/stays/', '/', '/index.html', '/feed.xml', '/tags/rust/', '/posts/never-was/', '/bad%E0%A4%A/', '/styles.css',
  ])('answers %s as the local lookup does', async (url) => {
    const local = lookupRedirect(url, (key) => entries.get(key));
    const out = await run(url);
    if (local === undefined) {
      expect(isResponse(out)).toBe(false);
      return;
    }
    expect(isResponse(out) && out.statusCode).toBe(local.status);
    const response = out as FunctionResponse;
    if (local.status === 301) {
      expect(response.headers.location).toEqual({ value: local.location });
      expect(response.statusDescription).toBe('Moved Permanently');
    } else {
      expect(response.body).toEqual({ encoding: 'text', data: GONE_PAGE });
      expect(response.headers['content-type']).toEqual({ value: 'text/html; charset=utf-8' });
    }
  });

  it('keeps the query of a redirected request, and goes straight to the last address (no chain)', async () => {
    expect(await run('/posts/first/?utm_source=feed&utm_medium=rss')).toMatchObject({ statusCode: 301, headers: { location: { value: '/posts/third/?utm_source=feed&utm_medium=rss' } } });
    expect(await run('/posts/second')).toMatchObject({ statusCode: 301, headers: { location: { value: '/posts/third/' } } });
  });

  it.each([
    ['/', '/index.html'],
    ['/posts/my-post/', '/posts/my-post/index.html'],
    ['/posts/my-post', '/posts/my-post/index.html'],
    ['/tags/therapy/', '/tags/therapy/index.html'],
    ['/posts', '/posts/index.html'],
    ['/feed.xml', '/feed.xml'],
    ['/styles.css', '/styles.css'],
    ['/tags/therapy/feed.xml', '/tags/therapy/feed.xml'],
    ['/posts/my-post/index.html', '/posts/my-post/index.html'],
  ])('what the table does not answer is rewritten to the object: %s → %s', async (uri, expected) => {
    const empty = viewerRequestHandler(() => undefined);
    const out = await empty(viewerRequestEvent(uri));
    expect(isResponse(out)).toBe(false);
    expect((out as FunctionRequest).uri).toBe(expected);
  });

  it('a store that cannot answer (any error) lets the request go on to the site', async () => {
    const failing = viewerRequestHandler(() => { throw new Error('KeyValueStore unavailable'); });
    expect(await failing(viewerRequestEvent('/posts/first/'))).toMatchObject({ uri: '/posts/first/index.html' });
  });

  it('fits CloudFront Functions\' 10 KB code limit', () => {
    expect(Buffer.byteLength(VIEWER_REQUEST_FUNCTION_CODE)).toBeLessThan(10 * 1024);
  });
});
