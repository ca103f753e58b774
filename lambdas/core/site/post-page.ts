import { absoluteUrl } from '../config.js';
import { sitePaths, toSlug } from '../slug.js';
import type { PublishedPost, SiteConfig, SiteFile } from '../types.js';
import { siteFile } from './files.js';
import { html, joinHtml, trustedHtml, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { lastModified } from './order.js';
import { timeElement } from './post-list.js';
import { truncate } from './text.js';
import { postUrl } from './urls.js';

export interface PostPageOptions {
  /** Canonical URL to use when the post sets none (e.g. decided by the publish step). */
  readonly canonicalUrl?: string;
  /** More JSON-LD objects, each rendered as its own script (e.g. a BreadcrumbList). */
  readonly extraJsonLd?: readonly object[];
  /** Trusted HTML placed after the article, e.g. a related-posts section. */
  readonly relatedHtml?: string;
}

/** Google shows at most 110 characters of a BlogPosting headline. */
export const HEADLINE_MAX_CHARS = 110;
/** Search results cut titles around 60–70 characters; keep the post's part within that. */
const TITLE_MAX_CHARS = 70;

/** schema.org `BlogPosting` for one post; `url` is the canonical URL. */
export function blogPostingJsonLd(post: PublishedPost, config: SiteConfig, url: string): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'BlogPosting',
    headline: truncate(post.title, HEADLINE_MAX_CHARS),
    description: post.description,
    // Properties left undefined are dropped by JSON.stringify: what the post does not say stays unsaid.
    author: post.author === undefined ? undefined : { '@type': 'Person', name: post.author },
    datePublished: post.date,
    dateModified: lastModified(post),
    url,
    mainEntityOfPage: { '@type': 'WebPage', '@id': url },
    inLanguage: post.lang,
    keywords: post.tags.length > 0 ? post.tags.join(', ') : undefined,
    image: post.image,
    publisher: { '@type': 'Organization', name: config.title, url: absoluteUrl(config, sitePaths.home) },
  };
}

function tagLinks(post: PublishedPost, config: SiteConfig): SafeHtml | undefined {
  if (post.tags.length === 0) return undefined;
  const items = post.tags.map((tag) =>
    // A tag that slugs to nothing has no page (see tagsOf): show it without a link.
    toSlug(tag) === ''
      ? html`<li>${tag}</li>`
      : html`<li><a href="${absoluteUrl(config, sitePaths.tag(tag))}" rel="tag">${tag}</a></li>`,
  );
  return html`\n<ul class="tag-list" aria-label="Tags">${items}</ul>`;
}

/** The page of one post, at `sitePaths.postFile(slug)`. */
export function renderPostPage(post: PublishedPost, config: SiteConfig, options: PostPageOptions = {}): SiteFile {
  const canonicalUrl = post.canonical ?? options.canonicalUrl ?? postUrl(post, config);
  const updatedAfterPublishing =
    post.date !== undefined && post.updated !== undefined && Date.parse(post.updated) !== Date.parse(post.date);
  const byline = joinHtml(
    [
      post.author !== undefined && html`By <span class="post-author">${post.author}</span>`,
      post.date !== undefined && timeElement(post.date),
      updatedAfterPublishing && html`Updated ${timeElement(post.updated!)}`,
    ],
    ' · ',
  );
  const main = html`<article class="post">
<header class="post-header">
<h1>${post.title}</h1>
<p class="post-meta">${byline}</p>${tagLinks(post, config)}
</header>
<div class="post-content">
${trustedHtml(post.contentHtml)}
</div>
</article>${options.relatedHtml === undefined ? false : html`\n${trustedHtml(options.relatedHtml)}`}`;

  const body = renderPage(
    {
      lang: post.lang,
      title: `${truncate(post.title, TITLE_MAX_CHARS)} – ${config.title}`,
      socialTitle: post.title,
      description: post.description,
      canonicalUrl,
      image: post.image,
      article: { publishedTime: post.date, modifiedTime: lastModified(post), author: post.author, tags: post.tags },
      jsonLd: [blogPostingJsonLd(post, config, canonicalUrl), ...(options.extraJsonLd ?? [])],
    },
    main,
    config,
  );
  return siteFile(sitePaths.postFile(post.slug), body, 'html');
}
