import type { PublishedPost, SiteConfig, SiteFile } from '../types.js';
import { renderFeeds } from './feeds.js';
import { renderIndexPages } from './index-page.js';
import { renderPostPage } from './post-page.js';
import { renderRobots, renderSitemap } from './sitemap.js';
import { renderStylesheet } from './styles.js';
import { renderTagPages } from './tag-pages.js';
import { compareStrings } from './text.js';

// The publish step renders only changed posts' pages, then `globalFiles`; it orders posts the same way.
export { renderPostPage } from './post-page.js';
export { sortNewestFirst } from './order.js';

function sortedByPath(files: readonly SiteFile[]): SiteFile[] {
  const sorted = [...files].sort((a, b) => compareStrings(a.path, b.path));
  sorted.forEach((file, index) => {
    if (index > 0 && sorted[index - 1]!.path === file.path) throw new Error(`Two site files have the path ${file.path}`);
  });
  return sorted;
}

export interface GlobalFilesOptions {
  /**
   * Render the pages and feed of these tags (slugs) only; the tag index is always rendered. Absent: every tag.
   * The publisher passes the tags of the posts that changed: no other tag's files can have changed.
   */
  readonly tags?: ReadonlySet<string>;
}

/**
 * Every file that depends on the whole set of posts: home page, tag pages and feeds, site feeds, sitemap,
 * robots.txt and the stylesheet; sorted by path. Everything `buildSite` gives except the post pages, so
 * publishing one post re-renders that post's page plus these.
 */
export function globalFiles(posts: readonly PublishedPost[], config: SiteConfig, options: GlobalFilesOptions = {}): SiteFile[] {
  return sortedByPath([
    ...renderIndexPages(posts, config),
    ...renderTagPages(posts, config, options.tags),
    ...renderFeeds(posts, config),
    ...renderSitemap(posts, config),
    renderRobots(config),
    renderStylesheet(),
  ]);
}

/** The whole site for the published `posts` (drafts already removed), sorted by path. */
export function buildSite(posts: readonly PublishedPost[], config: SiteConfig): SiteFile[] {
  return sortedByPath([...posts.map((post) => renderPostPage(post, config)), ...globalFiles(posts, config)]);
}
