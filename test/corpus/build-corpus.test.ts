import { describe, expect, it } from 'vitest';
import { builtInPosts } from '../../bench/corpus.js';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { CorpusSession } from '../../lambdas/services/corpus-session.js';
import { DEFAULT_CORPUS_LIMITS, refreshCorpus } from '../../lambdas/services/corpus.js';
import { inlineProcessor, memoryEngine, type MemoryEngine } from '../support/engine.js';

const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com' });
const CALL_TO_ACTION = 'Enjoyed this article? Subscribe to our weekly newsletter for more notes on building and running software, and follow us for updates.';

/**
 * A generated site of `count` posts (topics, shared boilerplate, repeated sections), published in one run (the
 * corpus step in bulk, as a whole-site build does it); `own: false` leaves out the features the ingest workers
 * compute ahead, so the corpus step computes them itself.
 */
async function builtSite(count: number, options: { own: boolean } = { own: true }): Promise<{ engine: MemoryEngine; keys: string[] }> {
  const engine = memoryEngine(config, inlineProcessor((processed) => (processed.status === 'published' && !options.own
    ? { ...processed, body: { ...processed.body, structure: { ...processed.body.structure, own: undefined } } }
    : processed)));
  const texts = [...builtInPosts(count, 11)];
  const files: [string, string][] = texts.map(([name, generated], i) => {
    let text = generated;
    // Boilerplate in every fifth post; in every seventh, a section pasted from a post three before it.
    if (i % 5 === 0) text += `\n${CALL_TO_ACTION}\n`;
    if (i % 7 === 6) text += `\n${texts[i - 3]![1].slice(texts[i - 3]![1].indexOf('\n## '))}`;
    return [name, text];
  });
  await engine.ingest(files);
  await engine.publish();
  return { engine, keys: files.map(([key]) => key).sort() };
}

const viewsOf = async ({ engine, keys }: { engine: MemoryEngine; keys: string[] }) => {
  const records = await engine.posts.getRecords(keys);
  return keys.map((key) => records.get(key)!.view);
};

describe('the corpus step over a whole site', () => {
  it('ranks every related list exactly as a related-only refresh of that post ranks it from the finished index', async () => {
    const site = await builtSite(160);
    const built = await viewsOf(site);
    expect(built.filter((view) => (view?.related.length ?? 0) > 0).length).toBeGreaterThan(120);

    // The incremental path, one post at a time: each refresh ranks its post's list only, against the index as the
    // bulk run left it (one post per session, so each sees that index).
    for (const [i, key] of site.keys.entries()) {
      const session = new CorpusSession(site.engine.posts, site.engine.index);
      const { recomputed } = await refreshCorpus([{ key, reason: 'related' }], site.keys.length, config, session, { ...DEFAULT_CORPUS_LIMITS, maxPostsPerRun: 0 });
      expect(recomputed.get(key)?.view.related, key).toEqual(built[i]!.related);
    }
  });

  it('decides the same with the features computed ahead as without them (boilerplate and repeated sections included)', async () => {
    const decided = await viewsOf(await builtSite(160, { own: false }));
    // The corpus has posts the shortcut does not apply to, so both paths are exercised.
    expect(decided.filter((view) => (view?.boilerplateBlocks ?? 0) > 0).length).toBeGreaterThan(10);
    expect(decided.filter((view) => (view?.sectionActions.length ?? 0) > 0).length).toBeGreaterThan(3);
    expect(await viewsOf(await builtSite(160))).toEqual(decided);
  });
});
