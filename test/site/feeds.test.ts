import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { FEED_GENERATOR, renderAtom, renderFeeds, renderJsonFeed, renderRss } from '../../lambdas/core/site/feeds.js';
import { stripInvalidXmlChars } from '../../lambdas/core/site/html.js';
import { buildSite, renderPostPage } from '../../lambdas/core/site/site.js';
import type { PublishedPost, SiteFile } from '../../lambdas/core/types.js';
import { anonymousPost, config, japanesePost, makePost, nastyPost, posts, undatedPost } from './fixtures.js';
import { attributesWithRawLessThan, fileAt, hasInvalidXmlChar } from './helpers.js';
import { jsonFeedSchemasPresent, validateJsonFeed } from './json-schema.js';

import { parseFeed } from '@rowanmanning/feed-parser';

// Fields rss-parser sets that its Item type lacks: content:encoded and dc:creator (RSS), id (Atom).
type ParsedItemExtras = { 'content:encoded'?: string; creator?: string; id?: string };
const rssParser = new Parser<Record<string, unknown>, ParsedItemExtras>();
const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => ['item', 'entry', 'category', 'author', 'link'].includes(name) });

const feeds = renderFeeds(posts, config);
const rss = fileAt(feeds, 'feed.xml').body;
const atom = fileAt(feeds, 'atom.xml').body;
const json = fileAt(feeds, 'feed.json').body;
const expectedOrder = [nastyPost, japanesePost, anonymousPost, undatedPost];

/** What a reader should see for an input string: the same text, minus characters XML cannot carry. */
const clean = stripInvalidXmlChars;

type Parsed = Record<string, any>;

describe('every XML feed', () => {
  const xmlFiles = buildSite(posts, config).filter((file) => file.path.endsWith('feed.xml') || file.path === 'atom.xml');

  it('includes the site feeds and one per tag', () => {
    expect(xmlFiles.map((file) => file.path)).toEqual([
      'atom.xml',
      'feed.xml',
      'tags/depression/feed.xml',
      'tags/ketamine/feed.xml',
      'tags/qa-hot/feed.xml',
      'tags/日本語/feed.xml',
    ]);
  });

  it.each(xmlFiles.map((file) => [file.path, file] as const))('%s is well-formed XML without forbidden characters', (_path, file: SiteFile) => {
    expect(XMLValidator.validate(file.body)).toBe(true);
    expect(hasInvalidXmlChar(file.body)).toBe(false);
    expect(attributesWithRawLessThan(file.body)).toEqual([]);
    expect(file.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  });
});

describe('RSS 2.0 (feed.xml)', () => {
  it('parses with a feed parser, newest first, texts intact', async () => {
    const feed = await rssParser.parseString(rss);
    expect(feed.title).toBe(config.title);
    expect(feed.items.map((item) => item.link)).toEqual(expectedOrder.map((post) => `https://blog.example.com/posts/${encodeURI(post.slug)}/`));
    const nasty = feed.items[0]!;
    expect(nasty.title).toBe(clean(nastyPost.title));
    expect(nasty['content:encoded']).toBe(clean(nastyPost.contentHtml));
    expect(nasty.categories).toEqual(['Q&A <hot>', 'Depression']);
  });

  it('uses the post id as a non-permalink guid', async () => {
    const feed = await rssParser.parseString(rss);
    expect(feed.items.map((item) => item.guid)).toEqual(expectedOrder.map((post) => post.id));
    const channel = xmlParser.parse(rss).rss.channel as Parsed;
    for (const item of channel['item'] as Parsed[]) expect(item['guid']['@_isPermaLink']).toBe('false');
  });

  it('dates pubDate by publication even when the post was updated, and omits it for undated posts', async () => {
    expect(nastyPost.updated).not.toBe(nastyPost.date);
    const feed = await rssParser.parseString(rss);
    expect(feed.items[0]!.isoDate).toBe(nastyPost.date);
    expect(feed.items[3]!.pubDate).toBeUndefined();
  });

  it('takes lastBuildDate from the newest update, not the clock', () => {
    const channel = xmlParser.parse(rss).rss.channel as Parsed;
    expect(channel['lastBuildDate']).toBe(new Date(nastyPost.updated!).toUTCString());
    expect(channel['generator']).toBe(FEED_GENERATOR);
    expect(channel['language']).toBe('en');
  });

  it('links to itself with atom:link rel="self"', () => {
    const channel = xmlParser.parse(rss).rss.channel as Parsed;
    expect(channel['atom:link']).toEqual({ '@_href': 'https://blog.example.com/feed.xml', '@_rel': 'self', '@_type': 'application/rss+xml' });
    expect(rss).toContain('xmlns:atom="http://www.w3.org/2005/Atom"');
  });

  it('credits authors with dc:creator, and nobody when no author is known', async () => {
    const feed = await rssParser.parseString(rss);
    expect(feed.items[0]!.creator).toBe(clean(nastyPost.author!));
    expect(feed.items[2]!.creator).toBeUndefined();
    expect(rss).not.toContain('<author>');
  });

  it('falls back to config.author', async () => {
    const withAuthor = resolveSiteConfig({ ...config, author: 'The Clinic Team' });
    const feed = await rssParser.parseString(renderRss([anonymousPost], withAuthor, channelOf('feed.xml')));
    expect(feed.items[0]!.creator).toBe('The Clinic Team');
  });

  it('gives the summary as HTML and keeps the content as HTML', async () => {
    const feed = await rssParser.parseString(rss);
    // rss-parser reads <description> as HTML and returns it as written.
    expect(feed.items[0]!.content).toContain('Summary Fish &amp; chips &lt; 3');
  });

  it('declares the dc namespace even when no item has content', () => {
    const bodiless = posts.map((post) => ({ ...post, contentHtml: '' }));
    const xml = renderRss(bodiless, config, channelOf('feed.xml'));
    expect(xml).toContain('<dc:creator>');
    expect(xml).toContain('xmlns:dc="http://purl.org/dc/elements/1.1/"');
    expect(XMLValidator.validate(xml)).toBe(true);
  });
});

describe('Atom 1.0 (atom.xml)', () => {
  const parsed = () => xmlParser.parse(atom).feed as Parsed;

  it('parses with a feed parser, newest first, ids are post ids', async () => {
    const feed = await rssParser.parseString(atom);
    expect(feed.items.map((item) => item.id)).toEqual(expectedOrder.map((post) => post.id));
  });

  it('carries the title as escaped HTML that decodes to the original text', () => {
    const entry = (parsed()['entry'] as Parsed[])[0]!;
    const decoded = new XMLParser({ processEntities: true, htmlEntities: true }).parse(`<t>${entry['title']['#text']}</t>`).t as string;
    expect(decoded).toBe(clean(nastyPost.title));
  });

  it('has <updated> = updated and <published> = date, and a fixed <updated> for undated posts', () => {
    const entries = parsed()['entry'] as Parsed[];
    expect(entries[0]!['updated']).toBe(nastyPost.updated);
    expect(entries[0]!['published']).toBe(nastyPost.date);
    expect(entries[3]!['updated']).toBe('1970-01-01T00:00:00.000Z');
    expect(entries[3]!['published']).toBeUndefined();
    expect(parsed()['updated']).toBe(nastyPost.updated);
  });

  it('links to itself and to the site', () => {
    const links = parsed()['link'] as Parsed[];
    expect(links).toContainEqual({ '@_rel': 'self', '@_href': 'https://blog.example.com/atom.xml' });
    expect(links).toContainEqual({ '@_rel': 'alternate', '@_href': 'https://blog.example.com/' });
  });

  it('writes categories whose terms decode to the tag, even with < and &', () => {
    const entry = (parsed()['entry'] as Parsed[])[0]!;
    expect((entry['category'] as Parsed[]).map((category) => category['@_term'])).toEqual(['Q&A <hot>', 'Depression']);
  });

  it('has a feed-level author only when some entry has none (RFC 4287), naming the site, never a person', () => {
    expect((parsed()['author'] as Parsed[])[0]!['name']).toBe(config.title);
    const allAuthored = renderAtom([nastyPost, japanesePost], config, channelOf('atom.xml'));
    expect(xmlParser.parse(allAuthored).feed['author']).toBeUndefined();
  });

  it('refuses a post id that is not a URI, which Atom requires', () => {
    const bad = makePost({ key: 'bad.md', slug: 'bad', id: 'not a uri' });
    expect(() => renderAtom([bad], config, channelOf('atom.xml'))).toThrow(/not an absolute URI/);
  });
});

describe('JSON Feed 1.1 (feed.json)', () => {
  const feed = JSON.parse(json) as Parsed;

  it('declares version 1.1, language and its own URL', () => {
    expect(feed['version']).toBe('https://jsonfeed.org/version/1.1');
    expect(feed['language']).toBe('en');
    expect(feed['feed_url']).toBe('https://blog.example.com/feed.json');
    expect(feed['home_page_url']).toBe('https://blog.example.com/');
    expect(feed['title']).toBe(config.title);
  });

  it('lists items newest first with ids, dates, authors arrays and per-item language', () => {
    const items = feed['items'] as Parsed[];
    expect(items.map((item) => item.id)).toEqual(expectedOrder.map((post) => post.id));
    expect(items[0]!['date_published']).toBe(nastyPost.date);
    expect(items[0]!['date_modified']).toBe(nastyPost.updated);
    expect(items[0]!['authors']).toEqual([{ name: clean(nastyPost.author!) }]);
    expect(items[0]!['title']).toBe(clean(nastyPost.title));
    expect(items[0]!['summary']).toBe(clean(nastyPost.summary));
    expect(items[0]!['content_html']).toBe(clean(nastyPost.contentHtml));
    expect(items[1]!['language']).toBe('ja-JP');
    expect(items[1]!['image']).toBe(japanesePost.image);
    expect(items[2]!['authors']).toBeUndefined();
    expect(items[3]!['date_published']).toBeUndefined();
    expect(items[3]!['date_modified']).toBeUndefined();
    expect(json).not.toMatch(/"author"\s*:/);
  });

  it.skipIf(!jsonFeedSchemasPresent)('validates against the JSON Feed 1.1 schema', () => {
    expect(validateJsonFeed(feed)).toEqual([]);
    const withAuthor = JSON.parse(renderJsonFeed(posts, resolveSiteConfig({ ...config, author: 'Team' }), channelOf('feed.json')));
    expect(withAuthor['authors']).toEqual([{ name: 'Team' }]);
    expect(validateJsonFeed(withAuthor)).toEqual([]);
  });

  it.skipIf(!jsonFeedSchemasPresent)('the schema check itself rejects a JSON Feed 1.0 item author and missing fields', () => {
    expect(validateJsonFeed({ version: 'https://jsonfeed.org/version/1.1', items: [{ id: 'x', content_html: '', author: 7 }] })).toEqual(
      expect.arrayContaining([expect.stringContaining('missing required title'), expect.stringContaining('$.items[0].author')]),
    );
  });
});

describe('feed items over time', () => {
  it('keep their ids when title, content, slug and updated change', async () => {
    const edited: PublishedPost = { ...nastyPost, title: 'New title', contentHtml: '<p>new</p>', slug: 'renamed', updated: '2025-01-01T00:00:00.000Z' };
    const after = renderFeeds([anonymousPost, undatedPost, edited, japanesePost], config);
    const rssIds = (await rssParser.parseString(fileAt(after, 'feed.xml').body)).items.map((item) => item.guid);
    const atomIds = (await rssParser.parseString(fileAt(after, 'atom.xml').body)).items.map((item) => item.id);
    const jsonIds = (JSON.parse(fileAt(after, 'feed.json').body) as Parsed)['items'].map((item: Parsed) => item.id);
    const before = expectedOrder.map((post) => post.id);
    expect(rssIds).toEqual(before);
    expect(atomIds).toEqual(before);
    expect(jsonIds).toEqual(before);
    // Editing does not re-date the RSS item.
    expect((await rssParser.parseString(fileAt(after, 'feed.xml').body)).items[0]!.isoDate).toBe(nastyPost.date);
  });

  it('are capped at feedItemLimit, keeping the newest', async () => {
    const limited = renderFeeds(posts, resolveSiteConfig({ ...config, feedItemLimit: 2 }));
    const expected = [nastyPost.id, japanesePost.id];
    expect((await rssParser.parseString(fileAt(limited, 'feed.xml').body)).items.map((item) => item.guid)).toEqual(expected);
    expect((await rssParser.parseString(fileAt(limited, 'atom.xml').body)).items.map((item) => item.id)).toEqual(expected);
    expect((JSON.parse(fileAt(limited, 'feed.json').body) as Parsed)['items'].map((item: Parsed) => item.id)).toEqual(expected);
  });
});

describe('an empty site', () => {
  const empty = renderFeeds([], config);

  it('has valid, empty feeds dated at the fixed epoch', async () => {
    const rssFeed = await rssParser.parseString(fileAt(empty, 'feed.xml').body);
    expect(rssFeed.items).toEqual([]);
    expect(rssFeed.lastBuildDate).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
    const atomFeed = await rssParser.parseString(fileAt(empty, 'atom.xml').body);
    expect(atomFeed.items).toEqual([]);
    expect(atomFeed.lastBuildDate).toBe('1970-01-01T00:00:00.000Z');
    const jsonFeed = JSON.parse(fileAt(empty, 'feed.json').body) as Parsed;
    expect(jsonFeed['items']).toEqual([]);
    if (jsonFeedSchemasPresent) expect(validateJsonFeed(jsonFeed)).toEqual([]);
  });
});

describe('file metadata', () => {
  it('has the feed content types', () => {
    expect(fileAt(feeds, 'feed.xml').contentType).toBe('application/rss+xml; charset=utf-8');
    expect(fileAt(feeds, 'atom.xml').contentType).toBe('application/atom+xml; charset=utf-8');
    expect(fileAt(feeds, 'feed.json').contentType).toBe('application/feed+json; charset=utf-8');
  });
});

describe('feed extras: the lead image, the feed icon and logo, absolute URLs in content', () => {
  const IMAGE = 'https://blog.example.com/images/lead%20photo.JPG?w=800&h=400';
  const pictured = makePost({ key: 'pictured.md', slug: 'pictured', image: IMAGE, date: '2024-07-01T00:00:00.000Z', updated: '2024-07-01T00:00:00.000Z' });
  const unknownType = makePost({ key: 'unknown.md', slug: 'unknown', image: 'https://cdn.example/img?id=7', date: '2024-06-01T00:00:00.000Z' });
  const linking = makePost({
    key: 'linking.md', slug: 'linking', date: '2024-05-01T00:00:00.000Z',
    contentHtml: '<p><a href="../pictured/">sibling</a> <a href="#part">part</a> <a href="https://example.org/?a=1&#x26;b=2">abs</a> <img src="pic.png" alt=""></p>',
  });
  const site = [pictured, unknownType, linking];
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => ['item', 'entry', 'link', 'enclosure', 'media:content'].includes(name) });
  const rssItems = (body: string) => xml.parse(body).rss.channel.item as Parsed[];
  const atomEntries = (body: string) => xml.parse(body).feed.entry as Parsed[];
  const enclosureLinks = (entry: Parsed) => (entry['link'] as Parsed[]).filter((link) => link['@_rel'] === 'enclosure');

  it('RSS: the image as the one enclosure (url, media type, length 0) and as media:content', async () => {
    const body = renderRss(site, config, channelOf('feed.xml'));
    const [withImage, withUnknown, without] = rssItems(body);
    expect(withImage!['enclosure']).toEqual([{ '@_url': IMAGE, '@_type': 'image/jpeg', '@_length': '0' }]);
    expect(withImage!['media:content']).toEqual([{ '@_url': IMAGE, '@_type': 'image/jpeg', '@_medium': 'image' }]);
    expect(body).toContain('xmlns:media="http://search.yahoo.com/mrss/"');
    // No media type, no enclosure: RSS and Media RSS need one.
    for (const item of [withUnknown!, without!]) expect([item['enclosure'], item['media:content']]).toEqual([undefined, undefined]);
    expect(XMLValidator.validate(body)).toBe(true);
    // What two reader libraries see.
    expect((await rssParser.parseString(body)).items[0]!.enclosure).toEqual({ url: IMAGE, type: 'image/jpeg', length: '0' });
    expect(parseFeed(body).items[0]!.media).toEqual([expect.objectContaining({ url: IMAGE, mimeType: 'image/jpeg' })]);
  });

  it('RSS without any image carries no media namespace (and so keeps its bytes)', () => {
    expect(renderRss([linking], config, channelOf('feed.xml'))).not.toContain('media');
  });

  it('Atom: the image as a link rel="enclosure" with its media type and no made-up length', () => {
    const entries = atomEntries(renderAtom(site, config, channelOf('atom.xml')));
    expect(enclosureLinks(entries[0]!)).toEqual([{ '@_rel': 'enclosure', '@_href': IMAGE, '@_type': 'image/jpeg' }]);
    expect(enclosureLinks(entries[1]!)).toEqual([]);
    expect(parseFeed(renderAtom(site, config, channelOf('atom.xml'))).items[0]!.media).toEqual([expect.objectContaining({ url: IMAGE, mimeType: 'image/jpeg' })]);
  });

  it('JSON Feed: the image, whatever its type', () => {
    const items = (JSON.parse(renderJsonFeed(site, config, channelOf('feed.json'))) as Parsed)['items'] as Parsed[];
    expect(items.map((item) => item['image'])).toEqual([IMAGE, 'https://cdn.example/img?id=7', undefined]);
  });

  it('resolves relative links and images in every feed\'s content against the post\'s page, which keeps them as written', async () => {
    const page = 'https://blog.example.com/posts/linking/';
    const expected = `<p><a href="https://blog.example.com/posts/pictured/">sibling</a> <a href="${page}#part">part</a> `
      + `<a href="https://example.org/?a=1&#x26;b=2">abs</a> <img src="${page}pic.png" alt=""></p>`;
    const feedsOf = renderFeeds(site, config);
    expect((await rssParser.parseString(fileAt(feedsOf, 'feed.xml').body)).items[2]!['content:encoded']).toBe(expected);
    expect(atomEntries(fileAt(feedsOf, 'atom.xml').body)[2]!['content']['#text']).toBe(expected);
    expect(((JSON.parse(fileAt(feedsOf, 'feed.json').body) as Parsed)['items'] as Parsed[])[2]!['content_html']).toBe(expected);
    const tagged = buildSite([{ ...linking, tags: ['t'] }], config);
    expect((await rssParser.parseString(fileAt(tagged, 'tags/t/feed.xml').body)).items[0]!['content:encoded']).toBe(expected);
    expect(renderPostPage(linking, config).body).toContain(linking.contentHtml);
  });

  it('names the site\'s favicon as the feed icon by default: Atom <icon>, JSON Feed favicon; no logo, no RSS <image> (SVG)', () => {
    const feedsOf = renderFeeds(site, config);
    const atomFeed = xml.parse(fileAt(feedsOf, 'atom.xml').body).feed as Parsed;
    expect([atomFeed['icon'], atomFeed['logo']]).toEqual(['https://blog.example.com/favicon.svg', undefined]);
    const jsonFeed = JSON.parse(fileAt(feedsOf, 'feed.json').body) as Parsed;
    expect([jsonFeed['favicon'], jsonFeed['icon']]).toEqual(['https://blog.example.com/favicon.svg', undefined]);
    expect(xml.parse(fileAt(feedsOf, 'feed.xml').body).rss.channel['image']).toBeUndefined();
    expect(buildSite(site, config).map((file) => file.path)).toContain('favicon.svg');
  });

  it('names a configured icon and logo, absolute; RSS <image> takes the logo, else the icon, if GIF, JPEG or PNG', () => {
    const configured = resolveSiteConfig({ ...config, feedIcon: 'https://cdn.example/icon.png?v=1&s=64', feedLogo: '/images/logo.png' });
    const feedsOf = renderFeeds(site, configured);
    const atomFeed = xml.parse(fileAt(feedsOf, 'atom.xml').body).feed as Parsed;
    expect([atomFeed['icon'], atomFeed['logo']]).toEqual(['https://cdn.example/icon.png?v=1&s=64', 'https://blog.example.com/images/logo.png']);
    const jsonFeed = JSON.parse(fileAt(feedsOf, 'feed.json').body) as Parsed;
    expect([jsonFeed['favicon'], jsonFeed['icon']]).toEqual(['https://cdn.example/icon.png?v=1&s=64', 'https://blog.example.com/images/logo.png']);
    if (jsonFeedSchemasPresent) expect(validateJsonFeed(jsonFeed)).toEqual([]);
    // RSS 2.0: the image's title and link are the channel's.
    expect(xml.parse(fileAt(feedsOf, 'feed.xml').body).rss.channel['image']).toEqual({ title: config.title, url: 'https://blog.example.com/images/logo.png', link: ['https://blog.example.com/'] });
    const svgLogo = resolveSiteConfig({ ...configured, feedLogo: '/logo.svg' });
    expect(xml.parse(renderRss(site, svgLogo, channelOf('feed.xml'))).rss.channel['image']['url']).toBe('https://cdn.example/icon.png?v=1&s=64');
  });

  it('refuses an icon or logo that is neither an http(s) URL nor a site path', () => {
    for (const bad of ['logo.png', '//cdn.example/logo.png', 'ftp://cdn.example/logo.png', 'not a url']) {
      expect(() => resolveSiteConfig({ feedLogo: bad }), bad).toThrow(/feedLogo must be an http\(s\) URL or a site path/);
      expect(() => resolveSiteConfig({ feedIcon: bad }), bad).toThrow(/feedIcon must be/);
    }
  });
});

function channelOf(path: string) {
  return { title: config.title, description: config.description, pageUrl: 'https://blog.example.com/', feedUrl: `https://blog.example.com/${path}` };
}
