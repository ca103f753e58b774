import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TransientError } from '../../lambdas/core/errors.js';
import { post, startTestStack, type TestStack } from './stack-helpers.js';

let stack: TestStack;
beforeEach(async () => { stack = await startTestStack(); });
afterEach(async () => { await stack.close(); });

const rssItems = (xml: string) => {
  expect(XMLValidator.validate(xml)).toBe(true);
  const items = new XMLParser().parse(xml).rss.channel.item ?? [];
  return (Array.isArray(items) ? items : [items]) as { title: string; guid: string; link: string }[];
};

describe('S3 events through the real handlers on the embedded stack', () => {
  it('publishes an uploaded post: page, feeds, sitemap, DynamoDB record and a private report', async () => {
    await stack.upload('hello.md', post({ title: 'Hello World', date: '2024-04-01', author: 'Ada', tags: '[news]' }));
    const page = await stack.page('posts/hello/index.html');
    expect(page).toContain('<h1>Hello World</h1>');
    expect(page).toContain('Body text of the post.');
    expect(rssItems((await stack.page('feed.xml'))!).map((item) => item.title)).toEqual(['Hello World']);
    expect(await stack.page('sitemap.xml')).toContain('https://blog.example.com/posts/hello/');
    expect(await stack.page('tags/news/index.html')).toContain('Hello World');

    const record = await stack.posts.getRecord('hello.md');
    expect(record).toMatchObject({ state: 'published', live: { slug: 'hello', title: 'Hello World', author: 'Ada' } });
    expect(await stack.report('hello.md')).toMatchObject({ file: 'posts/hello.md', status: 'published', url: 'https://blog.example.com/posts/hello/' });
    expect((await stack.sitePaths()).some((path) => path.startsWith('reports/'))).toBe(false);
  });

  it('updates a post in place: same feed id, new text, no duplicate item', async () => {
    await stack.upload('a.md', post({ title: 'First', date: '2024-01-01' }, 'Version one.'));
    const before = rssItems((await stack.page('feed.xml'))!);
    await stack.upload('a.md', post({ title: 'First (edited)', date: '2024-01-01', updated: '2024-02-01' }, 'Version two.'));
    const after = rssItems((await stack.page('feed.xml'))!);
    expect(after).toHaveLength(1);
    expect(after[0]!.guid).toEqual(before[0]!.guid);
    expect(await stack.page('posts/a/index.html')).toContain('Version two.');
  });

  it('unpublishes a deleted post everywhere and removes its report', async () => {
    await stack.upload('a.md', post({ title: 'Keep', date: '2024-01-01' }));
    await stack.upload('b.md', post({ title: 'Gone', date: '2024-01-02' }));
    await stack.remove('b.md');
    expect(await stack.page('posts/b/index.html')).toBeUndefined();
    expect(rssItems((await stack.page('feed.xml'))!).map((item) => item.title)).toEqual(['Keep']);
    expect(await stack.page('index.html')).not.toContain('Gone');
    expect(await stack.page('sitemap.xml')).not.toContain('/posts/b/');
    expect((await stack.posts.getRecord('b.md'))?.state).toBe('deleted');
    expect(await stack.report('b.md')).toBeUndefined();
  });

  it('ignores a duplicate event: nothing is re-processed, the site does not change', async () => {
    await stack.upload('a.md', post({ title: 'Once', date: '2024-01-01' }));
    const site = await snapshot(stack);
    const resultsBefore = stack.results.length;
    await stack.redeliver(stack.events.at(-1)!);
    expect(stack.results.slice(resultsBefore).map((r) => r.action)).toEqual(['stale']);
    expect(await snapshot(stack)).toEqual(site);
  });

  it('ignores an out-of-order (older) event after a newer one', async () => {
    await stack.upload('a.md', post({ title: 'Old', date: '2024-01-01' }, 'old text'));
    const olderEvent = stack.events.at(-1)!;
    await stack.upload('a.md', post({ title: 'New', date: '2024-01-01' }, 'new text'));
    const site = await snapshot(stack);
    await stack.redeliver(olderEvent);
    expect(stack.results.at(-1)!.action).toBe('stale');
    expect(await snapshot(stack)).toEqual(site);
    expect(await stack.page('posts/a/index.html')).toContain('new text');
  });

  it('does not resurrect a deleted post when its create event arrives late', async () => {
    await stack.upload('a.md', post({ title: 'A', date: '2024-01-01' }));
    const createEvent = stack.events.at(-1)!;
    await stack.remove('a.md');
    await stack.redeliver(createEvent);
    expect(await stack.page('posts/a/index.html')).toBeUndefined();
    expect((await stack.posts.getRecord('a.md'))?.state).toBe('deleted');
  });

  it('rejects a broken post with file and line, and leaves every other post and feed intact', async () => {
    await stack.upload('good.md', post({ title: 'Good', date: '2024-01-01' }));
    const site = await snapshot(stack);
    await stack.upload('bad.md', '---\ntitle: Bad\ndate: 2024-13-45\n---\n\ntext\n');
    expect(await snapshot(stack)).toEqual(site);
    const report = await stack.report('bad.md') as { status: string; errors: { line: number; reason: string }[] };
    expect(report.status).toBe('rejected');
    expect(report.errors[0]).toMatchObject({ line: 3 });
    expect(report.errors[0]!.reason).toContain('YYYY-MM-DD');
  });

  it('keeps the last good version live when an edit is rejected', async () => {
    await stack.upload('a.md', post({ title: 'Live', date: '2024-01-01' }, 'good text'));
    await stack.upload('a.md', '---\ntitle: [broken\n---\n\nnew text\n');
    expect(await stack.page('posts/a/index.html')).toContain('good text');
    expect(await stack.report('a.md')).toMatchObject({ status: 'rejected', stillLive: { title: 'Live' } });
  });

  it('never lets a second file overwrite another post\'s slug', async () => {
    await stack.upload('one.md', post({ title: 'One', slug: 'same', date: '2024-01-01' }, 'first owner'));
    await stack.upload('two.md', post({ title: 'Two', slug: 'same', date: '2024-01-02' }, 'second file'));
    expect(await stack.page('posts/same/index.html')).toContain('first owner');
    const report = await stack.report('two.md') as { errors: { ruleId: string; reason: string }[] };
    expect(report.errors[0]!.ruleId).toBe('post:slug-taken');
    expect(report.errors[0]!.reason).toContain('posts/one.md');
    // Once the owner moves to another slug, the second file can have it.
    await stack.upload('one.md', post({ title: 'One', slug: 'moved', date: '2024-01-01' }, 'first owner'));
    await stack.upload('two.md', post({ title: 'Two', slug: 'same', date: '2024-01-02' }, 'second file'));
    expect(await stack.page('posts/same/index.html')).toContain('second file');
    expect(await stack.page('posts/moved/index.html')).toContain('first owner');
  });

  it('removes the old page when a post changes its slug', async () => {
    await stack.upload('a.md', post({ title: 'A', slug: 'old-slug', date: '2024-01-01' }));
    await stack.upload('a.md', post({ title: 'A', slug: 'new-slug', date: '2024-01-01' }));
    expect(await stack.page('posts/old-slug/index.html')).toBeUndefined();
    expect(await stack.page('posts/new-slug/index.html')).toBeDefined();
  });

  it('never publishes drafts, and unpublishes a post that becomes a draft', async () => {
    await stack.upload('d.md', post({ title: 'Draft', draft: 'true' }));
    expect(await stack.page('posts/d/index.html')).toBeUndefined();
    expect(await stack.page('posts/draft/index.html')).toBeUndefined();
    await stack.upload('p.md', post({ title: 'Public', date: '2024-01-01' }));
    await stack.upload('p.md', post({ title: 'Public', date: '2024-01-01', draft: 'true' }));
    expect(await stack.page('posts/public/index.html')).toBeUndefined();
    expect(await stack.page('feed.xml')).not.toContain('Public');
  });

  it('decodes form-URL-encoded keys: spaces, plus signs and unicode', async () => {
    await stack.upload('My Post+Café.md', post({ title: 'Encoded', date: '2024-01-01' }));
    expect(stack.events.at(-1)).toContain('My+Post%2BCaf%C3%A9.md');
    expect(stack.results.at(-1)).toMatchObject({ key: 'My Post+Café.md', action: 'published' });
    expect(await stack.page('posts/my-postcafé/index.html')).toBeDefined();
  });

  it('drops tag pages whose last post left the tag', async () => {
    await stack.upload('a.md', post({ title: 'A', date: '2024-01-01', tags: '[solo]' }));
    expect(await stack.page('tags/solo/index.html')).toBeDefined();
    await stack.upload('a.md', post({ title: 'A', date: '2024-01-01', tags: '[other]' }));
    expect(await stack.page('tags/solo/index.html')).toBeUndefined();
    expect(await stack.page('tags/solo/feed.xml')).toBeUndefined();
  });

  it('ignores S3 test events and objects outside the notification filter', async () => {
    await stack.redeliver(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'content-source' }));
    await stack.s3.send(new (await import('@aws-sdk/client-s3')).PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: 'notes/readme.md', Body: 'x' }));
    await stack.settled();
    expect(stack.results).toEqual([]);
    expect(stack.deadLetters).toEqual([]);
  });
});

async function snapshot(s: TestStack): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const path of await s.sitePaths()) files[path] = (await s.page(path))!;
  return files;
}

describe('site-wide SEO findings on the embedded stack', () => {
  it('reports duplicate titles and links to missing posts, and lists posts by warnings in the site summary', async () => {
    await stack.upload('one.md', post({ title: 'Same Title Here', date: '2024-01-01' }, 'Links to [a missing post](/posts/nowhere/).'));
    await stack.upload('two.md', post({ title: 'Same Title Here', slug: 'two', date: '2024-01-02' }));
    const second = await stack.report('two.md') as { warnings: { ruleId: string }[] };
    expect(second.warnings.map((w) => w.ruleId)).toContain('seo:duplicate-title');
    // The first post is re-decided with the second (they share index buckets), so its report has both findings.
    const first = await stack.report('one.md') as { warnings: { ruleId: string }[] };
    expect(first.warnings.map((w) => w.ruleId)).toEqual(expect.arrayContaining(['seo:duplicate-title', 'seo:broken-internal-link']));
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const out = await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.sourceBucket, Key: 'reports/_site.json' }));
    const site = JSON.parse(await out.Body!.transformToString()) as { posts: number; summary: { key: string; warnings: number }[] };
    expect(site.posts).toBe(2);
    expect(site.summary[0]!.key).toBe('one.md');
  });
});

describe('publishing writes only what changed', () => {
  it('writes the site summary report only when it changed, and again after a run that failed to write it', async () => {
    const siteSummary = async () => {
      const { GetObjectCommand } = await import('@aws-sdk/client-s3');
      const out = await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.sourceBucket, Key: 'reports/_site.json' }));
      return JSON.parse(await out.Body!.transformToString()) as { posts: number; summary: { key: string; rules: Record<string, number> }[] };
    };
    const writes: unknown[] = [];
    let failNext = false;
    const putSiteReport = stack.source.putSiteReport.bind(stack.source);
    stack.source.putSiteReport = async (summary) => {
      writes.push(summary);
      if (failNext) {
        failNext = false;
        throw new TransientError('injected: the site summary could not be written');
      }
      await putSiteReport(summary);
    };
    await stack.upload('a.md', post({ title: 'Alpha', date: '2024-01-01' }, 'Some text.'));
    await stack.upload('b.md', post({ title: 'Beta', date: '2024-01-02' }, 'Other text.'));
    expect(writes).toHaveLength(2);
    // An edit that changes no warning leaves the summary as it is.
    await stack.upload('a.md', post({ title: 'Alpha', date: '2024-01-01' }, 'Some text, edited.'));
    expect(writes).toHaveLength(2);
    expect((await siteSummary()).posts).toBe(2);
    // A title that duplicates another post's changes it.
    await stack.upload('a.md', post({ title: 'Beta', date: '2024-01-01' }, 'Some text, edited.'));
    expect(writes).toHaveLength(3);
    expect((await siteSummary()).summary.find((row) => row.key === 'a.md')?.rules['seo:duplicate-title']).toBe(1);
    // A run that fails writing it is retried, and the retry writes it (the state did not record it as written).
    failNext = true;
    await stack.upload('c.md', post({ title: 'Gamma', date: '2024-01-03' }, 'Third text.'));
    expect(writes.length).toBeGreaterThanOrEqual(5);
    expect((await siteSummary()).posts).toBe(3);
    expect(stack.deadLetters).toEqual([]);
  });

  it('rewrites the post page and the feeds for an edit, not listings that came out the same', async () => {
    const long = 'An opening paragraph that fills the summary. '.repeat(8);
    await stack.upload('a.md', post({ title: 'A', date: '2024-01-01', tags: '[alpha]' }, `${long}\n\nThe ending.`));
    await stack.upload('b.md', post({ title: 'B', date: '2024-01-02', tags: '[beta]' }, 'Other text.'));
    const written: string[] = [];
    const put = stack.site.put.bind(stack.site);
    stack.site.put = async (file) => { written.push(file.path); await put(file); };
    await stack.upload('a.md', post({ title: 'A', date: '2024-01-01', tags: '[alpha]' }, `${long}\n\nA new ending.`));
    expect(written).toEqual(expect.arrayContaining(['posts/a/index.html', 'feed.xml', 'atom.xml', 'feed.json', 'tags/alpha/feed.xml']));
    expect(written).not.toContain('index.html');
    expect(written).not.toContain('tags/beta/index.html');
    expect(written).not.toContain('sitemap.xml');
    expect(await stack.page('posts/a/index.html')).toContain('A new ending.');
  });

  it('renders the tags a post leaves and joins, and leaves every other tag alone', async () => {
    await stack.upload('a.md', post({ title: 'Alpha post', date: '2024-01-01', tags: '[shared, gone]' }));
    await stack.upload('b.md', post({ title: 'Beta post', date: '2024-01-02', tags: '[shared, joined]' }));
    await stack.upload('c.md', post({ title: 'Gamma post', date: '2024-01-03', tags: '[elsewhere]' }));
    const rendered: string[] = [];
    const render = stack.site.put.bind(stack.site);
    stack.site.put = async (file) => { rendered.push(file.path); await render(file); };

    // a.md leaves `shared` (which keeps b.md) and `gone` (which empties), and joins `joined`.
    await stack.upload('a.md', post({ title: 'Alpha post', date: '2024-01-01', tags: '[joined]' }));
    expect(await stack.page('tags/shared/index.html')).not.toContain('Alpha post');
    expect(await stack.page('tags/shared/index.html')).toContain('Beta post');
    expect(await stack.page('tags/shared/feed.xml')).not.toContain('Alpha post');
    expect(await stack.page('tags/gone/index.html')).toBeUndefined();
    expect(await stack.page('tags/joined/index.html')).toContain('Alpha post');
    expect(await stack.page('tags/joined/feed.xml')).toContain('Alpha post');
    expect(rendered.filter((path) => path.startsWith('tags/elsewhere/'))).toEqual([]);
    expect(await stack.page('tags/elsewhere/index.html')).toContain('Gamma post');

    // Deleting the post takes it out of the tag it was last listed under.
    await stack.remove('a.md');
    expect(await stack.page('tags/joined/index.html')).not.toContain('Alpha post');
    expect(await stack.page('tags/index.html')).not.toContain('>gone<');
  });
});
