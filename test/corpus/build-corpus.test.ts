import { describe, expect, it } from 'vitest';
import { builtInPosts } from '../../bench/corpus.js';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { processForBuild } from '../../lambdas/local/build-process.js';
import type { ProcessedPost } from '../../lambdas/local/direct-build-worker.js';
import { loadRecords } from '../../lambdas/local/direct-build.js';
import { MemoryCorpusStore } from '../../lambdas/local/memory-corpus-store.js';
import { buildCorpus, DEFAULT_CORPUS_LIMITS, refreshCorpus } from '../../lambdas/services/corpus.js';

const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com' });
const CALL_TO_ACTION = 'Enjoyed this article? Subscribe to our weekly newsletter for more notes on building and running software, and follow us for updates.';

/**
 * A generated site of `count` posts (topics, shared boilerplate, repeated sections), corpus step done by
 * `buildCorpus`; `own: false` leaves out the features the build's workers compute ahead.
 */
async function builtSite(count: number, options: { own: boolean } = { own: true }): Promise<{ store: MemoryCorpusStore; keys: string[] }> {
  const processed = new Map<string, ProcessedPost>();
  const texts = [...builtInPosts(count, 11)];
  for (const [i, [name, generated]] of texts.entries()) {
    let text = generated;
    // Boilerplate in every fifth post; in every seventh, a section pasted from a post three before it.
    if (i % 5 === 0) text += `\n${CALL_TO_ACTION}\n`;
    if (i % 7 === 6) text += `\n${texts[i - 3]![1].slice(texts[i - 3]![1].indexOf('\n## '))}`;
    const post = processForBuild({ key: name, bytes: new TextEncoder().encode(text) }, config);
    processed.set(name, post.status === 'published' && !options.own ? { ...post, structure: { ...post.structure, own: undefined } } : post);
  }
  const keys = [...processed.keys()].sort();
  const store = new MemoryCorpusStore();
  loadRecords(keys, processed, '0', store);
  await buildCorpus(keys, config, store);
  return { store, keys };
}

describe('buildCorpus (the whole-site corpus step)', () => {
  it('ranks every related list exactly as a related-only refresh of that post ranks it from the finished index', async () => {
    const { store, keys } = await builtSite(160);
    const built = new Map(keys.map((key) => [key, store.records.get(key)!.view] as const));
    expect([...built.values()].filter((view) => (view?.related.length ?? 0) > 0).length).toBeGreaterThan(120);

    // The incremental path, one post at a time: `refreshCorpus` with the post as a relist key recomputes its list
    // only (one post per run, so each sees the index as the build left it).
    for (const key of keys) {
      const { recomputed } = await refreshCorpus([], keys.length, config, store, { ...DEFAULT_CORPUS_LIMITS, maxPostsPerRun: 1 }, [key]);
      expect(recomputed.get(key)?.view?.related, key).toEqual(built.get(key)!.related);
    }
  });

  it('decides the same with the features computed ahead as without them (boilerplate and repeated sections included)', async () => {
    const ahead = await builtSite(160);
    const inline = await builtSite(160, { own: false });
    const views = (site: typeof ahead) => site.keys.map((key) => site.store.records.get(key)!.view);
    const decided = views(inline);
    // The corpus has posts the shortcut does not apply to, so both paths are exercised.
    expect(decided.filter((view) => (view?.boilerplateBlocks ?? 0) > 0).length).toBeGreaterThan(10);
    expect(decided.filter((view) => (view?.sectionActions.length ?? 0) > 0).length).toBeGreaterThan(3);
    expect(views(ahead)).toEqual(decided);
  });
});
