import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { listMarkdownFiles } from '../../lambdas/local/markdown-files.js';
import { topicCorpus } from '../related/fixtures.js';
import { startTestStack, type TestStack } from '../integration/stack-helpers.js';

let stacks: TestStack[] = [];
afterEach(async () => { await Promise.all(stacks.map((s) => s.close())); stacks = []; });
async function stack() { const s = await startTestStack(); stacks.push(s); return s; }

const relatedLinks = (page: string) => {
  const section = page.slice(page.indexOf('<section class="related"'));
  return [...section.matchAll(/<li><a href="https:\/\/blog\.example\.com\/posts\/([^/]+)\/">/g)].map((m) => m[1]!);
};

const topicPosts = (perGroup: number) => topicCorpus(perGroup).map((post) => ({
  ...post,
  markdown: `---\ntitle: ${post.title}\ndate: ${post.date!.slice(0, 10)}\ntags: [${post.tags.join(', ')}]\nslug: ${post.key.replace('/', '-').replace('.md', '')}\n---\n\n${post.text}\n`,
}));

describe('related posts on the embedded stack', () => {
  it('lists the other four seed posts on every seed page, most related first, explained in the report', async () => {
    const s = await stack();
    const dir = join(import.meta.dirname, '..', '..', 'content');
    const keys = await listMarkdownFiles(dir);
    for (const key of keys) await s.upload(key, await readFile(join(dir, key), 'utf8'));
    for (const key of keys) {
      const report = await s.report(key) as { url: string; site: { related: { file: string; score: number; sharedTerms: string[]; sharedTags: string[] }[] } };
      const related = report.site.related;
      expect(related.map((r) => r.file).sort()).toEqual(keys.filter((k) => k !== key).map((k) => `posts/${k}`).sort());
      expect(related.map((r) => r.score)).toEqual([...related.map((r) => r.score)].sort((a, b) => b - a));
      for (const entry of related) expect(entry.sharedTerms.length + entry.sharedTags.length).toBeGreaterThan(0);
      const page = (await s.page(`${new URL(report.url).pathname.slice(1)}index.html`))!;
      expect(relatedLinks(page)).toHaveLength(4);
    }
  });

  it('reaches precision@3 ≥ 0.9 on posts in clear topic groups, through the index', async () => {
    const s = await stack();
    const posts = topicPosts(4);
    for (const post of posts) await s.upload(post.key, post.markdown);
    const groupOf = new Map(posts.map((post) => [post.key.replace('/', '-').replace('.md', ''), post.group]));
    let hits = 0;
    let total = 0;
    for (const post of posts) {
      const slug = post.key.replace('/', '-').replace('.md', '');
      const top3 = relatedLinks((await s.page(`posts/${slug}/index.html`))!).slice(0, 3);
      expect(top3).not.toContain(slug);
      hits += top3.filter((other) => groupOf.get(other) === post.group).length;
      total += 3;
    }
    expect(hits / total).toBeGreaterThanOrEqual(0.9);
  });

  it('is incremental: one new post re-publishes exactly the pages whose related lists changed', async () => {
    const s = await stack();
    const posts = topicPosts(3);
    const [newcomer, ...rest] = posts;
    for (const post of rest) await s.upload(post.key, post.markdown);
    const listsBefore = new Map<string, string[]>();
    for (const post of rest) listsBefore.set(post.key, ((await s.posts.getRecords([post.key])).get(post.key)!.view!.related).map((r) => r.key));

    const written: string[] = [];
    const put = s.site.put.bind(s.site);
    s.site.put = async (file) => { written.push(file.path); await put(file); };
    await s.upload(newcomer!.key, newcomer!.markdown);

    const changed: string[] = [];
    for (const post of rest) {
      const after = ((await s.posts.getRecords([post.key])).get(post.key)!.view!.related).map((r) => r.key);
      if (JSON.stringify(after) !== JSON.stringify(listsBefore.get(post.key))) changed.push(post.key);
    }
    const slugOf = (key: string) => key.replace('/', '-').replace('.md', '');
    const pagesWritten = written.filter((path) => path.startsWith('posts/')).sort();
    expect(pagesWritten).toEqual([newcomer!.key, ...changed].map((key) => `posts/${slugOf(key)}/index.html`).sort());
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(rest.length);
  });

  it('reads candidates\' facts as a projection equal to the records: live posts only, date and related list\'s ranking keys', async () => {
    const s = await stack();
    const posts = topicPosts(2);
    for (const post of posts) await s.upload(post.key, post.markdown);
    await s.upload(posts[0]!.key, posts[0]!.markdown.replace('---\n\n', 'draft: true\n---\n\n'));
    const keys = [...posts.map((post) => post.key), 'never-uploaded.md'];
    const records = await s.posts.getRecords(keys);
    const expected = new Map([...records].flatMap(([key, record]) => (record.live
      ? [[key, {
        ...(record.live.date !== undefined && { date: record.live.date }),
        // The ranking keys of each entry, without the explanations.
        related: (record.view?.related ?? []).map(({ key: listed, score, date }) => ({ key: listed, score, ...(date !== undefined && { date }) })),
      }] as const]
      : [])));
    expect(expected.size).toBe(posts.length - 1);
    expect([...expected.values()].every((facts) => facts.related.length > 0)).toBe(true);
    const { relatedLimit } = resolveSiteConfig();
    expect(await s.posts.getCandidateFacts(keys, relatedLimit)).toEqual(expected);
    // A smaller limit reads the best entries only (lists are stored best first).
    expect([...expected.values()].some((facts) => facts.related.length > 2)).toBe(true);
    const firstTwo = new Map([...expected].map(([key, facts]) => [key, { ...facts, related: facts.related.slice(0, 2) }] as const));
    expect(await s.posts.getCandidateFacts(keys, 2)).toEqual(firstTwo);
  });

  it('shows a listed post as it is now: a page whose list names a post that moved links to its new address', async () => {
    const s = await stack();
    const body = 'Sourdough bread needs a lively starter, patient proofing and a hot oven. Feed the starter flour and water daily.';
    const post = (slug: string, title: string, date: string, extra = '') => `---\ntitle: ${title}\nslug: ${slug}\ndate: ${date}\ntags: [baking]\n---\n\n${body}${extra}\n`;
    await s.upload('a.md', post('a', 'Starter care', '2024-01-01'));
    await s.upload('b.md', post('b', 'Proofing', '2024-01-02', ' Proof the dough overnight.'));
    expect(relatedLinks((await s.page('posts/b/index.html'))!)).toEqual(['a']);
    // Only the address changes: not a's text, so not b's related list (same post, same score).
    await s.upload('a.md', post('a-moved', 'Starter care', '2024-01-01'));
    expect(relatedLinks((await s.page('posts/b/index.html'))!)).toEqual(['a-moved']);
    expect(await s.report('b.md')).toMatchObject({ site: { related: [{ url: 'https://blog.example.com/posts/a-moved/' }] } });
    expect(await s.page('posts/a/index.html')).toBeUndefined();
  });

  it('is stable: re-running a publish, or a full rebuild after one, changes no page', async () => {
    const s = await stack();
    const posts = topicPosts(2);
    for (const post of posts) await s.upload(post.key, post.markdown);
    const snapshot = async () => {
      const files = new Map<string, string>();
      for (const path of await s.sitePaths()) files.set(path, (await s.page(path))!);
      return files;
    };
    const rebuild = async (id: string) => {
      s.publishQueue.send(JSON.stringify({ rebuildAll: true }), id);
      await s.settled();
    };
    // The last publish request again (a redelivery): nothing changes.
    const incremental = await snapshot();
    s.publishQueue.send(JSON.stringify({ keys: [posts.at(-1)!.key] }), 'again-1');
    await s.settled();
    expect(await snapshot()).toEqual(incremental);
    // A full rebuild may refresh lists whose scores drifted as the site grew (document frequencies change with
    // every post); after that, rebuilding again changes nothing.
    await rebuild('rebuild-1');
    const rebuilt = await snapshot();
    await rebuild('rebuild-2');
    expect(await snapshot()).toEqual(rebuilt);
  });
});
