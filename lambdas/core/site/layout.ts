import { absoluteUrl } from '../config.js';
import { sitePaths } from '../slug.js';
import type { SiteConfig } from '../types.js';
import { html, jsonLdScript, stripInvalidHtmlChars, type SafeHtml } from './html.js';
import { extraSitePaths } from './urls.js';

/** OpenGraph `article:*` properties of a post page. */
export interface ArticleMeta {
  readonly publishedTime?: string;
  readonly modifiedTime?: string;
  readonly author?: string;
  readonly tags: readonly string[];
}

/** A feed a page links to with `<link rel="alternate">`, besides the site's own three. */
export interface AlternateFeed {
  readonly title: string;
  readonly url: string;
}

/** Everything the page shell needs to know about one page. */
export interface PageMeta {
  /** BCP 47 language of the page. */
  readonly lang: string;
  /** Full `<title>` text. */
  readonly title: string;
  /** Title for social cards (`og:title`, `twitter:title`); usually without the site name. */
  readonly socialTitle: string;
  readonly description: string;
  readonly canonicalUrl: string;
  readonly image?: string;
  /** Present on post pages: makes the page `og:type` article. */
  readonly article?: ArticleMeta;
  readonly extraFeeds?: readonly AlternateFeed[];
  readonly jsonLd?: readonly object[];
}

/** OpenGraph wants `language_TERRITORY`; derivable only when the language tag names a region (`en-GB`, `zh-Hant-TW`). */
function ogLocale(lang: string): string | undefined {
  const match = /^([a-z]{2,3})(?:-[a-z]{4})?-([a-z]{2})(?:-|$)/i.exec(lang);
  return match ? `${match[1]!.toLowerCase()}_${match[2]!.toUpperCase()}` : undefined;
}

function metaProperty(property: string, content: string | undefined): SafeHtml | undefined {
  return content === undefined ? undefined : html`\n<meta property="${property}" content="${content}">`;
}

function metaName(name: string, content: string | undefined): SafeHtml | undefined {
  return content === undefined ? undefined : html`\n<meta name="${name}" content="${content}">`;
}

function socialMeta(meta: PageMeta, config: SiteConfig): SafeHtml {
  const { article } = meta;
  return html`${[
    metaProperty('og:type', article ? 'article' : 'website'),
    metaProperty('og:title', meta.socialTitle),
    metaProperty('og:description', meta.description),
    metaProperty('og:url', meta.canonicalUrl),
    metaProperty('og:site_name', config.title),
    metaProperty('og:locale', ogLocale(meta.lang)),
    metaProperty('og:image', meta.image),
    metaProperty('article:published_time', article?.publishedTime),
    metaProperty('article:modified_time', article?.modifiedTime),
    metaProperty('article:author', article?.author),
    (article?.tags ?? []).map((tag) => metaProperty('article:tag', tag)),
    metaName('twitter:card', meta.image ? 'summary_large_image' : 'summary'),
    metaName('twitter:title', meta.socialTitle),
    metaName('twitter:description', meta.description),
    metaName('twitter:image', meta.image),
  ]}`;
}

function feedLinks(meta: PageMeta, config: SiteConfig): SafeHtml {
  const siteFeeds = [
    { type: 'application/rss+xml', title: `${config.title} (RSS)`, url: absoluteUrl(config, sitePaths.rss) },
    { type: 'application/atom+xml', title: `${config.title} (Atom)`, url: absoluteUrl(config, sitePaths.atom) },
    { type: 'application/feed+json', title: `${config.title} (JSON Feed)`, url: absoluteUrl(config, sitePaths.json) },
  ];
  // Extra feeds (a tag's) are RSS and come first, so readers that take the first link subscribe to what the page shows.
  const extraFeeds = (meta.extraFeeds ?? []).map((feed) => ({ type: 'application/rss+xml', ...feed }));
  return html`${[...extraFeeds, ...siteFeeds].map(
    (feed) => html`\n<link rel="alternate" type="${feed.type}" title="${feed.title}" href="${feed.url}">`,
  )}`;
}

/** The whole HTML document around `main`. */
export function renderPage(meta: PageMeta, main: SafeHtml, config: SiteConfig): string {
  const home = absoluteUrl(config, sitePaths.home);
  const rss = absoluteUrl(config, sitePaths.rss);
  const document = html`<!doctype html>
<html lang="${meta.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${meta.title}</title>
<meta name="description" content="${meta.description}">
<link rel="canonical" href="${meta.canonicalUrl}">${socialMeta(meta, config)}${feedLinks(meta, config)}
<link rel="stylesheet" href="${absoluteUrl(config, sitePaths.stylesheet)}">
<link rel="icon" type="image/svg+xml" href="${absoluteUrl(config, sitePaths.icon)}">${(meta.jsonLd ?? []).map(
    (data) => html`\n${jsonLdScript(data)}`,
  )}
</head>
<body>
<header class="site-header">
<p class="site-title"><a href="${home}">${config.title}</a></p>
<nav aria-label="Site">
<ul>
<li><a href="${home}">Home</a></li>
<li><a href="${absoluteUrl(config, extraSitePaths.tagIndex)}">Tags</a></li>
<li><a href="${rss}">RSS</a></li>
</ul>
</nav>
</header>
<main>
${main}
</main>
<footer class="site-footer">
<p>${config.title} · Subscribe: <a href="${rss}">RSS</a> · <a href="${absoluteUrl(config, sitePaths.atom)}">Atom</a> · <a href="${absoluteUrl(config, sitePaths.json)}">JSON Feed</a></p>
</footer>
</body>
</html>
`;
  // Author text may carry control characters the Nu checker rejects; they carry no meaning, so drop them.
  return stripInvalidHtmlChars(document.toString());
}
