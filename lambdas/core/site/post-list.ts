import type { PublishedPost, SiteConfig } from '../types.js';
import { html, joinHtml, type SafeHtml } from './html.js';
import { displayDate } from './text.js';
import { postUrl } from './urls.js';

/** `<time>` showing the UTC date, with the full timestamp machine-readable. */
export function timeElement(isoTimestamp: string): SafeHtml {
  return html`<time datetime="${isoTimestamp}">${displayDate(isoTimestamp)}</time>`;
}

/** The list of posts on the home and tag pages, in the order given; `emptyText` when there are none. */
export function renderPostList(posts: readonly PublishedPost[], config: SiteConfig, emptyText: string): SafeHtml {
  if (posts.length === 0) return html`<p class="empty">${emptyText}</p>`;
  const items = posts.map((post) => {
    const meta = joinHtml([post.date !== undefined && timeElement(post.date), post.author !== undefined && `By ${post.author}`], ' · ');
    return html`<li class="post-summary" lang="${post.lang}">
<h2><a href="${postUrl(post, config)}">${post.title}</a></h2>
<p class="post-meta">${meta}</p>
<p>${post.summary}</p>
</li>
`;
  });
  return html`<ul class="post-list">
${items}</ul>`;
}
