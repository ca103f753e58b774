import { absoluteUrl } from '../config.js';
import { sitePaths } from '../slug.js';
import type { PublishedPost, SiteConfig, SiteFile } from '../types.js';
import { siteFile } from './files.js';
import { html } from './html.js';
import { renderPage } from './layout.js';
import { sortNewestFirst } from './order.js';
import { renderPostList } from './post-list.js';
import { HEADLINE_MAX_CHARS } from './post-page.js';
import { truncate } from './text.js';
import { postUrl } from './urls.js';

/** schema.org `WebSite` and `Blog` (listing its posts) for the home page. */
function homeJsonLd(posts: readonly PublishedPost[], config: SiteConfig): object[] {
  const home = absoluteUrl(config, sitePaths.home);
  const about = { name: config.title, url: home, description: config.description, inLanguage: config.language };
  return [
    { '@context': 'https://schema.org', '@type': 'WebSite', ...about },
    {
      '@context': 'https://schema.org',
      '@type': 'Blog',
      ...about,
      publisher: { '@type': 'Organization', name: config.title, url: home },
      blogPost: posts.map((post) => ({
        '@type': 'BlogPosting',
        headline: truncate(post.title, HEADLINE_MAX_CHARS),
        url: postUrl(post, config),
        datePublished: post.date,
      })),
    },
  ];
}

/** The home page, `index.html`: every post, newest first. */
export function renderIndexPage(posts: readonly PublishedPost[], config: SiteConfig): SiteFile {
  const newestFirst = sortNewestFirst(posts);
  const main = html`<h1>${config.title}</h1>
<p class="site-description">${config.description}</p>
${renderPostList(newestFirst, config, 'No posts have been published yet.')}`;
  const body = renderPage(
    {
      lang: config.language,
      title: config.title,
      socialTitle: config.title,
      description: config.description,
      canonicalUrl: absoluteUrl(config, sitePaths.home),
      jsonLd: homeJsonLd(newestFirst, config),
    },
    main,
    config,
  );
  return siteFile(sitePaths.homeFile, body, 'html');
}
