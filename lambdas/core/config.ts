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
};

/** Merge overrides onto the defaults and normalise the site URL (no trailing slash). */
export function resolveSiteConfig(overrides: Partial<SiteConfig> = {}): SiteConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const merged = { ...DEFAULT_SITE_CONFIG, ...defined } as SiteConfig;
  const url = new URL(merged.siteUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`siteUrl must be an http(s) URL, got ${merged.siteUrl}`);
  }
  return { ...merged, siteUrl: url.href.replace(/\/+$/, '') };
}

/** Absolute URL for a site-relative path (`''` is the home page); non-ASCII slugs are percent-encoded. */
export function absoluteUrl(config: SiteConfig, path: string): string {
  return `${config.siteUrl}/${encodeURI(path.replace(/^\/+/, ''))}`;
}
