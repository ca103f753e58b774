import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { processPost } from '../../lambdas/core/post.js';
import { renderPostPage } from '../../lambdas/core/site/post-page.js';
import { buildSite } from '../../lambdas/core/site/site.js';
import { breadcrumbListJsonLd, faqPageJsonLd } from '../../lambdas/core/structured-data.js';
import type { PublishedPost, SiteConfig } from '../../lambdas/core/types.js';
import { AUTO_FAQ_POST, FAQ_POST, FRONT_MATTER_FAQ_POST } from '../faq/fixtures.js';
import { schemaOrgProblems, vocabularyPresent } from './schema-vocabulary.js';

type Json = Record<string, any>;

const contentDir = join(import.meta.dirname, '..', '..', 'content');
const config = resolveSiteConfig({ siteUrl: 'https://clinic.example', title: 'Clinic <Blog> & Co' });

function publish(key: string, text: string | Uint8Array, siteConfig: SiteConfig = config): PublishedPost {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const outcome = processPost({ key, bytes }, siteConfig);
  if (outcome.status !== 'published') throw new Error(`${key}: ${outcome.status} ${JSON.stringify(outcome.messages)}`);
  return outcome.post;
}

const seedPosts = readdirSync(contentDir).filter((name) => name.endsWith('.md')).sort()
  .map((name) => publish(name, readFileSync(join(contentDir, name))));
const faqPosts = [publish('faq.md', FAQ_POST), publish('front-matter-faq.md', FRONT_MATTER_FAQ_POST), publish('auto-faq.md', AUTO_FAQ_POST)];

function scripts(page: string): string[] {
  return [...page.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((match) => {
    expect(match[0]).toMatch(/^<script type="application\/ld\+json">/);
    return match[1]!;
  });
}

describe('JSON-LD of a build of the seed posts', () => {
  it('has the five seed posts', () => {
    expect(seedPosts).toHaveLength(5);
  });

  for (const [name, posts] of [['seed posts', seedPosts], ['seed posts plus FAQ posts', [...seedPosts, ...faqPosts]]] as const) {
    const pages = buildSite(posts, config).filter((file) => file.path.endsWith('.html'));

    it(`${name}: every block on every page parses, is schema.org, and a page has at most one FAQPage`, () => {
      expect(pages.length).toBeGreaterThanOrEqual(posts.length + 1);
      for (const page of pages) {
        const blocks = scripts(page.body).map((body) => JSON.parse(body) as Json);
        if (page.path.startsWith('posts/') || page.path === 'index.html') expect(blocks.length, page.path).toBeGreaterThan(0);
        for (const block of blocks) expect(block['@context'], page.path).toBe('https://schema.org');
        expect(blocks.filter((block) => block['@type'] === 'FAQPage').length, page.path).toBeLessThanOrEqual(1);
      }
    });

    it.skipIf(!vocabularyPresent)(`${name}: uses only schema.org types and properties`, () => {
      for (const page of pages) {
        for (const body of scripts(page.body)) expect(schemaOrgProblems(JSON.parse(body)), page.path).toEqual([]);
      }
    });

    it(`${name}: post pages carry BlogPosting and BreadcrumbList, the home page WebSite and Blog`, () => {
      for (const post of posts) {
        const page = pages.find((file) => file.path === `posts/${post.slug}/index.html`)!;
        const types = scripts(page.body).map((body) => (JSON.parse(body) as Json)['@type']);
        expect(types.slice(0, 2)).toEqual(['BlogPosting', 'BreadcrumbList']);
        expect(types.includes('FAQPage')).toBe(post.faq !== undefined);
      }
      const home = pages.find((file) => file.path === 'index.html')!;
      expect(scripts(home.body).map((body) => (JSON.parse(body) as Json)['@type'])).toEqual(['WebSite', 'Blog']);
    });
  }

  it('marks up FAQs only for the FAQ posts, none for the seeds', () => {
    expect(seedPosts.filter((post) => post.faq !== undefined)).toEqual([]);
    expect(faqPosts.map((post) => post.faq?.length)).toEqual([4, 2, 3]);
  });
});

describe.skipIf(!vocabularyPresent)('the vocabulary check', () => {
  it('catches invented types and properties, wrong domains, and looks inside @graph', () => {
    expect(schemaOrgProblems({ '@type': 'FAQPage', mainEntity: [{ '@type': 'Question', name: 'q', acceptedAnswer: { '@type': 'Answer', text: 't', score: 1 } }] }))
      .toEqual(['$.mainEntity[0].acceptedAnswer.score: unknown property']);
    expect(schemaOrgProblems({ '@graph': [{ '@type': 'Questionnaire' }, { '@type': 'BreadcrumbList', headline: 'x', acceptedAnswer: {} }] })).toEqual([
      '$.@graph[0]: unknown type Questionnaire',
      '$.@graph[1].headline: not a property of BreadcrumbList',
      '$.@graph[1].acceptedAnswer: not a property of BreadcrumbList',
      '$.@graph[1].acceptedAnswer: no @type',
    ]);
  });
});

describe('BlogPosting', () => {
  it('is complete: Person author, Organization publisher, dateModified from updated, image and keywords', () => {
    const post = publish('full.md', '---\ntitle: A complete post about ketamine\nauthor: Dr. Jane Roe\ndate: 2024-01-02\nupdated: 2024-03-04\nimage: /images/lead.jpg\ntags: [ketamine, depression]\n---\n\nText.\n');
    const [blogPosting] = scripts(renderPostPage(post, config).body).map((body) => JSON.parse(body) as Json);
    expect(blogPosting).toMatchObject({
      '@type': 'BlogPosting',
      headline: 'A complete post about ketamine',
      author: { '@type': 'Person', name: 'Dr. Jane Roe' },
      publisher: { '@type': 'Organization', name: 'Clinic <Blog> & Co', url: 'https://clinic.example/' },
      datePublished: '2024-01-02T00:00:00.000Z',
      dateModified: '2024-03-04T00:00:00.000Z',
      image: 'https://clinic.example/images/lead.jpg',
      keywords: 'ketamine, depression',
      url: 'https://clinic.example/posts/full/',
    });
  });
});

describe('BreadcrumbList', () => {
  it('is Home › Post with absolute URLs and positions from 1', () => {
    const post = seedPosts[0]!;
    const crumbs = scripts(renderPostPage(post, config).body).map((body) => JSON.parse(body) as Json)[1]!;
    expect(crumbs).toEqual({
      '@context': 'https://schema.org',
      '@type': 'BreadcrumbList',
      itemListElement: [
        { '@type': 'ListItem', position: 1, name: 'Clinic <Blog> & Co', item: 'https://clinic.example/' },
        { '@type': 'ListItem', position: 2, name: post.title, item: `https://clinic.example/posts/${post.slug}/` },
      ],
    });
  });

  it('follows a base path, and an extra BreadcrumbList replaces the default one', () => {
    const underPath = resolveSiteConfig({ siteUrl: 'https://example.org/blog/' });
    const post = publish('p.md', '---\ntitle: Under a path\n---\n\nText.\n', underPath);
    const crumbs = scripts(renderPostPage(post, underPath).body).map((body) => JSON.parse(body) as Json)[1]!;
    expect(crumbs['itemListElement'].map((item: Json) => item['item'])).toEqual(['https://example.org/blog/', 'https://example.org/blog/posts/p/']);
    const custom = breadcrumbListJsonLd([{ name: 'Home', url: 'https://example.org/' }]);
    const types = scripts(renderPostPage(post, underPath, { extraJsonLd: [custom] }).body).map((body) => (JSON.parse(body) as Json)['@type']);
    expect(types).toEqual(['BlogPosting', 'BreadcrumbList']);
  });
});

describe('faqPageJsonLd', () => {
  it('is undefined without pairs, so a page never carries an empty FAQPage', () => {
    expect(faqPageJsonLd([], 'https://x.example/')).toBeUndefined();
  });
});
