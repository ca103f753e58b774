import { PutObjectCommand } from '@aws-sdk/client-s3';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, siteUrl, startTestStack, type TestStack } from '../integration/stack-helpers.js';

/**
 * Many posts uploaded at once through the embedded stack (4 concurrent ingest batches, one publish writer), with
 * a tenth of them edited again while the first wave is still being processed. Every post must be published
 * once, under one slug, in its latest version; the sitemap lists every post; each feed carries its limit of the
 * newest posts. LOAD_POSTS=1000 (or 10000) runs the big variant; the default keeps CI under a minute.
 */
const POSTS = Number(process.env.LOAD_POSTS ?? 150);
const EDITED = Math.ceil(POSTS / 10);
const FEED_LIMIT = 50;
const TAGS = 7;

let stack: TestStack;
const key = (i: number) => `load/post-${String(i).padStart(5, '0')}.md`;
// Unique instants, one minute apart: the newest posts are the highest numbers, with no ties to break.
const date = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().replace('.000Z', 'Z');
const text = (i: number, version: number) => post(
  { title: JSON.stringify(`Load post ${i}`), date: date(i), tags: `[tag-${i % TAGS}]`, author: 'Load Tester' },
  `Version ${version} of load post ${i}. ${'Ketamine clinic research notes. '.repeat(3)}`,
);
const timings: Record<string, number> = {};

beforeAll(async () => {
  stack = await startTestStack();
  const started = performance.now();
  const put = (i: number, version: number) => stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key: `posts/${key(i)}`, Body: text(i, version) }));
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < POSTS) await put(next++, 1);
  }));
  timings.uploadMs = performance.now() - started;
  // Edits while the first wave is in flight: the later version must win (no lost update).
  for (let i = 0; i < POSTS; i += 10) await put(i, 2);
  await stack.settled();
  timings.totalMs = performance.now() - started;
}, 1_800_000);
afterAll(async () => {
  await stack?.close();
  console.log(`\nload: ${POSTS} posts (+${EDITED} edits in flight): uploads ${Math.round(timings.uploadMs!)} ms, all published after ${Math.round(timings.totalMs!)} ms (${(POSTS / (timings.totalMs! / 1000)).toFixed(1)} posts/s end to end)`);
});

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: true });
const items = (xml: string) => {
  expect(XMLValidator.validate(xml)).toBe(true);
  const list = parser.parse(xml).rss.channel.item ?? [];
  return (Array.isArray(list) ? list : [list]) as { title: string; link: string }[];
};
const newest = (count: number, filter: (i: number) => boolean = () => true) =>
  Array.from({ length: POSTS }, (_, i) => POSTS - 1 - i).filter(filter).slice(0, count).map((i) => `Load post ${i}`);

describe(`${POSTS} posts uploaded at once`, () => {
  it('publishes every post exactly once, in its latest version, with nothing dead-lettered', async () => {
    expect(stack.deadLetters).toEqual([]);
    const live = await stack.posts.listLive();
    expect(live).toHaveLength(POSTS);
    expect(new Set(live.map((p) => p.key)).size).toBe(POSTS);
    expect(new Set(live.map((p) => p.slug)).size).toBe(POSTS);
    const pages = (await stack.sitePaths()).filter((path) => /^posts\/[^/]+\/index\.html$/.test(path));
    expect(pages).toHaveLength(POSTS);
    for (let i = 0; i < POSTS; i++) {
      const record = await stack.posts.getRecord(key(i));
      expect(record?.state, key(i)).toBe('published');
    }
    // Every edit made during the load is the version published (checked on the pages themselves).
    for (let i = 0; i < POSTS; i += 10) {
      expect(await stack.page(`posts/post-${String(i).padStart(5, '0')}/index.html`), key(i)).toContain(`Version 2 of load post ${i}.`);
    }
  });

  it('lists every post once in the sitemap', async () => {
    const sitemap = (await stack.page('sitemap.xml'))!;
    expect(XMLValidator.validate(sitemap)).toBe(true);
    const postUrls = [...sitemap.matchAll(/<loc>([^<]*\/posts\/[^<]*)<\/loc>/g)].map((m) => m[1]!);
    expect(postUrls).toHaveLength(POSTS);
    expect(new Set(postUrls).size).toBe(POSTS);
    expect(postUrls.every((url) => url.startsWith(`${siteUrl}/posts/post-`))).toBe(true);
  });

  it('carries the newest posts, up to the limit, in RSS, Atom, JSON Feed and every tag feed', async () => {
    expect(items((await stack.page('feed.xml'))!).map((item) => item.title)).toEqual(newest(FEED_LIMIT));
    const atom = (await stack.page('atom.xml'))!;
    expect(XMLValidator.validate(atom)).toBe(true);
    expect([...atom.matchAll(/<entry>/g)]).toHaveLength(Math.min(FEED_LIMIT, POSTS));
    const json = JSON.parse((await stack.page('feed.json'))!) as { items: { title: string }[] };
    expect(json.items.map((item) => item.title)).toEqual(newest(FEED_LIMIT));
    for (let tag = 0; tag < TAGS; tag++) {
      expect(items((await stack.page(`tags/tag-${tag}/feed.xml`))!).map((item) => item.title)).toEqual(newest(FEED_LIMIT, (i) => i % TAGS === tag));
    }
    expect(await stack.page('index.html')).toContain(`Load post ${POSTS - 1}`);
  });
});
