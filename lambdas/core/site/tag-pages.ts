import { absoluteUrl } from '../config.js';
import { sitePaths } from '../slug.js';
import type { PublishedPost, SiteConfig, SiteFile } from '../types.js';
import { renderRss } from './feeds.js';
import { siteFile } from './files.js';
import { html } from './html.js';
import { renderPage } from './layout.js';
import { tagsOf, type TagGroup } from './order.js';
import { renderPostList } from './post-list.js';
import { extraSitePaths } from './urls.js';

function postCount(count: number): string {
  return count === 1 ? '1 post' : `${count} posts`;
}

function renderTagPage(tag: TagGroup, config: SiteConfig): SiteFile {
  const feedUrl = absoluteUrl(config, sitePaths.tagFeed(tag.name));
  const heading = `Posts tagged “${tag.name}”`;
  const main = html`<h1>${heading}</h1>
<p>${postCount(tag.posts.length)} · <a href="${feedUrl}">RSS feed for this tag</a></p>
${renderPostList(tag.posts, config, 'No posts.')}`;
  const body = renderPage(
    {
      lang: config.language,
      title: `${heading} – ${config.title}`,
      socialTitle: heading,
      description: `${postCount(tag.posts.length)} tagged “${tag.name}” on ${config.title}.`,
      canonicalUrl: absoluteUrl(config, sitePaths.tag(tag.name)),
      extraFeeds: [{ title: `${config.title}: ${tag.name} (RSS)`, url: feedUrl }],
    },
    main,
    config,
  );
  return siteFile(sitePaths.tagFile(tag.name), body, 'html');
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

/** For each tag `tags/<slug>/index.html` and its RSS `tags/<slug>/feed.xml`, plus `tags/index.html` listing all tags. */
export function renderTagPages(posts: readonly PublishedPost[], config: SiteConfig): SiteFile[] {
  const tags = tagsOf(posts);
  return [renderTagIndex(tags, config), ...tags.flatMap((tag) => [renderTagPage(tag, config), renderTagFeed(tag, config)])];
}
