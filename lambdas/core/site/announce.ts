/**
 * What a publish run announces, and where: pure, from the site paths the run changed and deleted
 * (`PublishSummary.changedPaths` / `deletedPaths`) and the site config. Nothing is announced unless configured.
 *
 * - WebSub (W3C Recommendation): every changed feed (site feeds and tag feeds) is announced to every configured hub
 *   with `hub.mode=publish&hub.url=<feed URL>`; the hub then fetches it and pushes it to its subscribers.
 * - IndexNow (indexnow.org): the changed and deleted pages (in the address readers use: `/posts/x/`, `/`, `/tags/x/`)
 *   are submitted with the site's key; feeds, sitemaps, robots.txt, the stylesheet, the icon and the key file are
 *   not pages and are left out. At most `INDEXNOW_MAX_URLS` URLs a request, as the protocol allows.
 */
import { absoluteUrl } from '../config.js';
import { sitePaths } from '../slug.js';
import type { SiteConfig, SiteFile } from '../types.js';
import { siteFile } from './files.js';
import { compareStrings } from './text.js';

/** The IndexNow protocol's limit of URLs per POST. */
export const INDEXNOW_MAX_URLS = 10_000;

/** The shared endpoint: it forwards every submission to all participating search engines. */
export const INDEXNOW_ENDPOINT = 'https://api.indexnow.org/indexnow';

/** The site path of the IndexNow key file: `<key>.txt` at the site's root. */
export function indexNowKeyPath(key: string): string {
  return `${key}.txt`;
}

/** The key file search engines fetch to check a submission is the site's own: the key, as plain text. */
export function renderIndexNowKeyFile(config: SiteConfig): SiteFile[] {
  return config.indexNowKey === undefined ? [] : [siteFile(indexNowKeyPath(config.indexNowKey), config.indexNowKey, 'plainText')];
}

/** One IndexNow POST body (JSON), as the protocol names its fields. */
export interface IndexNowSubmission {
  readonly host: string;
  readonly key: string;
  readonly keyLocation: string;
  readonly urlList: readonly string[];
}

/** The message the publisher queues for the notifier after a run: what to announce where. */
export interface Announcement {
  /** Each feed URL is announced to each hub. */
  readonly websub?: { readonly hubs: readonly string[]; readonly feedUrls: readonly string[] };
  /** One request each. */
  readonly indexNow?: readonly IndexNowSubmission[];
}

/** A feed of the site: `feed.xml`, `atom.xml`, `feed.json`, or a tag's `tags/<tag>/feed.xml`. */
export function isFeedPath(path: string): boolean {
  return path === sitePaths.rss || path === sitePaths.atom || path === sitePaths.json || /^tags\/[^/]+\/feed\.xml$/.test(path);
}

/** A page's address as readers use it (the folder for an `index.html`), or undefined for a file that is no page. */
export function pageAddress(path: string): string | undefined {
  if (path === sitePaths.homeFile) return sitePaths.home;
  if (path.endsWith('/index.html')) return path.slice(0, -'index.html'.length);
  if (path.endsWith('.html')) return path;
  return undefined;
}

function sortedUnique(urls: Iterable<string>): string[] {
  return [...new Set(urls)].sort(compareStrings);
}

/** What to announce for a run that changed `changedPaths` and deleted `deletedPaths`; undefined: nothing. */
export function announcementFor(changedPaths: readonly string[], deletedPaths: readonly string[], config: SiteConfig): Announcement | undefined {
  const hubs = config.websubHubs ?? [];
  const feedUrls = hubs.length === 0 ? [] : sortedUnique(changedPaths.filter(isFeedPath).map((path) => absoluteUrl(config, path)));
  const key = config.indexNowKey;
  const pageUrls = key === undefined ? [] : sortedUnique([...changedPaths, ...deletedPaths].flatMap((path) => {
    const address = pageAddress(path);
    return address === undefined ? [] : [absoluteUrl(config, address)];
  }));
  const websub = feedUrls.length > 0 ? { hubs: [...hubs], feedUrls } : undefined;
  const indexNow = key !== undefined && pageUrls.length > 0 ? indexNowSubmissions(pageUrls, key, config) : undefined;
  if (websub === undefined && indexNow === undefined) return undefined;
  return { ...(websub && { websub }), ...(indexNow && { indexNow }) };
}

/** `urls` (absolute, of this site) in requests of at most `maxUrls` each. */
export function indexNowSubmissions(urls: readonly string[], key: string, config: SiteConfig, maxUrls = INDEXNOW_MAX_URLS): IndexNowSubmission[] {
  const host = new URL(config.siteUrl).host;
  const keyLocation = absoluteUrl(config, indexNowKeyPath(key));
  const batches: IndexNowSubmission[] = [];
  for (let start = 0; start < urls.length; start += maxUrls) {
    batches.push({ host, key, keyLocation, urlList: urls.slice(start, start + maxUrls) });
  }
  return batches;
}

/**
 * The queue messages for `announcement`: one, unless its JSON exceeds `maxBytes` (SQS takes 256 KiB a message; a
 * rebuild of a large site changes more pages than that holds), when the IndexNow URLs are spread over several
 * messages, the WebSub part riding in the first.
 */
export function announcementMessages(announcement: Announcement, maxBytes = 240_000): string[] {
  const whole = JSON.stringify(announcement);
  if (Buffer.byteLength(whole) <= maxBytes) return [whole];
  const messages: string[] = [];
  let websub = announcement.websub;
  for (const submission of announcement.indexNow ?? []) {
    let urls: string[] = [];
    let bytes = 0;
    const overhead = Buffer.byteLength(JSON.stringify({ websub, indexNow: [{ ...submission, urlList: [] }] }));
    const flush = () => {
      if (urls.length === 0) return;
      messages.push(JSON.stringify({ ...(websub && { websub }), indexNow: [{ ...submission, urlList: urls }] }));
      websub = undefined;
      urls = [];
      bytes = 0;
    };
    for (const url of submission.urlList) {
      const size = Buffer.byteLength(JSON.stringify(url)) + 1;
      if (urls.length > 0 && overhead + bytes + size > maxBytes) flush();
      urls.push(url);
      bytes += size;
    }
    flush();
  }
  if (websub) messages.unshift(JSON.stringify({ websub }));
  return messages;
}
