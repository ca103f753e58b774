import { absoluteUrl } from '../config.js';
import { sitePaths } from '../slug.js';
import type { PublishedPost, SiteConfig } from '../types.js';

/** Absolute URL of a post's own page on this site. */
export function postUrl(post: PublishedPost, config: SiteConfig): string {
  return absoluteUrl(config, sitePaths.post(post.slug));
}

/** Site-relative paths that `sitePaths` (owned by the core) does not have. */
export const extraSitePaths = {
  tagIndex: 'tags/',
  tagIndexFile: 'tags/index.html',
  /** Part `n` (1-based) of a sitemap split by `renderSitemap`. */
  sitemapPart: (n: number) => `sitemaps/sitemap-${n}.xml`,
} as const;

/** The tag slug of a file under a tag's folder (`tags/<slug>/…`), or undefined for any other path (`tags/index.html` included). */
export function tagSlugOfPath(path: string): string | undefined {
  const match = /^tags\/([^/]+)\/./.exec(path);
  return match?.[1];
}
