/**
 * One engine, held to it on real variety: the same final content, published two ways, must give the same bytes —
 * every site file and every author's report.
 * - In-process: `npm run build`'s engine, every file ingested in key order and published in one commit.
 * - Emulated: the AWS stack on this machine (s3rver, dynalite, S3 events, the queue stand-ins, the Lambda handlers),
 *   fed the content's history in a shuffled order — earlier versions, deletions, posts that are gone at the end —
 *   with publishes happening mid-way, then the related-lists refresh `npm run build -- --emulated` ends with.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { listKeys } from '../../lambdas/local/content-files.js';
import { startEmbeddedStack } from '../../lambdas/local/embedded-stack.js';
import { buildInProcess } from '../../lambdas/local/in-process.js';
import { reportJson } from '../../lambdas/services/report.js';
import { siteSnapshot, snapshotDiff } from '../hostile/hostile-helpers.js';
import { featureCorpus, type SourceEdit } from '../support/feature-corpus.js';
import { prng } from '../support/prng.js';

const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com', title: 'Equivalence', listingPageSize: 10 });

interface Published {
  readonly site: Map<string, string>;
  /** `reports/` as files: `<key>.json` and `_site.json`, with the S3 sequencer (only events have one) blanked. */
  readonly reports: Map<string, string>;
}

const withoutSequencer = (json: string) => json.replace(/^ {2}"sequencer": "[0-9A-F]+",\n/m, '');

async function inProcess(files: ReadonlyMap<string, string>): Promise<Published> {
  const dir = await mkdtemp(join(tmpdir(), 'equivalence-'));
  for (const [key, text] of files) {
    await mkdir(dirname(join(dir, key)), { recursive: true });
    await writeFile(join(dir, key), text);
  }
  const result = await buildInProcess({ contentDir: dir, config });
  const reports = new Map([...result.reports].map(([key, report]) => [`${key}.json`, withoutSequencer(reportJson(report))]));
  reports.set('_site.json', reportJson(result.siteReport));
  return { site: new Map(result.files.map((file) => [file.path, file.body])), reports };
}

async function emulated(history: readonly SourceEdit[], settleEvery: number): Promise<Published & { commits: number }> {
  let commits = 0;
  const stack = await startEmbeddedStack({ config, retryDelayMs: 5, onPublish: (summary) => { commits += summary.commits; } });
  try {
    for (const [i, edit] of history.entries()) {
      const Key = `posts/${edit.key}`;
      if (edit.text === undefined) await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.names.sourceBucket, Key }));
      else await stack.s3.send(new PutObjectCommand({ Bucket: stack.names.sourceBucket, Key, Body: edit.text }));
      if (i % settleEvery === settleEvery - 1) await stack.settled();
    }
    await stack.settled();
    stack.publishQueue.send(JSON.stringify({ refreshRelated: true }), 'equivalence-final-pass');
    await stack.settled();
    expect(stack.deadLetters).toEqual([]);
    const reports = new Map<string, string>();
    for (const key of await listKeys(stack.s3, stack.names.sourceBucket, 'reports/')) {
      const body = await (await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.sourceBucket, Key: key }))).Body!.transformToString();
      reports.set(key.slice('reports/'.length), withoutSequencer(body));
    }
    return { site: await siteSnapshot(stack), reports, commits };
  } finally {
    await stack.close();
  }
}

function expectSame(actual: Published, expected: Published): void {
  expect(snapshotDiff(actual.site, expected.site)).toEqual([]);
  expect(snapshotDiff(actual.reports, expected.reports)).toEqual([]);
}

describe('the in-process build and the emulated AWS stack publish the same bytes', () => {
  it('on a generated blog of 300 posts that uses every feature, fed to the stack shuffled, with edits and deletions', async () => {
    const corpus = featureCorpus(300, 3);
    const expected = await inProcess(corpus.final);
    // The corpus does exercise what it is for.
    const page = (text: string) => [...expected.site.values()].filter((body) => body.includes(text)).length;
    expect(page('"@type":"FAQPage"')).toBeGreaterThan(20);
    expect(page('This section repeats')).toBeGreaterThan(5);
    expect(page('rel="canonical" href="https://blog.example.com/posts/post-')).toBeGreaterThan(250);
    expect([...expected.reports.values()].filter((r) => r.includes('"status": "draft"')).length).toBeGreaterThan(5);
    expect([...expected.reports.values()].filter((r) => r.includes('dedupe:repeated-section')).length).toBeGreaterThan(10);
    expect(expected.site.has('posts/post-299/index.html')).toBe(false); // gone at the end
    expect(corpus.history.length).toBeGreaterThan(corpus.final.size + 30);

    const actual = await emulated(corpus.history, 25);
    expect(actual.commits).toBeGreaterThan(10);
    expectSame(actual, expected);
  }, 240_000);

  const rustBlog = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'rust-blog', 'posts');
  it.skipIf(!existsSync(rustBlog))('on a real blog (../shared/corpus/rust-blog, 584 posts), uploaded in a shuffled order', async () => {
    const files = new Map<string, string>();
    for (const name of (await readdir(rustBlog)).filter((file) => file.endsWith('.md')).sort()) files.set(name, await readFile(join(rustBlog, name), 'utf8'));
    const expected = await inProcess(files);
    const random = prng(17);
    const shuffled = [...files].map(([key, text]) => ({ key, text, order: random() })).sort((a, b) => a.order - b.order);
    expectSame(await emulated(shuffled, 100), expected);
  }, 300_000);
});
