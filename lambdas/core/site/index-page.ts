import { absoluteUrl } from '../config.js';
import { sitePaths } from '../slug.js';
import type { PublishedPost, SiteConfig, SiteFile } from '../types.js';
import { siteFile } from './files.js';
import { html } from './html.js';
import { renderPage } from './layout.js';
import { sortNewestFirst } from './order.js';
import { archivePagePath, archivePagesToRender, paginate, paginationNav, type ListingFiles, type PreviousListing } from './pagination.js';
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

/**
 * The home page, `index.html`: the newest `listingPageSize` posts, then "Older posts" through archive pages
 * `page/<n>/` numbered from the oldest (see `paginate`).
 */
export function renderIndexPages(posts: readonly PublishedPost[], config: SiteConfig): SiteFile[] {
  return renderIndexListing(sortNewestFirst(posts), config).files;
}

/**
 * The home page and its archive pages for posts already sorted newest first. With `previous`, archive pages whose
 * content cannot have changed since are not rendered: their paths are returned as `kept`.
 */
export function renderIndexListing(newestFirst: readonly PublishedPost[], config: SiteConfig, previous?: PreviousListing): ListingFiles {
  const { first, archive } = paginate(newestFirst, config.listingPageSize);
  const render = archivePagesToRender(newestFirst, config.listingPageSize, previous?.newestFirst, previous?.unchanged ?? (() => false));
  const kept = archive.filter((page) => !render(page.number)).map((page) => `${archivePagePath(sitePaths.home, page.number)}index.html`);
  const main = html`<h1>${config.title}</h1>
<p class="site-description">${config.description}</p>
${renderPostList(first, config, 'No posts have been published yet.')}
${paginationNav(sitePaths.home, undefined, archive.length, config)}`;
  const home = renderPage(
    {
      lang: config.language,
      title: config.title,
      socialTitle: config.title,
      description: config.description,
      canonicalUrl: absoluteUrl(config, sitePaths.home),
      jsonLd: homeJsonLd(first, config),
    },
    main,
    config,
  );
  const archivePages = archive.filter((page) => render(page.number)).map((page) => {
    const path = archivePagePath(sitePaths.home, page.number);
    const heading = `Older posts, page ${page.number}`;
    const body = renderPage(
      {
        lang: config.language,
        title: `${heading} – ${config.title}`,
        socialTitle: heading,
        description: `${config.description} Page ${page.number} of the archive, oldest posts first.`,
        canonicalUrl: absoluteUrl(config, path),
      },
      html`<h1>${heading}</h1>
${renderPostList(page.posts, config, 'No posts.')}
${paginationNav(sitePaths.home, page.number, archive.length, config)}`,
      config,
    );
    return siteFile(`${path}index.html`, body, 'html');
  });
  return { files: [siteFile(sitePaths.homeFile, home, 'html'), ...archivePages], kept };
}
