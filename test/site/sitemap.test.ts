import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderRobots, renderSitemap } from '../../lambdas/core/site/sitemap.js';
import { anonymousPost, config, japanesePost, makePost, nastyPost, posts, undatedPost } from './fixtures.js';
import { fileAt } from './helpers.js';

type Parsed = Record<string, any>;
const xmlParser = new XMLParser({ isArray: (name) => name === 'url' || name === 'sitemap' });
const SITE = 'https://blog.example.com/';

function urlsOf(xml: string): Parsed[] {
  expect(XMLValidator.validate(xml)).toBe(true);
  return xmlParser.parse(xml).urlset.url as Parsed[];
}

describe('sitemap.xml', () => {
  const [sitemap, ...rest] = renderSitemap(posts, config);

  it('shows each post as it is now, and under the site URL of the configuration given, when rendered again', () => {
    const updated = { ...nastyPost, updated: '2030-01-02T03:04:05.000Z' };
    const again = urlsOf(renderSitemap(posts.map((post) => (post === nastyPost ? updated : post)), config)[0]!.body);
    expect(again.find((url) => String(url['loc']).includes(nastyPost.slug))!['lastmod']).toBe(updated.updated);
    const elsewhere = urlsOf(renderSitemap(posts, { ...config, siteUrl: 'https://other.example.org' })[0]!.body);
    expect(elsewhere.map((url) => url['loc'] as string).every((loc) => loc.startsWith('https://other.example.org/'))).toBe(true);
    expect(urlsOf(renderSitemap(posts, config)[0]!.body)).toEqual(urlsOf(sitemap!.body));
  });

  it('is one file while under the limit', () => {
    expect(rest).toEqual([]);
    expect(sitemap!.path).toBe('sitemap.xml');
    expect(sitemap!.contentType).toBe('application/xml; charset=utf-8');
    expect(sitemap!.body).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
  });

  it('lists home, the tag index, every post and every tag page, all absolute', () => {
    const locs = urlsOf(sitemap!.body).map((url) => url['loc'] as string);
    expect(locs).toEqual([
      SITE,
      `${SITE}tags/`,
      `${SITE}posts/nasty/`,
      `${SITE}posts/%E3%81%93%E3%81%93%E3%82%8D/`,
      `${SITE}posts/anonymous/`,
      `${SITE}posts/undated/`,
      `${SITE}tags/depression/`,
      `${SITE}tags/ketamine/`,
      `${SITE}tags/qa-hot/`,
      `${SITE}tags/%E6%97%A5%E6%9C%AC%E8%AA%9E/`,
    ]);
    for (const loc of locs) expect(new URL(loc).href).toBe(loc);
  });

  it('dates posts by their last update and leaves undated ones without lastmod', () => {
    const byLoc = new Map(urlsOf(sitemap!.body).map((url) => [url['loc'], url['lastmod']]));
    expect(byLoc.get(`${SITE}posts/nasty/`)).toBe(nastyPost.updated);
    expect(byLoc.get(`${SITE}posts/anonymous/`)).toBe(anonymousPost.updated);
    expect(byLoc.get(`${SITE}posts/undated/`)).toBeUndefined();
    expect(byLoc.get(SITE)).toBe(nastyPost.updated);
    expect(byLoc.get(`${SITE}tags/ketamine/`)).toBe(anonymousPost.updated);
  });

  it('leaves out posts whose canonical page is elsewhere, unless told otherwise', () => {
    const syndicated = makePost({ key: 's.md', slug: 'syndicated', canonical: 'https://elsewhere.example/post' });
    const selfCanonical = makePost({ key: 'c.md', slug: 'self', canonical: `${SITE}posts/self/` });
    const locs = (files: ReturnType<typeof renderSitemap>) => urlsOf(files[0]!.body).map((url) => url['loc']);
    expect(locs(renderSitemap([syndicated, selfCanonical], config))).not.toContain(`${SITE}posts/syndicated/`);
    expect(locs(renderSitemap([syndicated, selfCanonical], config))).toContain(`${SITE}posts/self/`);
    expect(locs(renderSitemap([syndicated], config, { exclude: () => false }))).toContain(`${SITE}posts/syndicated/`);
    expect(locs(renderSitemap(posts, config, { exclude: (post) => post.key === japanesePost.key }))).not.toContain(
      `${SITE}posts/%E3%81%93%E3%81%93%E3%82%8D/`,
    );
  });

  it('lists only home and the tag index for an empty site', () => {
    expect(urlsOf(renderSitemap([], config)[0]!.body)).toEqual([{ loc: SITE }, { loc: `${SITE}tags/` }]);
  });
});

describe('sitemap index', () => {
  const many = Array.from({ length: 7 }, (_, index) =>
    makePost({ key: `p${index}.md`, slug: `p${index}`, date: `2024-01-0${index + 1}T00:00:00.000Z`, updated: `2024-02-0${index + 1}T00:00:00.000Z` }),
  );

  it('splits into parts past maxUrlsPerFile and points to them from sitemap.xml', () => {
    // 2 fixed pages + 7 posts = 9 URLs: parts of 4, 4 and 1.
    const files = renderSitemap(many, config, { maxUrlsPerFile: 4 });
    expect(files.map((file) => file.path)).toEqual(['sitemap.xml', 'sitemaps/sitemap-1.xml', 'sitemaps/sitemap-2.xml', 'sitemaps/sitemap-3.xml']);
    const index = fileAt(files, 'sitemap.xml').body;
    expect(XMLValidator.validate(index)).toBe(true);
    const entries = xmlParser.parse(index).sitemapindex.sitemap as Parsed[];
    expect(entries.map((entry) => entry['loc'])).toEqual([1, 2, 3].map((n) => `${SITE}sitemaps/sitemap-${n}.xml`));
    expect(entries[0]!['lastmod']).toBe('2024-02-07T00:00:00.000Z');

    const parts = files.slice(1).map((file) => urlsOf(file.body));
    expect(parts.map((part) => part.length)).toEqual([4, 4, 1]);
    const allLocs = parts.flat().map((url) => url['loc']);
    expect(new Set(allLocs).size).toBe(9);
    for (const post of many) expect(allLocs).toContain(`${SITE}posts/${post.slug}/`);
  });

  it('stays a plain sitemap at exactly the limit', () => {
    expect(renderSitemap(many, config, { maxUrlsPerFile: 9 }).map((file) => file.path)).toEqual(['sitemap.xml']);
  });

  it('rejects a nonsensical limit', () => {
    expect(() => renderSitemap(many, config, { maxUrlsPerFile: 0 })).toThrow(RangeError);
  });
});

describe('robots.txt', () => {
  it('allows everything and points to the absolute sitemap URL', () => {
    const robots = renderRobots(config);
    expect(robots.path).toBe('robots.txt');
    expect(robots.contentType).toBe('text/plain; charset=utf-8');
    expect(robots.body.split('\n')).toEqual(['User-agent: *', 'Allow: /', '', `Sitemap: ${SITE}sitemap.xml`, '']);
  });
});

// Keep the undated fixture in use here too: it must not break lastmod of its tag.
it('dates a tag page by its newest dated post', () => {
  const xml = renderSitemap([undatedPost], config)[0]!.body;
  expect(urlsOf(xml).find((url) => url['loc'] === `${SITE}tags/ketamine/`)).toEqual({ loc: `${SITE}tags/ketamine/` });
});
