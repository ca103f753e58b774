import { absoluteUrl } from '../config.js';
import { faqFingerprint } from '../faq.js';
import { sitePaths, toSlug } from '../slug.js';
import { breadcrumbListJsonLd, faqPageJsonLd } from '../structured-data.js';
import type { FaqPair, PublishedPost, SiteConfig, SiteFile } from '../types.js';
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
  /**
   * More JSON-LD objects, each rendered as its own script. A `BreadcrumbList` or `FAQPage` here replaces the one
   * the page would add itself (a page carries at most one of each).
   */
  readonly extraJsonLd?: readonly object[];
  /** Trusted HTML placed after the article, e.g. a related-posts section. */
  readonly relatedHtml?: string;
  /**
   * `faqFingerprint`s of the post's FAQ pairs to mark up as FAQPage (default: all of them). Google wants a Q&A
   * marked up on one page only: pass `ownedFaqFingerprints(post, chooseFaqOwners(...))` to leave out pairs an
   * earlier page owns. Pairs left out are still shown; only their markup is dropped.
   */
  readonly faqFingerprints?: readonly string[];
}

/** Heading of the section that shows a post's front-matter FAQ (its body FAQ sections are in `contentHtml`). */
export const FAQ_SECTION_HEADING = 'Frequently asked questions';

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

/** The front-matter FAQ pairs, shown at the end of the post body: marked-up content must be visible. */
function faqSection(pairs: readonly FaqPair[]): SafeHtml | undefined {
  const shown = pairs.filter((pair) => pair.source === 'front-matter');
  if (shown.length === 0) return undefined;
  // answerHtml is sanitized and reduced to a small tag allow-list by extractFaq (faq-extract.ts).
  return html`\n<section class="faq">
<h2>${FAQ_SECTION_HEADING}</h2>${shown.map((pair) => html`
<h3>${pair.question}</h3>
${trustedHtml(pair.answerHtml)}`)}
</section>`;
}

/** JSON-LD of a post page: BlogPosting, BreadcrumbList (Home › Post), FAQPage when it has pairs to mark up, then extras. */
function postJsonLd(post: PublishedPost, config: SiteConfig, canonicalUrl: string, options: PostPageOptions): object[] {
  const extra = options.extraJsonLd ?? [];
  const given = (type: string) => extra.some((data) => (data as { '@type'?: unknown })['@type'] === type);
  const pageUrl = options.canonicalUrl ?? postUrl(post, config);
  const breadcrumbs = given('BreadcrumbList') ? undefined : breadcrumbListJsonLd([
    { name: config.title, url: absoluteUrl(config, sitePaths.home) },
    { name: post.title, url: pageUrl },
  ]);
  const chosen = options.faqFingerprints === undefined ? undefined : new Set(options.faqFingerprints);
  const pairs = (post.faq ?? []).filter((pair) => chosen === undefined || chosen.has(faqFingerprint(pair)));
  const faqPage = given('FAQPage') ? undefined : faqPageJsonLd(pairs, canonicalUrl);
  return [blogPostingJsonLd(post, config, canonicalUrl), breadcrumbs, faqPage, ...extra].filter((data): data is object => data !== undefined);
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
${trustedHtml(post.contentHtml)}${faqSection(post.faq ?? [])}
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
      jsonLd: postJsonLd(post, config, canonicalUrl, options),
    },
    main,
    config,
  );
  return siteFile(sitePaths.postFile(post.slug), body, 'html');
}
