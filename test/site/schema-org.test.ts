import { describe, expect, it } from 'vitest';
import { renderIndexPages } from '../../lambdas/core/site/index-page.js';
import { renderPostPage } from '../../lambdas/core/site/post-page.js';
import { config, japanesePost, nastyPost, posts } from './fixtures.js';
import { jsonLdBodies } from './helpers.js';
import { schemaOrgProblems, vocabularyPresent } from '../seo/schema-vocabulary.js';

describe.skipIf(!vocabularyPresent)('JSON-LD uses only schema.org types and properties', () => {
  const pages = {
    'nasty post': renderPostPage(nastyPost, config).body,
    'post with image': renderPostPage(japanesePost, config).body,
    index: renderIndexPages(posts, config)[0]!.body,
  };

  it.each(Object.entries(pages))('%s', (_name, page) => {
    const blocks = jsonLdBodies(page).map((body) => JSON.parse(body) as Record<string, unknown>);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      expect(block['@context']).toBe('https://schema.org');
      expect(schemaOrgProblems(block)).toEqual([]);
    }
  });

  it('the checker itself catches an invented property and a wrong domain', () => {
    expect(schemaOrgProblems({ '@type': 'BlogPosting', readingMood: 'calm', blogPost: [] })).toEqual([
      '$.readingMood: unknown property',
      '$.blogPost: not a property of BlogPosting',
    ]);
  });
});
