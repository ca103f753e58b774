import { absoluteUrl } from '../config.js';
import { sitePaths } from '../slug.js';
import type { PublishedPost, SiteConfig, SiteFile } from '../types.js';
import { renderRss } from './feeds.js';
import { siteFile } from './files.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { tagsOf, type TagGroup } from './order.js';
import { archivePagePath, paginate, paginationNav } from './pagination.js';
import { renderPostList } from './post-list.js';
import { extraSitePaths } from './urls.js';

function postCount(count: number): string {
  return count === 1 ? '1 post' : `${count} posts`;
}

/** A tag's page `tags/<slug>/` (its newest posts) and its archive pages `tags/<slug>/page/<n>/` (see `paginate`). */
function renderTagListing(tag: TagGroup, config: SiteConfig): SiteFile[] {
  const basePath = sitePaths.tag(tag.name);
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
  const archivePages = archive.map((older) => {
    const path = archivePagePath(basePath, older.number);
    const title = `${heading}, page ${older.number}`;
    return siteFile(`${path}index.html`, page(path, title, html`<h1>${title}</h1>
${renderPostList(older.posts, config, 'No posts.')}
${paginationNav(basePath, older.number, archive.length, config)}`, `Older posts tagged “${tag.name}” on ${config.title}, page ${older.number} (oldest first).`), 'html');
  });
  return [siteFile(sitePaths.tagFile(tag.name), firstPage, 'html'), ...archivePages];
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
  const tags = tagsOf(posts);
  const rendered = only === undefined ? tags : tags.filter((tag) => only.has(tag.slug));
  return [renderTagIndex(tags, config), ...rendered.flatMap((tag) => [...renderTagListing(tag, config), renderTagFeed(tag, config)])];
}
