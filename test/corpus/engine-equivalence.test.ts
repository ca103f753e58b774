/**
 * One engine, held to it on real variety: the same final content, published two ways, must give the same bytes —
 * every site file and every author's report.
 * - In-process: `npm run build`'s engine, every file ingested in key order and published in one commit.
 * - Emulated: the AWS stack on this machine (s3rver, dynalite, S3 events, the queue stand-ins, the Lambda handlers),
 *   fed the content's history in a shuffled order — earlier versions, deletions, posts that are gone at the end —
 *   with publishes happening mid-way, then the related-lists refresh `npm run build -- --emulated` ends with.
 */
import { describe, expect, it } from 'vitest';
import { featureCorpus } from '../support/feature-corpus.js';
import { emulated, expectSame, inProcess } from '../support/equivalence.js';

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

    const actual = await emulated(corpus.history, 100);
    expect(actual.commits).toBeGreaterThan(3);
    expectSame(actual, expected);
    // The history the clean build does not have: an earlier version published under `early-post-N` leads to
    // `post-N` (whatever order its versions were published in), and a post the site showed and that is gone at the
    // end answers 410.
    const table = Object.entries(actual.redirects ?? {});
    const moved = table.filter(([, entry]) => entry.status === 301);
    expect(moved.length).toBeGreaterThan(3);
    for (const [from, entry] of moved) expect([from, entry]).toEqual([from, { status: 301, to: `/posts/${from.slice('/posts/early-'.length)}/`, key: expect.any(String), why: 'moved' }]);
    const gone = table.filter(([, entry]) => entry.status === 410).map(([from]) => from);
    expect(gone.length).toBeGreaterThan(0);
    for (const from of gone) expect([from, expected.site.has(`${from.slice(1)}/index.html`)]).toEqual([expect.stringMatching(/^\/posts\/post-\d{3}$/), false]);
  }, 240_000);
});
