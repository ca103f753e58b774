/**
 * How publish runs take their work (on the memory adapters: the same services as in AWS): every pending change, not
 * only the request that woke them; in commits of a bounded size, as long as the run's time allows; a burst of
 * changes waited for until it pauses.
 */
import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import type { Clock } from '../../lambdas/services/ports.js';
import { publishChanges } from '../../lambdas/services/publish.js';
import { featureCorpus } from '../support/feature-corpus.js';
import { memoryEngine } from '../support/engine.js';

const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com' });
/** Feeds of 3 posts: the feeds' bodies are read apart from the pages' (most pages are read in their batches). */
const shortFeeds = resolveSiteConfig({ siteUrl: 'https://blog.example.com', feedItemLimit: 3 });

/** A clock that only moves when slept on (or moved by hand). */
function manualClock(): Clock & { advance(ms: number): void; slept: number[] } {
  // After every post's date here: ingest schedules a post dated after its clock's now.
  let now = Date.UTC(2025, 0, 1);
  const slept: number[] = [];
  return { now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; }, advance: (ms) => { now += ms; }, slept };
}

const siteOf = (engine: ReturnType<typeof memoryEngine>) => new Map([...engine.site.files].map(([path, file]) => [path, file.body]));

describe('publish runs', () => {
  it('publish a backlog in commits while time allows, ask for another run for the rest, and end in the one-commit site', async () => {
    const corpus = featureCorpus(40, 2);
    const reference = memoryEngine(config);
    await reference.ingest(corpus.final);
    await reference.publish();

    const engine = memoryEngine(config);
    await engine.ingest(corpus.final);
    const pendingAtStart = new Set((await engine.changes.list()).map((change) => change.key)).size;
    const requests: string[] = [];
    // Time runs out after two commits of this run: 10 s left at first, then 30 s less at each check.
    let left = 100_000;
    const deps = { ...engine.publishDeps, maxPostsPerCommit: 12, requester: { request: async (_: unknown, id: string) => { requests.push(id); } } };
    const first = await publishChanges(deps, { remainingMs: () => (left -= 30_000) });
    expect(first.commits).toBeGreaterThanOrEqual(1);
    expect(first.left).toBeGreaterThan(0);
    expect(first.commits * 12 + first.left).toBeGreaterThanOrEqual(pendingAtStart);
    expect(requests).toHaveLength(1);
    expect((await engine.changes.list()).length).toBeGreaterThanOrEqual(first.left);

    // The next runs (no deadline) publish the rest; then related lists are ranked against the final index, as
    // after any run of several commits (npm run build -- --emulated ends so).
    const rest = await publishChanges(deps);
    expect(rest.published).toBeGreaterThanOrEqual(first.left);
    expect(await engine.changes.list()).toEqual([]);
    await publishChanges(deps, { refreshRelated: true });
    expect(siteOf(engine)).toEqual(siteOf(reference));
  });

  it('render and write post pages a batch at a time: the same site, state and changed paths as in one batch', async () => {
    const corpus = featureCorpus(60, 3);
    const whole = memoryEngine(shortFeeds);
    await whole.ingest(corpus.final);
    const wholeRun = await whole.publish();
    const batched = memoryEngine(shortFeeds);
    await batched.ingest(corpus.final);
    const read: number[] = [];
    const getPages = batched.posts.getPages.bind(batched.posts);
    batched.posts.getPages = async (posts) => { read.push(posts.length); return getPages(posts); };
    const batchedRun = await publishChanges({ ...batched.publishDeps, pageBatch: 7 });
    // The feeds' bodies, then one read per batch of at most 7 pages (less the bodies the feeds read).
    expect(read.length).toBeGreaterThan(3);
    expect(Math.max(...read.slice(1))).toBeLessThanOrEqual(7);
    expect(batchedRun.pages).toBe(wholeRun.pages);
    expect(batchedRun.pages).toBeGreaterThan(7 * 3);
    expect(siteOf(batched)).toEqual(siteOf(whole));
    expect(await batched.published.read()).toEqual(await whole.published.read());
    expect(batchedRun.changedPaths).toEqual(wholeRun.changedPaths);
    expect(batchedRun.written).toBe(wholeRun.written);
    expect(batched.reports.reports).toEqual(whole.reports.reports);
  });

  it('commit nothing when a body is not found in a later batch of pages, and end in the same site on the retry', async () => {
    const corpus = featureCorpus(40, 4);
    const reference = memoryEngine(shortFeeds);
    await reference.ingest(corpus.final);
    await reference.publish();

    const engine = memoryEngine(shortFeeds);
    const first = [...corpus.final].slice(0, 10);
    await engine.ingest(first);
    await engine.publish();
    const committed = await engine.published.read();
    // Every other post now: the commit renders dozens of pages, in batches of 5; the third batch's read loses a body
    // (as a read of an item not yet visible would).
    await engine.ingest([...corpus.final].slice(10));
    const getPages = engine.posts.getPages.bind(engine.posts);
    let reads = 0;
    engine.posts.getPages = async (posts) => {
      const found = await getPages(posts);
      if (++reads === 4) found.delete(posts[0]!.key);
      return found;
    };
    const deps = { ...engine.publishDeps, pageBatch: 5 };
    const pendingBefore = (await engine.changes.list()).map((change) => change.key);
    await expect(publishChanges(deps)).rejects.toThrow(/bodies not found/);
    const afterFailure = await engine.published.read();
    // The listing and the files of the last commit stand; only the paths about to be written are noted.
    expect(afterFailure!.listing).toEqual(committed!.listing);
    expect(afterFailure!.state.files).toEqual(committed!.state.files);
    expect(afterFailure!.state.pages).toEqual(committed!.state.pages);
    expect(afterFailure!.state.writing!.length).toBeGreaterThan(0);
    // Every change is still pending (and the posts the corpus step decided besides are marked).
    expect((await engine.changes.list()).map((change) => change.key)).toEqual(expect.arrayContaining(pendingBefore));
    expect(pendingBefore.length).toBeGreaterThan(20);

    await publishChanges(deps);
    expect(await engine.changes.list()).toEqual([]);
    expect(siteOf(engine)).toEqual(siteOf(reference));
    expect((await engine.published.read())!.state.writing).toBeUndefined();
  });

  it('find nothing to do when every change is published, and publish one change at once', async () => {
    const engine = memoryEngine(config);
    await engine.ingest([['a.md', '---\ntitle: A\ndate: 2024-01-01\n---\n\nText of a.\n']]);
    const clock = manualClock();
    const deps = { ...engine.publishDeps, clock, coalesce: { quietMs: 500, maxWaitMs: 5000 } };
    expect(await publishChanges(deps)).toMatchObject({ commits: 1, published: 1 });
    expect(await publishChanges(deps)).toMatchObject({ commits: 0, published: 0, written: 0 });
    await engine.ingest([['a.md', '---\ntitle: A, edited\ndate: 2024-01-01\n---\n\nText of a.\n']]);
    expect(await publishChanges(deps)).toMatchObject({ commits: 1, published: 1 });
    // A single change is not waited for.
    expect(clock.slept).toEqual([]);
  });

  it('wait while a burst of changes keeps coming, then publish it together', async () => {
    const engine = memoryEngine(config);
    const clock = manualClock();
    // Changes marked just now, by the engine's clock (ingest stamps markers with it).
    const deps = { ...engine.publishDeps, clock, coalesce: { quietMs: 500, maxWaitMs: 5000 } };
    const ingestAt = (files: [string, string][]) => engine.ingest(files).then(() => engine.changes.list());
    await engine.ingest([['first.md', '---\ntitle: First\ndate: 2024-01-01\n---\n\nThe first.\n']]);
    await publishChanges(deps);
    // Two changes now; more arrive while the publisher waits (each sleep lets ingest add one).
    let added = 0;
    const sleep = clock.sleep;
    clock.sleep = async (ms) => {
      await sleep(ms);
      if (added < 3) await ingestAt([[`burst-${added++}.md`, `---\ntitle: Burst ${added}\ndate: 2024-02-0${added}\n---\n\nText ${added}.\n`]]);
    };
    const { ingestDeps } = engine;
    Object.assign(ingestDeps, { clock });
    await ingestAt([['b1.md', '---\ntitle: B1\ndate: 2024-03-01\n---\n\nB one.\n'], ['b2.md', '---\ntitle: B2\ndate: 2024-03-02\n---\n\nB two.\n']]);
    const summary = await publishChanges(deps);
    expect(summary.commits).toBe(1);
    expect(summary.published).toBe(5);
    expect(clock.slept.length).toBeGreaterThanOrEqual(4);
    expect(await engine.changes.list()).toEqual([]);
  });
});
