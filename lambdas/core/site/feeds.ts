import { Feed, type Item } from 'feed';
import { absoluteUrl } from '../config.js';
import { sitePaths } from '../slug.js';
import { UNDATED_FEED_TIMESTAMP, type PublishedPost, type SiteConfig, type SiteFile } from '../types.js';
import { withAbsoluteUrls } from './absolute-urls.js';
import { atomEnclosure, finishXml, forCdata, forExtensionAttribute, forXmlAttribute, forXmlText } from './feed-quirks.js';
import { siteFile } from './files.js';
import { escapeHtml, stripInvalidXmlChars } from './html.js';
import { remembered } from '../memo.js';
import { inNewestFirstOrder, lastModified, newestUpdate } from './order.js';
import { postUrl } from './urls.js';

/** Fixed, without a version number: a dependency upgrade must not change the output of an unchanged site. */
export const FEED_GENERATOR = 'content-syndication-pipeline';

const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/** What a feed is about and where it lives. */
export interface FeedChannel {
  readonly title: string;
  readonly description: string;
  /** The HTML page the feed mirrors; also the Atom feed id. */
  readonly pageUrl: string;
  /** The feed's own absolute URL (RSS `atom:link rel="self"`, Atom `link rel="self"`, JSON `feed_url`). */
  readonly feedUrl: string;
}

/** The posts a feed carries: the newest `feedItemLimit`. */
function feedPosts(posts: readonly PublishedPost[], config: SiteConfig): PublishedPost[] {
  return inNewestFirstOrder(posts).slice(0, config.feedItemLimit);
}

/**
 * Feed `updated`/`lastBuildDate`: the newest change among the items. It must come from post data, never the
 * clock, so building twice gives the same bytes. With no dated item (an empty site, say) there is no data, so
 * it is the fixed Unix epoch, `UNDATED_FEED_TIMESTAMP`: every format accepts it and any dated post supersedes it.
 */
function feedUpdated(items: readonly PublishedPost[]): Date {
  return new Date(newestUpdate(items) ?? UNDATED_FEED_TIMESTAMP);
}

function optionalDate(isoTimestamp: string | undefined): Date | undefined {
  return isoTimestamp === undefined ? undefined : new Date(isoTimestamp);
}

/** `feed` types `Item.date` as required, but its RSS and JSON writers only use it when present. */
type ItemWithOptionalDate = Omit<Item, 'date'> & { date?: Date | undefined };

function addItem(feed: Feed, item: ItemWithOptionalDate): void {
  feed.addItem(item as Item);
}

/**
 * The post's HTML as a feed carries it: relative links and images resolved against the post's page, where readers
 * cannot resolve them (see absolute-urls.ts). Remembered per post and page URL: the site feeds and every tag feed
 * of a post carry the same content.
 */
const feedContentByPost = new WeakMap<PublishedPost, Map<string, string>>();

function feedContent(post: PublishedPost, config: SiteConfig): string {
  const pageUrl = postUrl(post, config);
  const byPageUrl = remembered(feedContentByPost, post, () => new Map<string, string>());
  let content = byPageUrl.get(pageUrl);
  if (content === undefined) {
    content = withAbsoluteUrls(post.contentHtml, pageUrl);
    byPageUrl.set(pageUrl, content);
  }
  return content;
}

/** Media types of the image formats feeds may point to, by file extension (lowercase). */
const IMAGE_MEDIA_TYPES: Readonly<Record<string, string>> = {
  avif: 'image/avif', gif: 'image/gif', jpe: 'image/jpeg', jpeg: 'image/jpeg', jpg: 'image/jpeg', png: 'image/png',
  svg: 'image/svg+xml', webp: 'image/webp',
};

/** The formats RSS 2.0 allows for the channel `<image>`. */
const RSS_CHANNEL_IMAGE_TYPES = new Set(['image/gif', 'image/jpeg', 'image/png']);

/** An absolute image URL as the URL parser writes it, with its media type if its extension names a known one. */
interface FeedImage {
  readonly url: string;
  readonly mediaType?: string;
}

/** `image` resolved against the site (a site path such as `/images/a.jpg`, or absolute); undefined if it is no URL. */
function feedImage(image: string | undefined, config: SiteConfig): FeedImage | undefined {
  if (image === undefined) return undefined;
  const base = `${config.siteUrl}/`;
  const resolved = image.startsWith('/') && !image.startsWith('//') ? absoluteUrl(config, image) : image;
  if (!URL.canParse(resolved, base)) return undefined;
  const url = new URL(resolved, base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const extension = /\.([a-zA-Z0-9]+)$/.exec(url.pathname)?.[1]?.toLowerCase();
  const mediaType = extension === undefined ? undefined : IMAGE_MEDIA_TYPES[extension];
  return { url: url.href, ...(mediaType !== undefined && { mediaType }) };
}

/** A post's lead image, when its media type is known: a feed cannot announce an enclosure without one. */
function enclosureImage(post: PublishedPost, config: SiteConfig): Required<FeedImage> | undefined {
  const image = feedImage(post.image, config);
  return image?.mediaType === undefined ? undefined : { url: image.url, mediaType: image.mediaType };
}

/** Feeds credit the post's author, else the site's; when neither is known they credit no one. */
function feedAuthor(post: PublishedPost, config: SiteConfig): string | undefined {
  return post.author ?? config.author;
}

/** RSS 2.0 of the newest `config.feedItemLimit` posts. */
export function renderRss(posts: readonly PublishedPost[], config: SiteConfig, channel: FeedChannel): string {
  const items = feedPosts(posts, config);
  const logo = rssChannelImage(config);
  const feed = new Feed({
    title: forXmlText(channel.title),
    description: forXmlText(channel.description),
    link: channel.pageUrl,
    ...(logo !== undefined && { image: forXmlText(logo) }),
    language: forXmlText(config.language),
    updated: feedUpdated(items),
    generator: FEED_GENERATOR,
    feedLinks: { rss: channel.feedUrl },
  });
  for (const post of items) {
    const author = feedAuthor(post, config);
    const image = enclosureImage(post, config);
    addItem(feed, {
      // RSS titles are plain text in CDATA; descriptions are HTML, so the plain-text summary is escaped.
      title: forCdata(post.title),
      link: postUrl(post, config),
      // `guid` (not `id`) because `feed` writes it unescaped; it marks it isPermaLink="false".
      guid: forXmlText(post.id),
      // `feed` writes <pubDate> from `published`, else `date`. Only `published` is given, so pubDate is the
      // publish date, never moved by an edit, and absent for an undated post.
      published: optionalDate(post.date),
      description: forCdata(escapeHtml(post.summary)),
      content: forCdata(feedContent(post, config)),
      category: post.tags.map((tag) => ({ name: forXmlText(tag) })),
      // The lead image as the item's one enclosure. RSS requires a length, which the publisher does not know (the
      // image may live anywhere): 0, as the RSS Advisory Board's profile and the W3C validator ask for an unknown one.
      ...(image !== undefined && { enclosure: { url: image.url, type: image.mediaType, length: 0 } }),
      extensions: [
        // RSS <author> must be an e-mail address; a name belongs in dc:creator.
        ...(author === undefined ? [] : [{ name: 'dc:creator', objects: { _text: forXmlText(author) } }]),
        // Media RSS, which readers that ignore enclosures (or take them for podcasts) read as the item's picture.
        ...(image === undefined ? [] : [{
          name: 'media:content',
          objects: { _attributes: { url: forExtensionAttribute(image.url), type: image.mediaType, medium: 'image' } },
        }]),
      ],
    });
  }
  const withDublinCore = withNamespace(feed.rss2(), DUBLIN_CORE_NAMESPACE);
  // Only a feed with an image carries the media: prefix: a site without images keeps its bytes.
  const rss = items.some((post) => enclosureImage(post, config) !== undefined) ? withNamespace(withDublinCore, MEDIA_RSS_NAMESPACE) : withDublinCore;
  return finishXml(withHubLinks(rss, config, 'rss'));
}

/** The channel `<image>` of RSS: the logo, else the icon, if it is a GIF, JPEG or PNG (all RSS 2.0 allows). */
function rssChannelImage(config: SiteConfig): string | undefined {
  for (const candidate of [config.feedLogo, config.feedIcon]) {
    const image = feedImage(candidate, config);
    if (image?.mediaType !== undefined && RSS_CHANNEL_IMAGE_TYPES.has(image.mediaType)) return image.url;
  }
  return undefined;
}

/** An attribute value: the hubs are URLs as `new URL` writes them, which may still hold `&` (and `'`, `"`). */
function xmlAttribute(value: string): string {
  return stripInvalidXmlChars(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * WebSub (W3C REC §4): a feed names each hub it is announced to with a `hub` link beside its `self` link, which
 * subscribers use as the topic URL. `feed`'s own `hub` option takes one hub only, so every hub is written here, after
 * the self link (in RSS as `atom:link`, whose namespace RSS already declares for the self link). No hub: unchanged.
 */
function withHubLinks(xml: string, config: SiteConfig, format: 'rss' | 'atom'): string {
  const hubs = config.websubHubs ?? [];
  if (hubs.length === 0) return xml;
  const self = format === 'rss' ? /^([ \t]*)<atom:link [^>]*rel="self"[^>]*\/>$/m : /^([ \t]*)<link rel="self"[^>]*\/>$/m;
  const match = self.exec(xml);
  if (match === null) throw new Error(`the ${format} feed has no self link to put the hub links after`);
  const indent = match[1]!;
  const element = format === 'rss' ? (hub: string) => `<atom:link href="${xmlAttribute(hub)}" rel="hub"/>` : (hub: string) => `<link rel="hub" href="${xmlAttribute(hub)}"/>`;
  const end = match.index + match[0].length;
  return `${xml.slice(0, end)}${hubs.map((hub) => `\n${indent}${element(hub)}`).join('')}${xml.slice(end)}`;
}

const DUBLIN_CORE_NAMESPACE = 'xmlns:dc="http://purl.org/dc/elements/1.1/"';
const MEDIA_RSS_NAMESPACE = 'xmlns:media="http://search.yahoo.com/mrss/"';

/**
 * `feed` declares the `dc:` prefix only when some item has content, and never the `media:` prefix: declare
 * `namespace` on the root unless it is there already. (dc is declared even when no item names an author, as it
 * always was, so such a feed keeps its bytes.)
 */
function withNamespace(rss: string, namespace: string): string {
  // Looked for in the root's start tag only: a post's content (in CDATA) may well quote a namespace declaration.
  const root = rss.indexOf('<rss version="2.0"');
  if (rss.slice(root, rss.indexOf('>', root)).includes(namespace)) return rss;
  return rss.replace('<rss version="2.0"', `<rss version="2.0" ${namespace}`);
}

/** Atom 1.0 of the newest `config.feedItemLimit` posts. */
export function renderAtom(posts: readonly PublishedPost[], config: SiteConfig, channel: FeedChannel): string {
  const items = feedPosts(posts, config);
  // RFC 4287 requires a feed-level author unless every entry has one. Entries without any author then fall back
  // to the site itself (config.author, else the site title as publisher) rather than to an invented person.
  const everyEntryHasAuthor = items.every((post) => feedAuthor(post, config) !== undefined);
  const feedLevelAuthor = everyEntryHasAuthor ? undefined : (config.author ?? config.title);
  const feed = new Feed({
    id: forXmlText(channel.pageUrl),
    title: forXmlText(channel.title),
    description: forXmlText(channel.description),
    link: channel.pageUrl,
    updated: feedUpdated(items),
    generator: FEED_GENERATOR,
    feedLinks: { atom: channel.feedUrl },
    author: feedLevelAuthor === undefined ? undefined : { name: forXmlText(feedLevelAuthor) },
    // Atom <icon> (small, square) and <logo> (larger, 2:1); `feed` calls them `favicon` and `image`.
    ...optionalField('favicon', feedImage(config.feedIcon, config)?.url),
    ...optionalField('image', feedImage(config.feedLogo, config)?.url),
  });
  for (const post of items) {
    const author = feedAuthor(post, config);
    const image = enclosureImage(post, config);
    feed.addItem({
      // Atom marks title and summary type="html", so plain text is escaped into HTML.
      title: forCdata(escapeHtml(post.title)),
      id: atomId(post),
      link: postUrl(post, config),
      // `date` becomes <updated>, which Atom requires: undated posts get the fixed UNDATED_FEED_TIMESTAMP.
      date: new Date(lastModified(post) ?? UNDATED_FEED_TIMESTAMP),
      published: optionalDate(post.date),
      description: forCdata(escapeHtml(post.summary)),
      content: forCdata(feedContent(post, config)),
      category: post.tags.map((tag) => ({ term: forXmlAttribute(tag) })),
      // <link rel="enclosure">; Atom's length is optional, so none is made up.
      ...(image !== undefined && { enclosure: atomEnclosure(image.url, image.mediaType) }),
      author: author === undefined ? undefined : [{ name: forXmlText(author) }],
    });
  }
  return finishXml(withHubLinks(feed.atom1(), config, 'atom'));
}

/** `{ [name]: url }` for an XML text element (`&` escaped), or nothing when there is no URL. */
function optionalField<Name extends string>(name: Name, url: string | undefined): Partial<Record<Name, string>> {
  return url === undefined ? {} : ({ [name]: forXmlText(url) } as Record<Name, string>);
}

/** Atom ids must be IRIs, and `feed` parses (and so normalises) them with `new URL`, throwing on anything else. */
function atomId(post: PublishedPost): string {
  const id = stripInvalidXmlChars(post.id);
  if (!URL.canParse(id)) {
    throw new TypeError(`Post ${post.key}: id ${JSON.stringify(post.id)} is not an absolute URI, which Atom requires`);
  }
  return id;
}

/** JSON Feed 1.1 of the newest `config.feedItemLimit` posts. */
export function renderJsonFeed(posts: readonly PublishedPost[], config: SiteConfig, channel: FeedChannel): string {
  const items = feedPosts(posts, config);
  // JSON escapes everything, so strings only lose forbidden characters, for parity with the XML feeds.
  const clean = stripInvalidXmlChars;
  const feed = new Feed({
    title: clean(channel.title),
    description: clean(channel.description),
    link: channel.pageUrl,
    feedLinks: { json: channel.feedUrl },
  });
  for (const post of items) {
    addItem(feed, {
      id: clean(post.id),
      title: clean(post.title),
      link: postUrl(post, config),
      // `date` becomes date_modified and `published` date_published; both are left out for undated posts.
      date: optionalDate(lastModified(post)),
      published: optionalDate(post.date),
      description: clean(post.summary),
      content: clean(feedContent(post, config)),
      // JSON Feed's `image` needs no media type: any image URL will do.
      image: feedImage(post.image, config)?.url,
      // `feed` writes `tags: []` for an empty list; the field is optional, so leave it out instead.
      category: post.tags.length === 0 ? undefined : post.tags.map((tag) => ({ name: clean(tag) })),
    });
  }
  // `feed` writes JSON Feed 1.0: rewrite the version, and add what 1.0 lacks: `language`, and `authors` arrays
  // (instead of 1.0's single `author`, which we therefore never give it).
  const version1 = JSON.parse(feed.json1()) as { items: Record<string, unknown>[]; [field: string]: unknown };
  const version1_1 = {
    version: JSON_FEED_VERSION,
    title: version1['title'],
    home_page_url: version1['home_page_url'],
    feed_url: version1['feed_url'],
    description: version1['description'],
    // JSON Feed `icon` (large, for timelines) and `favicon` (small, for source lists).
    icon: feedImage(config.feedLogo, config)?.url,
    favicon: feedImage(config.feedIcon, config)?.url,
    // JSON Feed 1.1 `hubs`; left out (undefined) without a hub, so the feed is as before.
    hubs: config.websubHubs === undefined || config.websubHubs.length === 0 ? undefined : config.websubHubs.map((url) => ({ type: 'WebSub', url })),
    language: config.language,
    // JSON.stringify drops the undefined `authors` of a feed or item with no known author.
    authors: config.author === undefined ? undefined : [{ name: clean(config.author) }],
    items: version1.items.map((item, index) => {
      const post = items[index]!;
      const author = feedAuthor(post, config);
      return { ...item, authors: author === undefined ? undefined : [{ name: clean(author) }], language: post.lang };
    }),
  };
  return `${JSON.stringify(version1_1, null, 2)}\n`;
}

/** The site feeds: `feed.xml` (RSS 2.0), `atom.xml` (Atom 1.0) and `feed.json` (JSON Feed 1.1). */
export function renderFeeds(posts: readonly PublishedPost[], config: SiteConfig): SiteFile[] {
  const channel = (feedPath: string): FeedChannel => ({
    title: config.title,
    description: config.description,
    pageUrl: absoluteUrl(config, sitePaths.home),
    feedUrl: absoluteUrl(config, feedPath),
  });
  return [
    siteFile(sitePaths.rss, renderRss(posts, config, channel(sitePaths.rss)), 'rss'),
    siteFile(sitePaths.atom, renderAtom(posts, config, channel(sitePaths.atom)), 'atom'),
    siteFile(sitePaths.json, renderJsonFeed(posts, config, channel(sitePaths.json)), 'jsonFeed'),
  ];
}
