import { sitePaths } from './slug.js';
import type { SiteConfig } from './types.js';

/** Defaults for every setting; `resolveSiteConfig` overlays what the caller gives. */
export const DEFAULT_SITE_CONFIG: SiteConfig = {
  siteUrl: 'http://127.0.0.1:8080',
  title: 'Clinic Blog',
  description: 'Articles on ketamine-assisted therapy, depression and mental health.',
  language: 'en',
  feedItemLimit: 50,
  listingPageSize: 20,
  maxPostBytes: 1024 * 1024,
  repeatPolicy: 'link',
  dedupeCode: false,
  boilerplateMinPosts: 3,
  relatedLimit: 4,
  // The icon every site publishes (styles.ts).
  feedIcon: `/${sitePaths.icon}`,
};

/** Merge overrides onto the defaults and normalise the site URL (no trailing slash). */
export function resolveSiteConfig(overrides: Partial<SiteConfig> = {}): SiteConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const merged = { ...DEFAULT_SITE_CONFIG, ...defined } as SiteConfig;
  const url = new URL(merged.siteUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`siteUrl must be an http(s) URL, got ${merged.siteUrl}`);
  }
  const hubs = merged.websubHubs === undefined || merged.websubHubs.length === 0 ? undefined : merged.websubHubs.map(validHubUrl);
  if (merged.indexNowKey !== undefined) validIndexNowKey(merged.indexNowKey);
  validFeedImage(merged.feedIcon, 'feedIcon');
  if (merged.feedLogo !== undefined) validFeedImage(merged.feedLogo, 'feedLogo');
  const { websubHubs: _hubs, ...rest } = merged;
  // Unset settings stay absent (not `undefined`), so a site without them has the very same config as before.
  return { ...rest, siteUrl: url.href.replace(/\/+$/, ''), ...(hubs && { websubHubs: [...new Set(hubs)] }) };
}

/** A WebSub hub must be an absolute http(s) URL; returned as the URL parser writes it. */
export function validHubUrl(hub: string): string {
  let url: URL;
  try {
    url = new URL(hub);
  } catch {
    throw new Error(`WebSub hub must be an http(s) URL, got ${JSON.stringify(hub)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`WebSub hub must be an http(s) URL, got ${JSON.stringify(hub)}`);
  return url.href;
}

/** A feed icon or logo: an absolute http(s) URL, or a path on the site (`/images/logo.png`), which feeds make absolute. */
export function validFeedImage(image: string, setting: string): string {
  const sitePath = image.startsWith('/') && !image.startsWith('//');
  if (!sitePath && !(URL.canParse(image) && /^https?:$/.test(new URL(image).protocol))) {
    throw new Error(`${setting} must be an http(s) URL or a site path starting with /, got ${JSON.stringify(image)}`);
  }
  return image;
}

/** The IndexNow spec: a key has 8 to 128 characters, each a-z, A-Z, 0-9 or '-'. */
const INDEXNOW_KEY = /^[a-zA-Z0-9-]{8,128}$/;

export function validIndexNowKey(key: string): string {
  if (!INDEXNOW_KEY.test(key)) throw new Error(`IndexNow key must be 8 to 128 characters of a-z, A-Z, 0-9 and '-', got ${JSON.stringify(key)}`);
  return key;
}

/** Hubs as given in a deploy context or an environment variable: a JSON list of strings, or comma-separated. */
export function parseHubList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const list: unknown = trimmed.startsWith('[') ? JSON.parse(trimmed) : trimmed.split(',');
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) throw new Error(`WebSub hubs must be a list of URLs, got ${value}`);
  const hubs = (list as string[]).map((hub) => hub.trim()).filter((hub) => hub !== '').map(validHubUrl);
  return hubs.length === 0 ? undefined : hubs;
}

/** Absolute URL for a site-relative path (`''` is the home page); non-ASCII slugs are percent-encoded. */
export function absoluteUrl(config: SiteConfig, path: string): string {
  return `${config.siteUrl}/${encodeURI(path.replace(/^\/+/, ''))}`;
}
