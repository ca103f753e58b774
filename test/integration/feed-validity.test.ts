/**
 * Are the feeds valid, and do readers get what they need from them? Every feed (RSS, Atom, JSON Feed, tag feeds) of
 * two sites is checked:
 * - a fixture whose posts are all dated, with images, relative links and every character an escaper can get wrong;
 * - the seed site (content/), built by the in-process engine.
 * The checks: a strict XML parse; what two reader libraries (rss-parser, @rowanmanning/feed-parser) find in every
 * item; the JSON Feed 1.1 schema; and the rules of the W3C feed validator (validator.w3.org/feed) these feeds could
 * break, written as assertions. The validator itself (Python, vendored in test/vendor/feedvalidator) runs over every
 * feed too, at its online level ("AA"), when a Python 3 with html5lib is found (see `W3C_SOURCE`).
 *
 * Dates: four of the five seed posts have no `date`; they are dated by when they were first published (their first
 * commit here), so every item of every feed carries a date (before that, Atom said 1970 and RSS had no pubDate).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { buildSite } from '../../lambdas/core/site/site.js';
import type { SiteConfig, SiteFile } from '../../lambdas/core/types.js';
import { buildInProcess } from '../../lambdas/local/in-process.js';
import { anonymousPost, config as fixtureConfig, japanesePost, makePost, nastyPost } from '../site/fixtures.js';
import { jsonFeedSchemasPresent, validateJsonFeed } from '../site/json-schema.js';

type Parsed = Record<string, any>;

const xml = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false,
  isArray: (name) => ['item', 'entry', 'link', 'atom:link', 'enclosure', 'media:content', 'author', 'category'].includes(name),
});
const rssParser = new Parser();

const isFeed = (file: SiteFile) => file.path.endsWith('feed.xml') || file.path === 'atom.xml' || file.path === 'feed.json';
const feedUrl = (config: SiteConfig, file: SiteFile) => `${config.siteUrl}/${encodeURI(file.path)}`;

/** RFC 822 as RSS 2.0 uses it, with the 4-digit year the W3C validator asks for (RFC 2822 §3.3). */
const RFC_822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/;
/** RFC 3339 date-time, as Atom requires. */
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** The W3C validator's own MIME check (feedvalidator/validators.py `mime_re`). */
const MIME = /^[^\s()<>,;:\\"/[\]?=]+\/[^\s()<>,;:\\"/[\]?=]+(\s*;\s*[^\s()<>,;:\\"/[\]?=]+=("(\\"|[^"])*"|[^\s()<>,;:\\"/[\]?=]+))*$/;
/** The validator calls a date before 1990 implausible. */
const plausible = (date: Date) => !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1990;
const isHttpUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\//.test(value) && URL.canParse(value);

/** Every URL-valued attribute in the start tags of some HTML, decoded (the test's own scan, not the code's). */
function urlsInHtml(html: string): string[] {
  return [...html.matchAll(/<[a-zA-Z][^>]*?\s(?:href|src|cite|longdesc|poster)\s*=\s*"([^"]*)"/g)]
    .map((match) => match[1]!.replace(/&#x26;|&amp;/g, '&'));
}

/** The W3C validator's rule for content: no relative reference (no scheme). */
function relativeUrls(html: string): string[] {
  return urlsInHtml(html).filter((url) => !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url));
}

interface FeedSite {
  readonly config: SiteConfig;
  readonly files: readonly SiteFile[];
}

/** What is wrong with an RSS feed, by the W3C validator's rules; `datesRequired`: every item must have a pubDate. */
function rssProblems(site: FeedSite, file: SiteFile, dates: 'checked' | 'required'): string[] {
  const problems: string[] = [];
  const rss = xml.parse(file.body).rss as Parsed;
  const channel = rss['channel'] as Parsed;
  if (rss['@_version'] !== '2.0') problems.push('not RSS 2.0');
  for (const field of ['title', 'link', 'description']) if (channel[field] === undefined) problems.push(`channel has no ${field}`);
  const self = (channel['atom:link'] as Parsed[] | undefined ?? []).filter((link) => link['@_rel'] === 'self');
  if (self.length !== 1 || self[0]!['@_href'] !== feedUrl(site.config, file) || self[0]!['@_type'] !== 'application/rss+xml') {
    problems.push(`atom:link rel="self" is not ${feedUrl(site.config, file)}: ${JSON.stringify(self)}`);
  }
  if (!RFC_822.test(channel['lastBuildDate']) || !plausible(new Date(channel['lastBuildDate']))) problems.push(`lastBuildDate ${channel['lastBuildDate']}`);
  for (const item of (channel['item'] as Parsed[] | undefined) ?? []) {
    // `link` is a list here (Atom's link elements share the name); an RSS item has one.
    const links = (item['link'] as string[] | undefined) ?? [];
    const name = String(item['title'] ?? links[0]);
    if (!item['title']) problems.push(`${name}: no title`);
    if (links.length !== 1 || !isHttpUrl(links[0])) problems.push(`${name}: link ${JSON.stringify(links)}`);
    const guid = item['guid'] as Parsed | undefined;
    // isPermaLink defaults to true, and then the guid must be a URL; ours are ids, so marked false.
    if (guid === undefined || (guid['@_isPermaLink'] !== 'false' && !isHttpUrl(guid['#text']))) problems.push(`${name}: guid ${JSON.stringify(guid)}`);
    const pubDate = item['pubDate'] as string | undefined;
    if (pubDate === undefined ? dates === 'required' : !RFC_822.test(pubDate) || !plausible(new Date(pubDate))) problems.push(`${name}: pubDate ${pubDate}`);
    for (const enclosure of (item['enclosure'] as Parsed[] | undefined) ?? []) {
      if (!isHttpUrl(enclosure['@_url']) || !MIME.test(enclosure['@_type'] ?? '') || !/^\d+$/.test(enclosure['@_length'] ?? '')) problems.push(`${name}: enclosure ${JSON.stringify(enclosure)}`);
    }
    if (((item['enclosure'] as Parsed[] | undefined) ?? []).length > 1) problems.push(`${name}: more than one enclosure`);
    for (const media of (item['media:content'] as Parsed[] | undefined) ?? []) {
      if (!isHttpUrl(media['@_url']) || !MIME.test(media['@_type'] ?? '')) problems.push(`${name}: media:content ${JSON.stringify(media)}`);
    }
    for (const url of relativeUrls(String(item['content:encoded'] ?? ''))) problems.push(`${name}: relative URL in content:encoded: ${url}`);
  }
  if (channel['image'] !== undefined && (!isHttpUrl(channel['image']['url']) || channel['image']['title'] !== channel['title'])) problems.push(`image ${JSON.stringify(channel['image'])}`);
  return problems;
}

/** What is wrong with an Atom feed, by RFC 4287 and the W3C validator's rules. */
function atomProblems(site: FeedSite, file: SiteFile): string[] {
  const problems: string[] = [];
  const feed = xml.parse(file.body).feed as Parsed;
  for (const field of ['id', 'title', 'updated']) if (feed[field] === undefined) problems.push(`feed has no ${field}`);
  const links = (feed['link'] as Parsed[] | undefined) ?? [];
  if (links.filter((link) => link['@_rel'] === 'self').map((link) => link['@_href']).join() !== feedUrl(site.config, file)) problems.push('link rel="self" is not the feed\'s URL');
  if (!RFC_3339.test(feed['updated']) || !plausible(new Date(feed['updated']))) problems.push(`feed updated ${feed['updated']}`);
  for (const field of ['icon', 'logo']) if (feed[field] !== undefined && !isHttpUrl(feed[field])) problems.push(`${field} ${feed[field]}`);
  const entries = (feed['entry'] as Parsed[] | undefined) ?? [];
  const everyEntryAuthored = entries.every((entry) => entry['author'] !== undefined);
  if (feed['author'] === undefined && !everyEntryAuthored) problems.push('an entry without author in a feed without author');
  const updatedSeen = new Set<string>();
  for (const entry of entries) {
    const name = String(entry['id']);
    if (!URL.canParse(entry['id'])) problems.push(`${name}: id is not an IRI`);
    if (entry['title'] === undefined) problems.push(`${name}: no title`);
    const alternate = ((entry['link'] as Parsed[] | undefined) ?? []).filter((link) => (link['@_rel'] ?? 'alternate') === 'alternate');
    if (alternate.length !== 1 || !isHttpUrl(alternate[0]!['@_href'])) problems.push(`${name}: alternate link ${JSON.stringify(alternate)}`);
    for (const enclosure of ((entry['link'] as Parsed[] | undefined) ?? []).filter((link) => link['@_rel'] === 'enclosure')) {
      if (!isHttpUrl(enclosure['@_href']) || !MIME.test(enclosure['@_type'] ?? '')) problems.push(`${name}: enclosure ${JSON.stringify(enclosure)}`);
    }
    for (const field of ['updated', 'published']) {
      const value = entry[field] as string | undefined;
      if (value === undefined ? field === 'updated' : !RFC_3339.test(value) || !plausible(new Date(value))) problems.push(`${name}: ${field} ${value}`);
    }
    // The validator warns about two entries with the same atom:updated.
    if (updatedSeen.has(entry['updated'])) problems.push(`${name}: same updated as another entry: ${entry['updated']}`);
    updatedSeen.add(entry['updated']);
    for (const url of relativeUrls(String(entry['content']?.['#text'] ?? ''))) problems.push(`${name}: relative URL in content: ${url}`);
  }
  return problems;
}

/** What is wrong with a JSON Feed: the schema, its own URL, and every item's id, url, title, date and content URLs. */
function jsonFeedProblems(site: FeedSite, file: SiteFile, dates: 'checked' | 'required'): string[] {
  const feed = JSON.parse(file.body) as Parsed;
  const problems = jsonFeedSchemasPresent ? validateJsonFeed(feed) : [];
  if (feed['feed_url'] !== feedUrl(site.config, file)) problems.push(`feed_url ${feed['feed_url']}`);
  for (const field of ['icon', 'favicon']) if (feed[field] !== undefined && !isHttpUrl(feed[field])) problems.push(`${field} ${feed[field]}`);
  for (const item of feed['items'] as Parsed[]) {
    const name = String(item['id']);
    if (!item['title'] || !isHttpUrl(item['url'])) problems.push(`${name}: title or url missing`);
    if (item['image'] !== undefined && !isHttpUrl(item['image'])) problems.push(`${name}: image ${item['image']}`);
    if (item['date_published'] === undefined ? dates === 'required' : !RFC_3339.test(item['date_published'])) problems.push(`${name}: date_published ${item['date_published']}`);
    for (const url of relativeUrls(String(item['content_html'] ?? ''))) problems.push(`${name}: relative URL in content_html: ${url}`);
  }
  return problems;
}

function problemsOf(site: FeedSite, file: SiteFile, dates: 'checked' | 'required'): string[] {
  if (file.path === 'feed.json') return jsonFeedProblems(site, file, dates);
  if (XMLValidator.validate(file.body) !== true) return ['not well-formed XML'];
  return file.path === 'atom.xml' ? atomProblems(site, file) : rssProblems(site, file, dates);
}

/** What the reader libraries find missing in an XML feed's items: title, link, id, and (`dates: 'required'`) a date. */
async function readerProblems(file: SiteFile, dates: 'checked' | 'required'): Promise<string[]> {
  const problems: string[] = [];
  const byRssParser = await rssParser.parseString(file.body);
  for (const item of byRssParser.items) {
    const id = item.guid ?? (item as { id?: string }).id;
    if (!item.title || !item.link || !id) problems.push(`rss-parser: ${item.title}: title, link or id missing`);
    if (dates === 'required' && !(item.isoDate && plausible(new Date(item.isoDate)))) problems.push(`rss-parser: ${item.title}: no plausible date (${item.isoDate})`);
    if (item.enclosure && !(item.enclosure.url && item.enclosure.type && item.enclosure.length !== undefined)) problems.push(`rss-parser: ${item.title}: enclosure ${JSON.stringify(item.enclosure)}`);
  }
  const byFeedParser = parseFeed(file.body);
  for (const item of byFeedParser.items) {
    if (!item.title || !item.url || !item.id) problems.push(`feed-parser: ${item.title}: title, url or id missing`);
    const date = item.published ?? item.updated;
    if (dates === 'required' && !(date && plausible(date))) problems.push(`feed-parser: ${item.title}: no plausible date`);
    for (const media of item.media) if (!media.url || !media.mimeType) problems.push(`feed-parser: ${item.title}: media ${JSON.stringify(media)}`);
  }
  if (byRssParser.items.length !== byFeedParser.items.length) problems.push('the two parsers see different numbers of items');
  return problems;
}

/**
 * The W3C feed validator: vendored in test/vendor/feedvalidator (MIT, github.com/w3c/feedvalidator at 43dabeb2), run
 * by a Python 3 that has html5lib (Debian's `python3-html5lib`, which `.ci/run` installs). Without one, the tests
 * that run it are skipped with the reason printed; `FEEDVALIDATOR_SRC` / `FEEDVALIDATOR_PYTHON` choose others.
 */
const W3C_SOURCE_DEFAULT = fileURLToPath(new URL('../vendor/feedvalidator', import.meta.url));
const W3C_PYTHON = process.env['FEEDVALIDATOR_PYTHON']
  ?? ['/usr/bin/python3', 'python3'].find((python) => spawnSync(python, ['-c', 'import html5lib'], { stdio: 'ignore' }).status === 0)
  ?? 'python3';
const W3C_SOURCE = process.env['FEEDVALIDATOR_SRC']
  ?? (spawnSync(W3C_PYTHON, ['-c', 'import html5lib'], { stdio: 'ignore' }).status === 0 ? W3C_SOURCE_DEFAULT : undefined);
if (W3C_SOURCE === undefined) {
  console.warn('feed-validity: no Python 3 with html5lib (apt-get install python3-html5lib): the W3C feed validator tests are skipped');
}
const W3C_SCRIPT = `
import sys
sys.path.insert(0, sys.argv[1])
import feedvalidator
from feedvalidator import compatibility
from feedvalidator.formatter.text_plain import Formatter
with open(sys.argv[2], 'rb') as f:
    try:
        events = feedvalidator.validateStream(f, firstOccurrenceOnly=0, base=sys.argv[3])['loggedEvents']
    except feedvalidator.logging.ValidationFailure as failure:
        events = [failure.event]
print('\\n'.join(Formatter(compatibility.AA(events))))
`;

/** The W3C validator's messages (errors and warnings at its online level) for each XML feed of `site`. */
function w3cMessages(site: FeedSite): Map<string, string[]> {
  const folder = mkdtempSync(join(tmpdir(), 'feedvalidator-'));
  try {
    const messages = new Map<string, string[]>();
    for (const file of site.files.filter((candidate) => isFeed(candidate) && candidate.path !== 'feed.json')) {
      const path = join(folder, file.path.replace(/\//g, '_'));
      writeFileSync(path, file.body);
      const run = spawnSync(W3C_PYTHON, ['-c', W3C_SCRIPT, W3C_SOURCE!, path, feedUrl(site.config, file)], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`feedvalidator failed on ${file.path}: ${run.stderr}`);
      messages.set(file.path, run.stdout.split('\n').filter((line) => line.trim() !== ''));
    }
    return messages;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}


describe('the feeds of a site whose posts are all dated (with images, relative links and hostile text)', () => {
  const config = resolveSiteConfig({ ...fixtureConfig, feedLogo: '/images/logo.png' });
  const pictured = makePost({ key: 'pictured.md', slug: 'pictured', image: 'https://blog.example.com/images/lead%20photo.JPG?w=800&h=400', date: '2024-07-01T00:00:00.000Z', updated: '2024-07-02T00:00:00.000Z', tags: ['Ketamine'] });
  const linking = makePost({
    key: 'linking.md', slug: 'linking', date: '2024-05-01T00:00:00.000Z', updated: '2024-05-03T00:00:00.000Z', tags: ['Ketamine'], image: 'https://cdn.example/no-extension',
    contentHtml: '<p><a href="../pictured/">sibling</a> <a href="#part">part</a> <a href="/tags/ketamine/?a=1&#x26;b=2">tag</a> <img src="pic.png" alt=""></p><blockquote cite="src.html"><p>q</p></blockquote>',
  });
  const site: FeedSite = { config, files: buildSite([nastyPost, japanesePost, anonymousPost, pictured, linking], config).filter(isFeed) };

  it('has the site feeds and a feed per tag, and carries images and links the checks can see', () => {
    expect(site.files.map((file) => file.path)).toEqual(expect.arrayContaining(['atom.xml', 'feed.json', 'feed.xml', 'tags/ketamine/feed.xml']));
    const rss = site.files.find((file) => file.path === 'feed.xml')!.body;
    expect(rss).toContain('<enclosure ');
    expect(rss).toContain('<media:content ');
    expect(urlsInHtml(rss).length).toBeGreaterThan(4);
  });

  it.each(site.files.map((file) => [file.path, file] as const))('%s breaks none of the W3C validator\'s rules checked here, dates included', (_path, file) => {
    expect(problemsOf(site, file, 'required')).toEqual([]);
  });

  it.each(site.files.filter((file) => file.path !== 'feed.json').map((file) => [file.path, file] as const))('%s: both reader libraries find a title, link, id and date in every item', async (_path, file) => {
    expect(await readerProblems(file, 'required')).toEqual([]);
  });

  it('the checks catch what they check: a relative link, a bad date, a missing enclosure length, a wrong self link', () => {
    const rss = site.files.find((file) => file.path === 'feed.xml')!;
    const broken = (body: string): SiteFile => ({ ...rss, body });
    expect(problemsOf(site, broken(rss.body.replace('href="https://blog.example.com/posts/pictured/"', 'href="../pictured/"')), 'required')).toEqual([expect.stringContaining('relative URL')]);
    expect(problemsOf(site, broken(rss.body.replace(/<pubDate>[^<]*<\/pubDate>/, '<pubDate>2024-07-01</pubDate>')), 'required')).toEqual([expect.stringContaining('pubDate')]);
    expect(problemsOf(site, broken(rss.body.replace(/<pubDate>[^<]*<\/pubDate>/, '')), 'required')).toEqual([expect.stringContaining('pubDate undefined')]);
    expect(problemsOf(site, broken(rss.body.replace(' length="0"', '')), 'required')).toEqual([expect.stringContaining('enclosure')]);
    expect(problemsOf(site, broken(rss.body.replace('href="https://blog.example.com/feed.xml"', 'href="https://blog.example.com/rss.xml"')), 'required')).toEqual([expect.stringContaining('rel="self"')]);
  });

  it.skipIf(W3C_SOURCE === undefined)('pass the W3C feed validator itself without an error or warning (all but the hostile text)', () => {
    // The hostile texts (site title `Clinic & Co <Blog> &amp; more`, a post title with `<script>`) are escaped right,
    // but the validator warns, by a heuristic, that plain text with `<` in it "should not contain HTML" (RSS text is
    // ambiguous). The rest of the site, with texts that are not markup-like, passes.
    const plainConfig = resolveSiteConfig({ ...config, title: 'Clinic & Co: notes on "therapy"', description: 'Research & practice.' });
    const plain: FeedSite = { config: plainConfig, files: buildSite([japanesePost, anonymousPost, pictured, linking], plainConfig).filter(isFeed) };
    for (const [path, messages] of w3cMessages(plain)) expect(messages, path).toEqual([]);
  }, 60_000);
});

describe('the feeds of the seed site (content/), built by the in-process engine', () => {
  const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com' });
  let site: FeedSite;

  beforeAll(async () => {
    const result = await buildInProcess({ contentDir: join(import.meta.dirname, '..', '..', 'content'), config });
    site = { config, files: result.files.filter(isFeed) };
  }, 120_000);
  afterAll(() => { site = undefined as never; });

  it('has the site feeds and the tag feeds', () => {
    expect(site.files.map((file) => file.path)).toEqual(expect.arrayContaining(['atom.xml', 'feed.json', 'feed.xml']));
    expect(site.files.filter((file) => file.path.startsWith('tags/')).length).toBeGreaterThan(2);
  });

  it('breaks none of the W3C validator\'s rules checked here, dates included: parse, dates, self links, ids, links, enclosures, absolute URLs', () => {
    for (const file of site.files) expect(problemsOf(site, file, 'required'), file.path).toEqual([]);
  });

  it('both reader libraries find a title, link, id and a plausible date in every item (four of the five seed posts are undated: dated by first publication)', async () => {
    for (const file of site.files.filter((candidate) => candidate.path !== 'feed.json')) expect(await readerProblems(file, 'required'), file.path).toEqual([]);
  });

  it.skipIf(W3C_SOURCE === undefined)('pass the W3C feed validator itself without any message', () => {
    for (const [path, messages] of w3cMessages(site)) expect(messages, path).toEqual([]);
  }, 60_000);
});
