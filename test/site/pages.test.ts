import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { renderIndexPages } from '../../lambdas/core/site/index-page.js';
import { renderPostPage } from '../../lambdas/core/site/post-page.js';
import { renderTagPages } from '../../lambdas/core/site/tag-pages.js';
import { anonymousPost, config, japanesePost, makePost, nastyPost, posts, undatedPost } from './fixtures.js';
import { decodeEntities, fileAt, hasInvalidXmlChar, jsonLdBodies, metaContents } from './helpers.js';

type Parsed = Record<string, any>;

const SITE = 'https://blog.example.com/';

function blogPosting(page: string): Parsed {
  const bodies = jsonLdBodies(page);
  expect(bodies.length).toBeGreaterThan(0);
  return JSON.parse(bodies[0]!) as Parsed;
}

function linkHref(page: string, rel: string): string | undefined {
  const match = new RegExp(`<link rel="${rel}" href="([^"]*)">`).exec(page);
  return match ? decodeEntities(match[1]!) : undefined;
}

describe('post page', () => {
  const file = renderPostPage(nastyPost, config);
  const page = file.body;

  it('lives at posts/<slug>/index.html as HTML', () => {
    expect(file.path).toBe('posts/nasty/index.html');
    expect(file.contentType).toBe('text/html; charset=utf-8');
    // Long at the edge (invalidated on every change), short in browsers.
    expect(file.cacheControl).toMatch(/(^|, )max-age=60(,|$)/);
    expect(file.cacheControl).toMatch(/s-maxage=604800/);
  });

  it('is an HTML5 document in the post language with the usual head', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(renderPostPage(japanesePost, config).body).toContain('<html lang="ja-JP">');
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain(`<link rel="stylesheet" href="${SITE}styles.css">`);
    expect(page).toMatch(/<main>[\s\S]*<\/main>/);
  });

  it('has a truncated, escaped title followed by the site title', () => {
    const title = decodeEntities(/<title>([^<]*)<\/title>/.exec(page)![1]!);
    expect(title.endsWith(` – ${config.title}`)).toBe(true);
    const postPart = title.slice(0, -` – ${config.title}`.length);
    expect(Array.from(postPart).length).toBeLessThanOrEqual(70);
    expect(postPart.endsWith('…')).toBe(true);
    expect(nastyPost.title.replace('\u0001', '').startsWith(postPart.slice(0, -1).trimEnd())).toBe(true);
  });

  it('has description, canonical, OpenGraph and Twitter meta', () => {
    expect(metaContents(page, 'description')).toEqual([nastyPost.description.replace('\u0001', '')]);
    expect(linkHref(page, 'canonical')).toBe(`${SITE}posts/nasty/`);
    expect(metaContents(page, 'og:type')).toEqual(['article']);
    expect(metaContents(page, 'og:title')).toEqual([nastyPost.title.replace('\u0001', '')]);
    expect(metaContents(page, 'og:url')).toEqual([`${SITE}posts/nasty/`]);
    expect(metaContents(page, 'og:site_name')).toEqual([config.title]);
    expect(metaContents(page, 'article:published_time')).toEqual([nastyPost.date]);
    expect(metaContents(page, 'article:modified_time')).toEqual([nastyPost.updated]);
    expect(metaContents(page, 'article:tag')).toEqual(['Q&A <hot>', 'Depression']);
    expect(metaContents(page, 'twitter:card')).toEqual(['summary']);
    expect(metaContents(page, 'og:locale')).toEqual([]);
  });

  it('uses a large card and og:image when the post has an image, and og:locale when the language has a region', () => {
    const japanese = renderPostPage(japanesePost, config).body;
    expect(metaContents(japanese, 'twitter:card')).toEqual(['summary_large_image']);
    expect(metaContents(japanese, 'og:image')).toEqual([japanesePost.image]);
    expect(metaContents(japanese, 'og:locale')).toEqual(['ja_JP']);
    expect(linkHref(japanese, 'canonical')).toBe(`${SITE}posts/%E3%81%93%E3%81%93%E3%82%8D/`);
  });

  it('advertises the RSS, Atom and JSON feeds', () => {
    expect(page).toContain(`<link rel="alternate" type="application/rss+xml" title="Clinic &amp; Co &lt;Blog&gt; &amp;amp; more (RSS)" href="${SITE}feed.xml">`);
    expect(page).toMatch(new RegExp(`<link rel="alternate" type="application/atom\\+xml" title="[^"]*" href="${SITE}atom.xml">`));
    expect(page).toMatch(new RegExp(`<link rel="alternate" type="application/feed\\+json" title="[^"]*" href="${SITE}feed.json">`));
  });

  it('shows title, author, dates and tag links, then the content as given', () => {
    expect(page).toContain('<h1>Fish &amp; chips &lt; 3 ]]&gt; x ]]&gt;  &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; AT&amp;amp;T</h1>');
    expect(page).toContain('By <span class="post-author">Jo &amp; &lt;Co&gt; </span>');
    expect(page).toContain(`<time datetime="${nastyPost.date}">2024-03-01</time>`);
    expect(page).toContain(`Updated <time datetime="${nastyPost.updated}">2024-06-15</time>`);
    expect(page).toContain(`<a href="${SITE}tags/qa-hot/" rel="tag">Q&amp;A &lt;hot&gt;</a>`);
    expect(page).toContain(nastyPost.contentHtml.replace('\u0001', ''));
    expect(page.indexOf('<h1>')).toBeLessThan(page.indexOf('<div class="post-content">'));
  });

  it('leaves out what the post does not have: author, Updated, dates', () => {
    const anonymous = renderPostPage(anonymousPost, config).body;
    expect(anonymous).not.toContain('By ');
    expect(anonymous).not.toContain('Updated');
    expect(metaContents(anonymous, 'article:author')).toEqual([]);
    expect(blogPosting(anonymous)['author']).toBeUndefined();
    const undated = renderPostPage(undatedPost, config).body;
    expect(undated).not.toContain('<time');
    expect(metaContents(undated, 'article:published_time')).toEqual([]);
    expect(blogPosting(undated)['datePublished']).toBeUndefined();
  });

  it('contains no character HTML forbids and no script the content did not ask for', () => {
    expect(hasInvalidXmlChar(page)).toBe(false);
    // BlogPosting and BreadcrumbList; every script is JSON-LD.
    expect(page.match(/<script/g)).toHaveLength(2);
    expect(jsonLdBodies(page)).toHaveLength(2);
  });

  it('embeds BlogPosting JSON-LD that cannot break out of its script', () => {
    for (const body of jsonLdBodies(page)) expect(body).not.toMatch(/<\/script/i);
    const data = blogPosting(page);
    expect(data).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'BlogPosting',
      description: nastyPost.description.replace('\u0001', ''),
      author: { '@type': 'Person', name: nastyPost.author!.replace('\u0001', '') },
      datePublished: nastyPost.date,
      dateModified: nastyPost.updated,
      url: `${SITE}posts/nasty/`,
      mainEntityOfPage: { '@type': 'WebPage', '@id': `${SITE}posts/nasty/` },
      inLanguage: 'en',
      keywords: 'Q&A <hot>, Depression',
      publisher: { '@type': 'Organization', name: config.title, url: SITE },
    });
    expect(Array.from(data['headline'] as string).length).toBeLessThanOrEqual(110);
    expect(blogPosting(renderPostPage(japanesePost, config).body)['image']).toBe(japanesePost.image);
  });

  it('prefers the post canonical, then the option, then its own URL', () => {
    const external = makePost({ key: 'e.md', slug: 'e', canonical: 'https://elsewhere.example/original' });
    const fromPost = renderPostPage(external, config, { canonicalUrl: 'https://option.example/' }).body;
    expect(linkHref(fromPost, 'canonical')).toBe('https://elsewhere.example/original');
    expect(blogPosting(fromPost)['url']).toBe('https://elsewhere.example/original');
    const fromOption = renderPostPage(anonymousPost, config, { canonicalUrl: 'https://option.example/' }).body;
    expect(linkHref(fromOption, 'canonical')).toBe('https://option.example/');
  });

  it('adds extra JSON-LD and related HTML after the article', () => {
    const breadcrumbs = { '@context': 'https://schema.org', '@type': 'BreadcrumbList', itemListElement: [] };
    const page2 = renderPostPage(anonymousPost, config, {
      extraJsonLd: [breadcrumbs],
      relatedHtml: '<aside class="related"><h2>Related</h2></aside>',
    }).body;
    expect(jsonLdBodies(page2).map((body) => JSON.parse(body))).toEqual([blogPosting(page2), breadcrumbs]);
    expect(page2.indexOf('<aside class="related">')).toBeGreaterThan(page2.indexOf('</article>'));
  });

  it('has a header linking home, and a nav with Home and RSS', () => {
    expect(page).toContain(`<p class="site-title"><a href="${SITE}">Clinic &amp; Co &lt;Blog&gt; &amp;amp; more</a></p>`);
    expect(page).toContain(`<li><a href="${SITE}">Home</a></li>`);
    expect(page).toContain(`<li><a href="${SITE}feed.xml">RSS</a></li>`);
    expect(page).toMatch(/<footer class="site-footer">/);
  });

  it('puts absolute URLs under a base path', () => {
    const underPath = resolveSiteConfig({ ...config, siteUrl: 'https://example.org/blog/' });
    const body = renderPostPage(anonymousPost, underPath).body;
    expect(linkHref(body, 'canonical')).toBe('https://example.org/blog/posts/anonymous/');
    expect(body).toContain('<link rel="stylesheet" href="https://example.org/blog/styles.css">');
  });
});

describe('index page', () => {
  const page = renderIndexPages(posts, config)[0]!.body;

  it('is index.html and lists posts newest first with date, author and summary', () => {
    expect(renderIndexPages(posts, config)[0]!.path).toBe('index.html');
    const links = [...page.matchAll(/<h2><a href="([^"]+)">/g)].map((match) => match[1]);
    expect(links).toEqual([`${SITE}posts/nasty/`, `${SITE}posts/%E3%81%93%E3%81%93%E3%82%8D/`, `${SITE}posts/anonymous/`, `${SITE}posts/undated/`]);
    expect(page).toContain(`<time datetime="${japanesePost.date}">2024-02-10</time> · By 山田 太郎`);
    expect(page).toContain('<p>Summary of anonymous.</p>');
    expect(page).toContain('<li class="post-summary" lang="ja-JP">');
  });

  it('has WebSite and Blog JSON-LD listing the posts', () => {
    const [website, blog] = jsonLdBodies(page).map((body) => JSON.parse(body) as Parsed);
    expect(website).toMatchObject({ '@type': 'WebSite', url: SITE, name: config.title });
    expect(blog).toMatchObject({ '@type': 'Blog', url: SITE });
    expect(blog!['blogPost'][0]).toEqual({
      '@type': 'BlogPosting',
      headline: expect.any(String),
      url: `${SITE}posts/nasty/`,
      datePublished: nastyPost.date,
    });
    expect(blog!['blogPost']).toHaveLength(4);
  });

  it('says so when there are no posts', () => {
    const empty = renderIndexPages([], config)[0]!.body;
    expect(empty).toContain('No posts have been published yet.');
    expect(empty).not.toContain('<ul class="post-list">');
  });

  it('uses the site language and website OpenGraph type', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(metaContents(page, 'og:type')).toEqual(['website']);
    expect(linkHref(page, 'canonical')).toBe(SITE);
  });
});

describe('tag pages', () => {
  const files = renderTagPages(posts, config);

  it('has a page and an RSS feed per tag slug, plus a tag index', () => {
    expect(files.map((file) => file.path).sort()).toEqual([
      'tags/depression/feed.xml',
      'tags/depression/index.html',
      'tags/index.html',
      'tags/ketamine/feed.xml',
      'tags/ketamine/index.html',
      'tags/qa-hot/feed.xml',
      'tags/qa-hot/index.html',
      'tags/日本語/feed.xml',
      'tags/日本語/index.html',
    ]);
  });

  it('lists the tag posts newest first, whatever the spelling, and links the tag feed', () => {
    const page = fileAt(files, 'tags/depression/index.html').body;
    expect(page).toContain('<h1>Posts tagged “Depression”</h1>');
    const links = [...page.matchAll(/<h2><a href="([^"]+)">/g)].map((match) => match[1]);
    expect(links).toEqual([`${SITE}posts/nasty/`, `${SITE}posts/%E3%81%93%E3%81%93%E3%82%8D/`]);
    expect(page).toContain(`<link rel="alternate" type="application/rss+xml" title="Clinic &amp; Co &lt;Blog&gt; &amp;amp; more: Depression (RSS)" href="${SITE}tags/depression/feed.xml">`);
    expect(linkHref(page, 'canonical')).toBe(`${SITE}tags/depression/`);
  });

  it('gives each tag feed only that tag, capped at feedItemLimit', () => {
    const limited = renderTagPages(posts, resolveSiteConfig({ ...config, feedItemLimit: 1 }));
    const feed = fileAt(limited, 'tags/depression/feed.xml');
    expect(feed.contentType).toBe('application/rss+xml; charset=utf-8');
    expect([...feed.body.matchAll(/<guid[^>]*>([^<]*)<\/guid>/g)].map((match) => match[1])).toEqual([nastyPost.id]);
    expect(feed.body).toContain(`<atom:link href="${SITE}tags/depression/feed.xml" rel="self" type="application/rss+xml"/>`);
  });

  it('lists every tag with its post count on the tag index', () => {
    const index = fileAt(files, 'tags/index.html').body;
    expect(index).toContain(`<a href="${SITE}tags/ketamine/">Ketamine</a> <span class="count">(2)</span>`);
    expect(index).toContain(`<a href="${SITE}tags/%E6%97%A5%E6%9C%AC%E8%AA%9E/">日本語</a> <span class="count">(1)</span>`);
  });
});
