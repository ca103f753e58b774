import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { startTestStack, type TestStack } from '../integration/stack-helpers.js';
import { firstPublishedMetadata } from '../../lambdas/local/first-published.js';
import { markdown, prose, type FixturePost } from './fixtures.js';

const SHARED = prose(1000, 80); // a section body pasted into several posts
const CTA = 'Book a free consultation with our team today and find out whether this treatment is right for you.';

let stacks: TestStack[] = [];
afterEach(async () => { await Promise.all(stacks.map((s) => s.close())); stacks = []; });
async function stack(options: Parameters<typeof startTestStack>[0] = {}) { const s = await startTestStack(options); stacks.push(s); return s; }

/**
 * As `npm start` uploads a folder: each object says when its file was first published, which dates the undated post
 * (after the dated ones) alike whatever the upload order; the S3 event time would date it by its upload.
 */
const FIRST_PUBLISHED = firstPublishedMetadata({ at: '2025-01-01T00:00:00.000Z', from: 'file' });
async function uploadAll(s: TestStack, posts: readonly FixturePost[]) {
  for (const post of posts) await s.upload(post.key, markdown(post), FIRST_PUBLISHED);
}
async function snapshot(s: TestStack): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const path of await s.sitePaths()) files[path] = (await s.page(path))!;
  return files;
}
const occurrences = (text: string, needle: string) => text.split(needle).length - 1;
const firstWords = (text: string) => text.split(' ').slice(0, 12).join(' ');
/** The post's own content, without the related-posts list (which quotes other posts). */
const articleOf = (page: string) => page.slice(page.indexOf('<div class="post-content">'), page.indexOf('</article>'));

const corpus: FixturePost[] = [
  { key: 'a-original.md', title: 'Original', date: '2024-01-01', sections: [['Shared Part', SHARED], ['Own A', prose(1, 80)]], extra: CTA },
  { key: 'b-copy.md', title: 'Second', date: '2024-02-01', sections: [['Own B', prose(2, 80)], ['Pasted Again', SHARED]], extra: CTA },
  { key: 'c-other.md', title: 'Third', date: '2024-03-01', sections: [['Own C', prose(3, 80)], ['Own C2', prose(4, 80)]], extra: CTA },
  // Pastes Own B, not SHARED: a section found in three posts is boilerplate (kept everywhere), see the test below.
  { key: 'd-undated.md', title: 'Undated', sections: [['Own D', prose(5, 80)], ['Also Pasted', prose(2, 80)]] },
];

describe('cross-post deduplication on the embedded stack', () => {
  it('links a section repeated from an earlier post to the original, and tells the author', async () => {
    const s = await stack();
    await uploadAll(s, corpus);
    const copy = (await s.page('posts/b-copy/index.html'))!;
    expect(copy).toContain('<h2 id="pasted-again">Pasted Again</h2>');
    expect(copy).toContain('This section repeats <a href="https://blog.example.com/posts/a-original/#shared-part">Shared Part</a> from “Original”.');
    expect(articleOf(copy)).not.toContain(firstWords(SHARED));
    expect(occurrences(articleOf((await s.page('posts/a-original/index.html'))!), firstWords(SHARED))).toBe(1);
    // The undated post is dated when it was first published, after the dated ones: it is the later one.
    expect(await s.page('posts/d-undated/index.html')).toContain('<a href="https://blog.example.com/posts/b-copy/#own-b">Own B</a> from “Second”');
    const report = await s.report('b-copy.md') as { warnings: { ruleId: string; line: number; reason: string }[]; site: { decisions: { kind: string; similarity: number; original: { postKey: string } }[] } };
    expect(report.site.decisions[0]).toMatchObject({ kind: 'section-linked', original: { postKey: 'a-original.md' } });
    expect(report.site.decisions[0]!.similarity).toBeGreaterThanOrEqual(0.8);
    expect(report.warnings.find((w) => w.ruleId === 'dedupe:section-linked')).toMatchObject({ line: 10 });
  });

  it('gives the same site whatever the upload order', async () => {
    const forward = await stack();
    await uploadAll(forward, corpus);
    const backward = await stack();
    await uploadAll(backward, [...corpus].reverse());
    const shuffled = await stack();
    await uploadAll(shuffled, [corpus[2]!, corpus[0]!, corpus[3]!, corpus[1]!]);
    const expected = await snapshot(forward);
    expect(await snapshot(backward)).toEqual(expected);
    expect(await snapshot(shuffled)).toEqual(expected);
  });

  it('re-decides the copies when the original is edited or deleted', async () => {
    // Three copies of one section would make it boilerplate at the default threshold of 3 posts.
    const { resolveSiteConfig } = await import('../../lambdas/core/config.js');
    const s = await stack({ config: resolveSiteConfig({ siteUrl: 'https://blog.example.com', title: 'Test Blog', boilerplateMinPosts: 10 }) });
    const third: FixturePost = { key: 'e-third.md', title: 'Fourth', date: '2024-04-01', sections: [['Own E', prose(6, 80)], ['Third Copy', SHARED]] };
    await uploadAll(s, [...corpus.slice(0, 2), third]);
    expect(articleOf((await s.page('posts/e-third/index.html'))!)).toContain('from “Original”');
    // Edited: the original no longer has the section, so the first copy is the original now.
    await s.upload('a-original.md', markdown({ ...corpus[0]!, sections: [['Own A', prose(1, 80)]] }));
    expect(articleOf((await s.page('posts/b-copy/index.html'))!)).toContain(firstWords(SHARED));
    expect(await s.page('posts/e-third/index.html')).toContain('This section repeats <a href="https://blog.example.com/posts/b-copy/#pasted-again">Pasted Again</a> from “Second”.');
    // Restored, then deleted: again the first copy becomes the original.
    await s.upload('a-original.md', markdown(corpus[0]!));
    expect(articleOf((await s.page('posts/b-copy/index.html'))!)).not.toContain(firstWords(SHARED));
    expect(await s.page('posts/e-third/index.html')).toContain('from “Original”');
    await s.remove('a-original.md');
    expect(articleOf((await s.page('posts/b-copy/index.html'))!)).toContain(firstWords(SHARED));
    expect(await s.page('posts/e-third/index.html')).toContain('This section repeats <a href="https://blog.example.com/posts/b-copy/#pasted-again">Pasted Again</a> from “Second”.');
  });

  it('treats a section pasted into three posts (the boilerplate threshold) as boilerplate: kept on every page', async () => {
    const s = await stack();
    const third: FixturePost = { key: 'e-third.md', title: 'Fourth', date: '2024-04-01', sections: [['Own E', prose(6, 80)], ['Third Copy', SHARED]] };
    await uploadAll(s, [...corpus.slice(0, 2), third]);
    for (const path of ['posts/a-original/index.html', 'posts/b-copy/index.html', 'posts/e-third/index.html']) {
      expect(articleOf((await s.page(path))!)).toContain(firstWords(SHARED));
    }
    const report = await s.report('e-third.md') as { site: { boilerplateBlocks: number; decisions: unknown[] } };
    expect(report.site).toMatchObject({ boilerplateBlocks: 1, decisions: [] });
  });

  it('re-publishes newer posts when an older post is uploaded after them', async () => {
    const s = await stack();
    await uploadAll(s, [corpus[1]!]);
    expect(articleOf((await s.page('posts/b-copy/index.html'))!)).toContain(firstWords(SHARED));
    await uploadAll(s, [corpus[0]!]);
    expect(await s.page('posts/b-copy/index.html')).toContain('from “Original”');
    expect(articleOf((await s.page('posts/b-copy/index.html'))!)).not.toContain(firstWords(SHARED));
    expect(await s.page('posts/a-original/index.html')).toContain(firstWords(SHARED));
  });

  it('honours the policy per post (keep | remove) over the site default (link)', async () => {
    const s = await stack();
    await uploadAll(s, [corpus[0]!, { ...corpus[1]!, frontMatter: 'dedupe: remove' }, { ...corpus[3]!, frontMatter: 'dedupe: keep' }]);
    const removed = (await s.page('posts/b-copy/index.html'))!;
    expect(removed).not.toContain('Pasted Again');
    expect(articleOf(removed)).not.toContain(firstWords(SHARED));
    expect(await s.page('posts/d-undated/index.html')).toContain(firstWords(prose(2, 80)));
    const report = await s.report('d-undated.md') as { notes: { ruleId: string }[] };
    expect(report.notes.some((n) => n.ruleId === 'dedupe:section-kept')).toBe(true);
  });

  it('keeps boilerplate on the page but out of descriptions, summaries and feeds', async () => {
    const s = await stack();
    const ctaFirst = corpus.slice(0, 3).map((post) => ({ ...post, sections: [], extra: `${CTA}\n\n${prose(post.title.length + 40, 60)}` }));
    await uploadAll(s, ctaFirst);
    const page = (await s.page('posts/c-other/index.html'))!;
    expect(page).toContain(CTA);
    const description = /<meta name="description" content="([^"]*)"/.exec(page)![1]!;
    expect(description).not.toContain('Book a free consultation');
    const feed = new XMLParser().parse((await s.page('feed.xml'))!);
    for (const item of feed.rss.channel.item) expect(String(item.description)).not.toContain('Book a free consultation');
    expect((await s.report('a-original.md') as { site: { boilerplateBlocks: number } }).site.boilerplateBlocks).toBe(1);
  });

  it('flags a near copy of an earlier post: canonical to the original, out of the sitemap', async () => {
    const s = await stack();
    const original: FixturePost = { key: 'orig.md', title: 'First Version', date: '2024-01-01', sections: [['One', prose(11, 120)], ['Two', prose(12, 120)]] };
    const nearCopy: FixturePost = { key: 'again.md', title: 'Second Version', date: '2024-06-01', sections: [['One again', prose(11, 120)], ['Two again', `${prose(12, 120)} Plus one new sentence.`]], frontMatter: 'dedupe: keep' };
    await uploadAll(s, [nearCopy, original]);
    const page = (await s.page('posts/again/index.html'))!;
    expect(page).toContain('<link rel="canonical" href="https://blog.example.com/posts/orig/">');
    const sitemap = (await s.page('sitemap.xml'))!;
    expect(sitemap).toContain('/posts/orig/');
    expect(sitemap).not.toContain('/posts/again/');
    // The author's canonical always wins.
    await s.upload('again.md', markdown({ ...nearCopy, frontMatter: 'dedupe: keep\ncanonical: https://elsewhere.example/post' }));
    expect(await s.page('posts/again/index.html')).toContain('<link rel="canonical" href="https://elsewhere.example/post">');
  });

  it('never touches tiny repeated lines, and keeps repeated code unless configured', async () => {
    const code = '```js\nconst client = new S3Client({ region: process.env.AWS_REGION, maxAttempts: 5 });\nawait client.send(command);\n```';
    const body = `Read more.\n\n${code}\n\n${prose(21, 30)}\n\nRead more.\n\n${code}`;
    const post = `---\ntitle: Tiny\n---\n\n${body}\n`;
    const keep = await stack();
    await keep.upload('tiny.md', post);
    const kept = (await keep.page('posts/tiny/index.html'))!;
    expect(occurrences(kept, '<p>Read more.</p>')).toBe(2);
    expect(occurrences(kept, 'new S3Client')).toBe(2);
    const { resolveSiteConfig } = await import('../../lambdas/core/config.js');
    const strict = await stack({ config: resolveSiteConfig({ siteUrl: 'https://blog.example.com', title: 'Test Blog', dedupeCode: true }) });
    await strict.upload('tiny.md', post);
    const removed = (await strict.page('posts/tiny/index.html'))!;
    expect(occurrences(removed, 'new S3Client')).toBe(1);
    expect(occurrences(removed, '<p>Read more.</p>')).toBe(2);
  });

  it('deduplicates non-English sections', async () => {
    const french = 'Les antidépresseurs sont des médicaments couramment prescrits pour aider à gérer les symptômes de la dépression. Ils agissent en modifiant les niveaux de certaines substances chimiques du cerveau, comme la sérotonine, la noradrénaline et la dopamine, qui jouent un rôle dans la régulation de l’humeur. Il existe plusieurs classes différentes, chacune avec ses propres mécanismes d’action et effets secondaires possibles.';
    const s = await stack();
    await s.upload('fr-1.md', `---\ntitle: Premier article\ndate: 2024-01-01\nlang: fr\n---\n\n## Les antidépresseurs\n\n${french}\n`);
    await s.upload('fr-2.md', `---\ntitle: Deuxième article\ndate: 2024-02-01\nlang: fr\n---\n\n## Ce qu’il faut savoir\n\n${french.toUpperCase()}\n`);
    expect(await s.page('posts/fr-2/index.html')).toContain('from “Premier article”');
  });

  it('shows the first seed post\'s repeated section once, on the page and in the feed', async () => {
    const s = await stack();
    const seed = await readFile(join(import.meta.dirname, '..', '..', 'content', 'how-ketamine-and-antidepressants-differs.md'), 'utf8');
    await s.upload('how-ketamine-and-antidepressants-differs.md', seed);
    const sentence = 'Antidepressants are a type of medication commonly prescribed';
    expect(occurrences((await s.page('posts/how-ketamine-and-antidepressants-differs/index.html'))!, sentence)).toBe(1);
    expect(occurrences((await s.page('feed.xml'))!, sentence)).toBe(1);
    expect(occurrences((await s.page('atom.xml'))!, sentence)).toBe(1);
    expect(occurrences((await s.page('feed.json'))!, sentence)).toBe(1);
    const report = await s.report('how-ketamine-and-antidepressants-differs.md') as { warnings: { ruleId: string; line: number; reason: string }[] };
    const section = report.warnings.find((w) => w.ruleId === 'dedupe:repeated-section')!;
    expect(section.line).toBe(39);
    expect(section.reason).toContain('it repeats “Antidepressants” (line 25)');
  });
});
