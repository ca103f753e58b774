import { absoluteUrl } from '../config.js';
import { sitePaths } from '../slug.js';
import type { PublishedPost, SiteConfig, SiteFile } from '../types.js';
import { renderRss } from './feeds.js';
import { siteFile } from './files.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { tagsOf, type TagGroup } from './order.js';
import { archivePagePath, archivePagesToRender, paginate, paginationNav, type ListingFiles, type PreviousListing } from './pagination.js';
import { renderPostList } from './post-list.js';
import { extraSitePaths } from './urls.js';

function postCount(count: number): string {
  return count === 1 ? '1 post' : `${count} posts`;
}

/** A tag's page `tags/<slug>/` (its newest posts) and its archive pages `tags/<slug>/page/<n>/` (see `paginate`). */
function renderTagListing(tag: TagGroup, config: SiteConfig, previous: TagGroup | undefined, unchanged: (post: PublishedPost) => boolean): ListingFiles {
  const basePath = sitePaths.tag(tag.name);
  // A tag shown under another name (a new spelling sorts first) changes every page's heading.
  const render = archivePagesToRender(tag.posts, config.listingPageSize, previous?.name === tag.name ? previous.posts : undefined, unchanged);
  const feedUrl = absoluteUrl(config, sitePaths.tagFeed(tag.name));
  const heading = `Posts tagged “${tag.name}”`;
  const { first, archive } = paginate(tag.posts, config.listingPageSize);
  const page = (path: string, title: string, main: SafeHtml, description: string) => renderPage(
    {
      lang: config.language,
      title: `${title} – ${config.title}`,
      socialTitle: title,
      description,
      canonicalUrl: absoluteUrl(config, path),
      extraFeeds: [{ title: `${config.title}: ${tag.name} (RSS)`, url: feedUrl }],
    },
    main,
    config,
  );
  const firstPage = page(basePath, heading, html`<h1>${heading}</h1>
<p>${postCount(tag.posts.length)} · <a href="${feedUrl}">RSS feed for this tag</a></p>
${renderPostList(first, config, 'No posts.')}
${paginationNav(basePath, undefined, archive.length, config)}`, `${postCount(tag.posts.length)} tagged “${tag.name}” on ${config.title}.`);
  const kept = archive.filter((older) => !render(older.number)).map((older) => `${archivePagePath(basePath, older.number)}index.html`);
  const archivePages = archive.filter((older) => render(older.number)).map((older) => {
    const path = archivePagePath(basePath, older.number);
    const title = `${heading}, page ${older.number}`;
    return siteFile(`${path}index.html`, page(path, title, html`<h1>${title}</h1>
${renderPostList(older.posts, config, 'No posts.')}
${paginationNav(basePath, older.number, archive.length, config)}`, `Older posts tagged “${tag.name}” on ${config.title}, page ${older.number} (oldest first).`), 'html');
  });
  return { files: [siteFile(sitePaths.tagFile(tag.name), firstPage, 'html'), ...archivePages], kept };
}

function renderTagFeed(tag: TagGroup, config: SiteConfig): SiteFile {
  const rss = renderRss(tag.posts, config, {
    title: `${config.title}: ${tag.name}`,
    description: `Posts tagged “${tag.name}” on ${config.title}.`,
    pageUrl: absoluteUrl(config, sitePaths.tag(tag.name)),
    feedUrl: absoluteUrl(config, sitePaths.tagFeed(tag.name)),
  });
  return siteFile(sitePaths.tagFeed(tag.name), rss, 'rss');
}

function renderTagIndex(tags: readonly TagGroup[], config: SiteConfig): SiteFile {
  const list =
    tags.length === 0
      ? html`<p class="empty">No tags yet.</p>`
      : html`<ul class="tag-index">
${tags.map(
  (tag) => html`<li><a href="${absoluteUrl(config, sitePaths.tag(tag.name))}">${tag.name}</a> <span class="count">(${tag.posts.length})</span></li>
`,
)}</ul>`;
  const body = renderPage(
    {
      lang: config.language,
      title: `Tags – ${config.title}`,
      socialTitle: 'Tags',
      description: `All topics on ${config.title}.`,
      canonicalUrl: absoluteUrl(config, extraSitePaths.tagIndex),
    },
    html`<h1>Tags</h1>\n${list}`,
    config,
  );
  return siteFile(extraSitePaths.tagIndexFile, body, 'html');
}

/**
 * For each tag (each tag in `only`, when given) `tags/<slug>/index.html` with its archive pages and its RSS
 * `tags/<slug>/feed.xml`, plus `tags/index.html` listing all tags.
 */
export function renderTagPages(posts: readonly PublishedPost[], config: SiteConfig, only?: ReadonlySet<string>): SiteFile[] {
  return renderTagListings(posts, config, only).files;
}

/**
 * `renderTagPages`; with `previous`, archive pages of the rendered tags whose content cannot have changed since
 * are not rendered: their paths are returned as `kept`.
 */
export function renderTagListings(posts: readonly PublishedPost[], config: SiteConfig, only?: ReadonlySet<string>, previous?: PreviousListing): ListingFiles {
  const tags = tagsOf(posts);
  const rendered = only === undefined ? tags : tags.filter((tag) => only.has(tag.slug));
  const previousTags = previous && new Map(tagsOf(previous.newestFirst).map((tag) => [tag.slug, tag]));
  const files = [renderTagIndex(tags, config)];
  const kept: string[] = [];
  for (const tag of rendered) {
    const listing = renderTagListing(tag, config, previousTags?.get(tag.slug), previous?.unchanged ?? (() => false));
    files.push(...listing.files, renderTagFeed(tag, config));
    kept.push(...listing.kept);
  }
  return { files, kept };
}
