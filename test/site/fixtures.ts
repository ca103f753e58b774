import { createHash } from 'node:crypto';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import type { PublishedPost, SiteConfig } from '../../lambdas/core/types.js';

/** A site whose own title needs escaping everywhere (`&`, a literal `&amp;`, `<`). */
export const config: SiteConfig = resolveSiteConfig({
  siteUrl: 'https://blog.example.com/',
  title: 'Clinic & Co <Blog> &amp; more',
  description: 'Notes on "therapy" & <research>.',
  language: 'en',
  feedItemLimit: 50,
});

/** A UUID-shaped URN derived from the key, like the real `stableFeedId`. */
function uuidUrn(key: string): string {
  const hex = createHash('sha1').update(key).digest('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function makePost(overrides: Partial<PublishedPost> & Pick<PublishedPost, 'key' | 'slug'>): PublishedPost {
  return {
    id: uuidUrn(overrides.key),
    title: `Title of ${overrides.slug}`,
    description: `Description of ${overrides.slug}.`,
    summary: `Summary of ${overrides.slug}.`,
    author: 'Dr. Ada Lovelace',
    date: '2024-01-01T00:00:00.000Z',
    updated: '2024-01-01T00:00:00.000Z',
    tags: [],
    lang: 'en',
    contentHtml: `<p>Body of ${overrides.slug}.</p>`,
    wordCount: 3,
    contentHash: 'hash',
    ...overrides,
  };
}

const NASTY = 'Fish & chips < 3 ]]> x ]]> \u0001 </script><script>alert(1)</script> AT&amp;T';

/** Everything an escaper can get wrong, in title, summary, description, author, tag and content. */
export const nastyPost = makePost({
  key: '2024/nasty.md',
  slug: 'nasty',
  title: NASTY,
  description: `Desc ${NASTY}`,
  summary: `Summary ${NASTY}`,
  author: 'Jo & <Co> \u0001',
  date: '2024-03-01T10:00:00.000Z',
  updated: '2024-06-15T08:30:00.000Z',
  tags: ['Q&A <hot>', 'Depression'],
  contentHtml: '<p>1 &lt; 2 &amp;&amp; ]]> and ]]> \u0001 &lt;/script&gt;</p>\n<pre><code>a]]>b</code></pre>',
});

export const japanesePost = makePost({
  key: '2024/kokoro.md',
  slug: 'こころ',
  title: 'こころの健康について',
  description: 'うつ病と治療についての記事です。',
  summary: 'うつ病と治療についての記事です。',
  author: '山田 太郎',
  date: '2024-02-10T00:00:00.000Z',
  updated: '2024-02-10T00:00:00.000Z',
  tags: ['日本語', 'depression'],
  lang: 'ja-JP',
  image: 'https://blog.example.com/images/kokoro.jpg',
});

export const anonymousPost = makePost({
  key: '2023/anonymous.md',
  slug: 'anonymous',
  title: 'A post without an author',
  author: undefined,
  date: '2023-11-05T00:00:00.000Z',
  updated: '2023-11-05T00:00:00.000Z',
  tags: ['Ketamine'],
});

export const undatedPost = makePost({
  key: '2022/undated.md',
  slug: 'undated',
  title: 'An undated post',
  date: undefined,
  updated: undefined,
  tags: ['ketamine'],
});

/** Deliberately not in date order. */
export const posts: readonly PublishedPost[] = [anonymousPost, undatedPost, nastyPost, japanesePost];
