import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseHubList, resolveSiteConfig } from '../../lambdas/core/config.js';
import { announcementFor, announcementMessages, indexNowSubmissions, INDEXNOW_MAX_URLS, isFeedPath, pageAddress } from '../../lambdas/core/site/announce.js';
import { buildSite } from '../../lambdas/core/site/site.js';
import type { SiteConfig } from '../../lambdas/core/types.js';
import { config, posts } from './fixtures.js';
import { fileAt } from './helpers.js';

const HUBS = ['https://pubsubhubbub.appspot.com/', 'https://hub.example/websub?site=1&x=2'];
const KEY = 'a1b2c3d4-e5f6';
const withHubs: SiteConfig = resolveSiteConfig({ ...config, websubHubs: HUBS });
const withKey: SiteConfig = resolveSiteConfig({ ...config, indexNowKey: KEY });
const withBoth: SiteConfig = resolveSiteConfig({ ...config, websubHubs: HUBS, indexNowKey: KEY });

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => ['link', 'atom:link'].includes(name) });
type Link = { '@_rel': string; '@_href': string };

describe('configuration', () => {
  it('is off unless set: the site is byte for byte what it was', () => {
    expect(resolveSiteConfig({ ...config, websubHubs: [] })).toEqual(config);
    expect('websubHubs' in config || 'indexNowKey' in config).toBe(false);
    expect(buildSite(posts, resolveSiteConfig({ ...config, websubHubs: undefined, indexNowKey: undefined }))).toEqual(buildSite(posts, config));
  });

  it('takes http(s) hubs only, and IndexNow keys of 8–128 of a-z, A-Z, 0-9 and -', () => {
    expect(() => resolveSiteConfig({ websubHubs: ['ftp://hub.example/'] })).toThrow(/http\(s\) URL/);
    expect(() => resolveSiteConfig({ websubHubs: ['not a url'] })).toThrow(/http\(s\) URL/);
    for (const key of ['short7x', 'x'.repeat(129), 'has_underscore', 'has space1', 'ünïcödé123']) {
      expect(() => resolveSiteConfig({ indexNowKey: key }), key).toThrow(/IndexNow key/);
    }
    for (const key of ['abcdefgh', 'A-1'.repeat(42) + 'xx', KEY]) expect(resolveSiteConfig({ indexNowKey: key }).indexNowKey).toBe(key);
  });

  it('reads hub lists comma-separated or as JSON (deploy context, environment)', () => {
    expect(parseHubList('https://a.example/hub, https://b.example/')).toEqual(['https://a.example/hub', 'https://b.example/']);
    expect(parseHubList('["https://a.example/hub"]')).toEqual(['https://a.example/hub']);
    expect(parseHubList('')).toBeUndefined();
    expect(() => parseHubList('[1]')).toThrow();
  });
});

describe('WebSub hub links in feeds', () => {
  const site = buildSite(posts, withHubs);
  const xmlFeeds = site.filter((file) => file.path === 'atom.xml' || file.path.endsWith('feed.xml'));

  it('RSS (site and tag feeds) carries one atom:link rel="hub" per hub beside its self link, in the declared namespace', () => {
    const rssFeeds = xmlFeeds.filter((file) => file.path.endsWith('feed.xml'));
    expect(rssFeeds.length).toBeGreaterThan(1);
    for (const file of rssFeeds) {
      expect(XMLValidator.validate(file.body), file.path).toBe(true);
      const rss = xmlParser.parse(file.body).rss;
      expect(rss['@_xmlns:atom']).toBe('http://www.w3.org/2005/Atom');
      const links = rss.channel['atom:link'] as Link[];
      expect(links.filter((link) => link['@_rel'] === 'hub').map((link) => link['@_href'])).toEqual(HUBS);
      expect(links.filter((link) => link['@_rel'] === 'self')).toHaveLength(1);
    }
  });

  it('Atom carries link rel="hub" per hub', () => {
    const atom = xmlParser.parse(fileAt(site, 'atom.xml').body).feed;
    expect(XMLValidator.validate(fileAt(site, 'atom.xml').body)).toBe(true);
    const hubs = (atom.link as Link[]).filter((link) => link['@_rel'] === 'hub').map((link) => link['@_href']);
    expect(hubs).toEqual(HUBS);
  });

  it('escapes the & of a hub URL in the markup', () => {
    expect(fileAt(site, 'atom.xml').body).toContain('<link rel="hub" href="https://hub.example/websub?site=1&amp;x=2"/>');
  });

  it('JSON Feed carries hubs of type WebSub', () => {
    const json = JSON.parse(fileAt(site, 'feed.json').body) as { hubs?: unknown };
    expect(json.hubs).toEqual(HUBS.map((url) => ({ type: 'WebSub', url })));
  });

  it('without hubs there is no hub anywhere', () => {
    for (const file of buildSite(posts, config)) expect(file.body, file.path).not.toMatch(/rel="hub"|"hubs"/);
  });
});

describe('IndexNow key file', () => {
  it('is published at /<key>.txt as plain text holding the key, only with a key', () => {
    const file = fileAt(buildSite(posts, withKey), `${KEY}.txt`);
    expect(file).toMatchObject({ body: KEY, contentType: 'text/plain; charset=utf-8' });
    expect(buildSite(posts, config).some((f) => f.path.endsWith('.txt') && f.path !== 'robots.txt')).toBe(false);
  });
});

describe('what a run announces', () => {
  const changed = [
    'atom.xml', 'favicon.svg', 'feed.json', 'feed.xml', 'index.html', `${KEY}.txt`, 'page/2/index.html', 'posts/a/index.html',
    'posts/ü/index.html', 'robots.txt', 'sitemap.xml', 'sitemaps/sitemap-2.xml', 'styles.css', 'tags/index.html', 'tags/rust/feed.xml',
    'tags/rust/index.html',
  ];
  const deleted = ['posts/gone/index.html', 'tags/old/feed.xml', 'tags/old/index.html'];
  const base = config.siteUrl;

  it('tells feeds and pages apart', () => {
    expect(changed.filter(isFeedPath)).toEqual(['atom.xml', 'feed.json', 'feed.xml', 'tags/rust/feed.xml']);
    expect(pageAddress('index.html')).toBe('');
    expect(pageAddress('posts/a/index.html')).toBe('posts/a/');
    expect(pageAddress('sitemap.xml')).toBeUndefined();
  });

  it('with both: the changed feeds for every hub, and the changed and deleted pages, absolute, sorted, in directory form', () => {
    expect(announcementFor(changed, deleted, withBoth)).toEqual({
      websub: { hubs: HUBS, feedUrls: [`${base}/atom.xml`, `${base}/feed.json`, `${base}/feed.xml`, `${base}/tags/rust/feed.xml`] },
      indexNow: [{
        host: new URL(base).host,
        key: KEY,
        keyLocation: `${base}/${KEY}.txt`,
        urlList: [`${base}/`, `${base}/page/2/`, `${base}/posts/%C3%BC/`, `${base}/posts/a/`, `${base}/posts/gone/`, `${base}/tags/`, `${base}/tags/old/`, `${base}/tags/rust/`],
      }],
    });
  });

  it('each only when configured, and nothing when nothing is configured or nothing changed', () => {
    expect(announcementFor(changed, deleted, withHubs)?.indexNow).toBeUndefined();
    expect(announcementFor(changed, deleted, withKey)?.websub).toBeUndefined();
    expect(announcementFor(changed, deleted, config)).toBeUndefined();
    expect(announcementFor([], [], withBoth)).toBeUndefined();
    // Only the stylesheet changed (a deploy): no feed, no page.
    expect(announcementFor(['styles.css', 'sitemap.xml'], [], withBoth)).toBeUndefined();
  });

  it('deduplicates, and batches IndexNow at 10,000 URLs a request', () => {
    expect(announcementFor(['posts/a/index.html', 'posts/a/index.html'], ['posts/a/index.html'], withKey)?.indexNow?.[0]?.urlList).toEqual([`${base}/posts/a/`]);
    const urls = Array.from({ length: INDEXNOW_MAX_URLS * 2 + 1 }, (_, i) => `${base}/posts/p${i}/`);
    expect(indexNowSubmissions(urls, KEY, withKey).map((batch) => batch.urlList.length)).toEqual([10_000, 10_000, 1]);
    const paths = Array.from({ length: 10_001 }, (_, i) => `posts/p${String(i).padStart(5, '0')}/index.html`);
    expect(announcementFor(paths, [], withKey)?.indexNow?.map((batch) => batch.urlList.length)).toEqual([10_000, 1]);
  });

  it('is one queue message, split only when it exceeds what a message holds', () => {
    const small = announcementFor(changed, deleted, withBoth)!;
    expect(announcementMessages(small)).toEqual([JSON.stringify(small)]);
    const paths = Array.from({ length: 3000 }, (_, i) => `posts/a-rather-long-slug-for-post-number-${i}/index.html`);
    const large = announcementFor([...paths, 'feed.xml'], [], withBoth)!;
    const messages = announcementMessages(large, 50_000);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.every((message) => Buffer.byteLength(message) <= 50_000)).toBe(true);
    const parsed = messages.map((message) => JSON.parse(message) as typeof large);
    expect(parsed.filter((message) => message.websub !== undefined).map((message) => message.websub)).toEqual([large.websub]);
    expect(parsed.flatMap((message) => message.indexNow?.flatMap((submission) => submission.urlList) ?? [])).toEqual(large.indexNow![0]!.urlList);
  });
});
