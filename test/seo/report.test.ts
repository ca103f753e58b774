import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../lambdas/core/markdown.js';
import { prng } from '../support/prng.js';
import { internalLinkSlugs, postSeoMessages, SEO_LIMITS, siteSeoMessages, siteSeoSummary, siteSummaryReport, type PostSeoInput } from '../../lambdas/core/seo-report.js';
import type { PostMessage } from '../../lambdas/core/types.js';
import { md, process, published } from '../core/helpers.js';

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
const GOOD_TITLE = 'A title of a sensible length';
const GOOD_DESCRIPTION = 'A description long enough to be used as the search result snippet.';

/** A post that passes every per-post check; each test breaks one thing. */
function input(overrides: Partial<PostSeoInput> & { markdown?: string } = {}): PostSeoInput {
  const text = `---\ntitle: ${overrides.title ?? GOOD_TITLE}\ndescription: ${overrides.description ?? GOOD_DESCRIPTION}\n---\n\n${overrides.markdown ?? '## Section\n\nText.'}\n`;
  return {
    text,
    body: parseMarkdown(text),
    title: GOOD_TITLE,
    description: GOOD_DESCRIPTION,
    descriptionFromFrontMatter: true,
    wordCount: 500,
    ...overrides,
  };
}
const rules = (messages: readonly PostMessage[]) => messages.map((m) => m.ruleId);

describe('postSeoMessages', () => {
  it('says nothing about a post that is fine', () => {
    expect(postSeoMessages(input())).toEqual([]);
  });

  it('warns about titles under 10 or over 70 characters, at the title line', () => {
    expect(postSeoMessages(input({ title: 'x'.repeat(SEO_LIMITS.titleMinChars) }))).toEqual([]);
    expect(postSeoMessages(input({ title: 'x'.repeat(SEO_LIMITS.titleMaxChars) }))).toEqual([]);
    const short = postSeoMessages(input({ title: 'Ketamine' }));
    expect(short).toEqual([expect.objectContaining({ severity: 'warning', ruleId: 'seo:title-length', line: 2 })]);
    expect(short[0]!.reason).toContain('8 characters');
    const long = postSeoMessages(input({ title: 'x'.repeat(71) }));
    expect(long).toEqual([expect.objectContaining({ severity: 'warning', ruleId: 'seo:title-length', line: 2 })]);
    expect(long[0]!.reason).toContain('71 characters');
    // Characters, not UTF-16 units: 70 emoji are 70 characters.
    expect(postSeoMessages(input({ title: '😀'.repeat(70) }))).toEqual([]);
  });

  it('warns about descriptions under 50 or over 160 characters, at the description line', () => {
    expect(postSeoMessages(input({ description: 'x'.repeat(50) }))).toEqual([]);
    expect(postSeoMessages(input({ description: 'x'.repeat(160) }))).toEqual([]);
    expect(postSeoMessages(input({ description: 'Too short.' }))).toEqual([expect.objectContaining({ ruleId: 'seo:description-length', line: 3 })]);
    expect(postSeoMessages(input({ description: 'x'.repeat(161) }))).toEqual([expect.objectContaining({ ruleId: 'seo:description-length', line: 3 })]);
    const fromText = postSeoMessages(input({ description: 'Short excerpt.', descriptionFromFrontMatter: false }));
    expect(fromText).toEqual([expect.objectContaining({ ruleId: 'seo:description-length', line: 1 })]);
    expect(fromText[0]!.reason).toContain('add `description:`');
  });

  it('warns about every H1 in the body, with its line (the template renders the title as the H1)', () => {
    expect(rules(postSeoMessages(input({ markdown: '## Fine\n\nText.' })))).toEqual([]);
    const messages = postSeoMessages(input({ markdown: '# Second title\n\nText.\n\n# Third' }));
    expect(messages).toEqual([
      expect.objectContaining({ ruleId: 'seo:extra-h1', line: 6 }),
      expect.objectContaining({ ruleId: 'seo:extra-h1', line: 10 }),
    ]);
  });

  it('warns when a heading skips a level, with its line', () => {
    expect(postSeoMessages(input({ markdown: '## A\n\n### B\n\n#### C\n\n## D\n\n### E' }))).toEqual([]);
    expect(postSeoMessages(input({ markdown: '## A\n\n#### Skipped\n\n## B' }))).toEqual([
      expect.objectContaining({ ruleId: 'seo:heading-skip', line: 8, reason: expect.stringContaining('h4 after an h2') }),
    ]);
    // The first section heading under the title H1 should be an h2.
    expect(rules(postSeoMessages(input({ markdown: '### Starts at h3' })))).toEqual(['seo:heading-skip']);
  });

  it('warns about images without alt text, with the line', () => {
    expect(postSeoMessages(input({ markdown: '![A chart](https://example.org/c.png)\n\n![ok][ref]\n\n[ref]: https://example.org/r.png' }))).toEqual([]);
    expect(postSeoMessages(input({ markdown: 'Text.\n\n![](https://example.org/c.png)\n\n![  ][ref]\n\n[ref]: https://example.org/r.png' }))).toEqual([
      expect.objectContaining({ ruleId: 'seo:image-alt', line: 8, reason: expect.stringContaining('https://example.org/c.png') }),
      expect.objectContaining({ ruleId: 'seo:image-alt', line: 10 }),
    ]);
  });

  it('warns about posts under 300 words', () => {
    expect(postSeoMessages(input({ wordCount: SEO_LIMITS.minWords }))).toEqual([]);
    expect(postSeoMessages(input({ wordCount: 120 }))).toEqual([expect.objectContaining({ ruleId: 'seo:short-content', reason: expect.stringContaining('120 words') })]);
  });
});

describe('SEO warnings from processPost', () => {
  it('never block publishing', () => {
    const outcome = published(md('title: Short\ndescription: Tiny.', '# Another H1\n\n#### Skip\n\n![](https://example.org/x.png)\n\nFew words.'));
    expect(outcome.status).toBe('published');
    expect(new Set(rules(outcome.messages.filter((m) => m.ruleId.startsWith('seo:'))))).toEqual(new Set([
      'seo:missing-author', 'seo:title-length', 'seo:description-length', 'seo:extra-h1', 'seo:heading-skip', 'seo:image-alt', 'seo:short-content',
    ]));
    expect(outcome.messages.filter((m) => m.ruleId.startsWith('seo:')).every((m) => m.severity === 'warning')).toBe(true);
  });

  it('do not count the leading H1 that repeats the title (the template replaces it)', () => {
    const outcome = published(md(`title: ${GOOD_TITLE}\ndescription: ${GOOD_DESCRIPTION}\nauthor: A\ndate: 2024-01-01`, `# ${GOOD_TITLE}\n\n## Section\n\n${words(300)}`));
    expect(outcome.messages.filter((m) => m.severity === 'warning')).toEqual([]);
  });

  it('keep the missing author id (an undated post is dated by ingest, not warned about), and a malformed faq is still an error that blocks', () => {
    const outcome = published(md(`title: ${GOOD_TITLE}`, words(300)));
    expect(rules(outcome.messages)).toEqual(expect.arrayContaining(['seo:missing-author', 'seo:description-from-text']));
    expect(rules(outcome.messages)).not.toContain('seo:missing-date');
    expect(outcome.post.date).toBeUndefined();
    const bad = process(md(`title: ${GOOD_TITLE}\nfaq: 3`));
    expect(bad.status).toBe('rejected');
    expect(bad.messages).toContainEqual(expect.objectContaining({ severity: 'error', ruleId: 'front-matter:faq', line: 3 }));
  });

  it('store the slugs of linked posts on the post', () => {
    const { post } = published(md('title: T\nslug: this-post', '[a](/posts/a/) [b](../b/) [self](../this-post/#x) [c](https://blog.example.com/posts/c) [ext](https://other.example/posts/d/)'));
    expect(post.internalLinks).toEqual(['a', 'b', 'c']);
    expect(published(md('title: T', 'No links.')).post.internalLinks).toBeUndefined();
  });
});

describe('internalLinkSlugs', () => {
  const site = 'https://blog.example.com';
  const slugsOf = (markdown: string, siteUrl = site) => internalLinkSlugs(parseMarkdown(markdown), siteUrl, 'me');

  it('recognises absolute paths, relative paths and full URLs of post pages', () => {
    expect(slugsOf([
      '[1](/posts/one/)', '[2](/posts/two)', '[3](../three/)', '[4](https://blog.example.com/posts/four/index.html)',
      '[5](http://blog.example.com/posts/five/?utm=x#part)', '[6][six]', '[7](/posts/%E3%81%93%E3%81%93%E3%82%8D/)',
      '[dup](/posts/one/#again)', '[self](/posts/me/)', '[anchor](#top)',
      '[six]: /posts/six/',
    ].join('\n\n'))).toEqual(['one', 'two', 'three', 'four', 'five', 'こころ', 'six']);
  });

  it('ignores other sites, other paths and files inside a post folder', () => {
    expect(slugsOf('[a](https://other.example/posts/a/) [b](/tags/b/) [c](/posts/c/image.png) [d](/posts/) [e](mailto:x@posts.example) [f](sub/page/)')).toEqual([]);
  });

  it('respects a site under a base path', () => {
    expect(slugsOf('[a](/blog/posts/a/) [b](/posts/b/) [c](../c/)', 'https://example.org/blog')).toEqual(['a', 'c']);
  });
});

describe('siteSeoMessages', () => {
  const summary = (key: string, title: string, description: string, slug: string, internalLinks?: string[]) =>
    ({ key, title, description, slug, ...(internalLinks && { internalLinks }) });

  it('reports titles and descriptions used by more than one post (ignoring case and spacing), on each of them', () => {
    const messages = siteSeoMessages([
      summary('a.md', 'Ketamine basics', 'First description.', 'a'),
      summary('b.md', 'ketamine  Basics ', 'Shared description.', 'b'),
      summary('c.md', 'Something else', 'Shared description.', 'c'),
      summary('d.md', 'Unique', 'Unique description.', 'd'),
    ]);
    expect(rules(messages.get('a.md')!)).toEqual(['seo:duplicate-title']);
    expect(messages.get('a.md')![0]!.reason).toContain('b.md');
    expect(rules(messages.get('b.md')!)).toEqual(['seo:duplicate-title', 'seo:duplicate-description']);
    expect(rules(messages.get('c.md')!)).toEqual(['seo:duplicate-description']);
    expect(messages.get('d.md')).toEqual([]);
    expect([...messages.values()].flat().every((m) => m.severity === 'warning')).toBe(true);
  });

  it('compares titles in NFKC form: full-width letters, a combining accent and ½ match their usual spellings', () => {
    const messages = siteSeoMessages([
      summary('a.md', 'Café ketamine', 'One.', 'a'),
      summary('b.md', 'Cafe\u0301 ＫＥＴＡＭＩＮＥ', 'Two.', 'b'),
      summary('c.md', 'Cafe ketamine', 'Three.', 'c'),
      summary('d.md', '½ dose', 'Four.', 'd'), // Latin-1, yet not its own NFKC form
      summary('e.md', '1⁄2 dose', 'Five.', 'e'),
    ]);
    expect(rules(messages.get('d.md')!)).toEqual(['seo:duplicate-title']);
    expect(rules(messages.get('a.md')!)).toEqual(['seo:duplicate-title']);
    expect(rules(messages.get('b.md')!)).toEqual(['seo:duplicate-title']);
    expect(messages.get('c.md')).toEqual([]);
  });

  it('names five of the other posts and counts the rest when many share a description (a CMS default)', () => {
    const posts = Array.from({ length: 3000 }, (_, i) => summary(`p${String(i).padStart(4, '0')}.md`, `Title ${i}`, 'Read our latest post.', `p${i}`));
    const messages = siteSeoMessages(posts);
    const first = messages.get('p0000.md')![0]!.reason;
    expect(first).toBe('The same description is used by 2999 other posts, among them p0001.md, p0002.md, p0003.md, p0004.md, p0005.md; give each post its own description.');
    expect(messages.get('p0003.md')![0]!.reason).toContain('among them p0000.md, p0001.md, p0002.md, p0004.md, p0005.md;');
    // Each warning stays short: the report of one post does not grow with the site.
    expect(Math.max(...[...messages.values()].flat().map((m) => m.reason.length))).toBeLessThan(200);
    // Six or fewer sharing: every other one is named.
    const few = siteSeoMessages(posts.slice(0, 6));
    expect(few.get('p0000.md')![0]!.reason).toBe('The same description is used by p0001.md, p0002.md, p0003.md, p0004.md, p0005.md; give each post its own description.');
  });

  it('compares the posts as they are now when the same post objects come back with one replaced or changed', () => {
    const posts = [summary('a.md', 'Ketamine basics', 'One.', 'a'), summary('b.md', 'Other title', 'Two.', 'b')];
    expect(siteSeoMessages(posts).get('a.md')).toEqual([]);
    // A warm publisher passes the same objects again, with the edited post as a new one.
    const edited = [posts[0]!, summary('b.md', 'KETAMINE basics', 'Two.', 'b')];
    expect(rules(siteSeoMessages(edited).get('a.md')!)).toEqual(['seo:duplicate-title']);
    // A post object changed in place is not taken for the one seen before.
    const changed = { ...posts[0]! };
    siteSeoMessages([changed, edited[1]!]);
    changed.title = 'A new title';
    expect(siteSeoMessages([changed, edited[1]!]).get('a.md')).toEqual([]);
  });

  it('reports links to posts that do not exist, and deletion of a linked post', () => {
    const posts = [
      summary('a.md', 'A', 'Da', 'a', ['b', 'missing']),
      summary('b.md', 'B', 'Db', 'b', ['a']),
    ];
    const messages = siteSeoMessages(posts);
    expect(messages.get('a.md')).toEqual([expect.objectContaining({ ruleId: 'seo:broken-internal-link', reason: expect.stringContaining('/posts/missing/') })]);
    expect(messages.get('b.md')).toEqual([]);
    expect(rules(siteSeoMessages([posts[0]!]).get('a.md')!)).toEqual(['seo:broken-internal-link', 'seo:broken-internal-link']);
  });
});

describe('siteSummaryReport', () => {
  it('ranks what merging each post\'s own and site-wide messages ranks, leaving out posts without warnings', () => {
    const random = prng(9);
    const ruleIds = ['seo:title-length', 'seo:image-alt', 'seo:missing-author'];
    const message = (): PostMessage => ({ severity: random() < 0.8 ? 'warning' : 'info', ruleId: ruleIds[Math.floor(random() * 3)]!, reason: 'x' });
    const some = () => Array.from({ length: Math.floor(random() * 3) }, message);
    for (let round = 0; round < 50; round++) {
      const posts = Array.from({ length: 30 }, (_, i) => ({ key: `p${i}.md`, messages: some() }));
      const siteMessages = new Map(posts.filter(() => random() < 0.5).map((post) => [post.key, some()]));
      const report = siteSummaryReport(posts, siteMessages);
      expect(report.posts).toBe(30);
      expect(report.summary).toEqual(siteSeoSummary(posts.map((post) => ({ key: post.key, messages: [...post.messages, ...(siteMessages.get(post.key) ?? [])] })))
        .filter((row) => row.warnings > 0));
    }
  });
});

describe('siteSeoSummary', () => {
  it('ranks posts by number of warnings, then by key, merging reports for the same post', () => {
    const w = (ruleId: string): PostMessage => ({ severity: 'warning', ruleId, reason: 'x' });
    const rows = siteSeoSummary([
      { key: 'b.md', messages: [w('seo:title-length')] },
      { key: 'a.md', messages: [w('seo:title-length'), { severity: 'info', ruleId: 'seo:description-from-text', reason: 'x' }] },
      { key: 'c.md', messages: [w('seo:short-content'), w('seo:image-alt')] },
      { key: 'd.md', messages: [] },
      { key: 'b.md', messages: [w('seo:image-alt'), w('seo:image-alt')] },
    ]);
    expect(rows).toEqual([
      { key: 'b.md', warnings: 3, rules: { 'seo:title-length': 1, 'seo:image-alt': 2 } },
      { key: 'c.md', warnings: 2, rules: { 'seo:short-content': 1, 'seo:image-alt': 1 } },
      { key: 'a.md', warnings: 1, rules: { 'seo:title-length': 1 } },
      { key: 'd.md', warnings: 0, rules: {} },
    ]);
  });
});
