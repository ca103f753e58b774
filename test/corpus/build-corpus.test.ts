import { describe, expect, it } from 'vitest';
import { builtInPosts } from '../../bench/corpus.js';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { processPost } from '../../lambdas/core/post.js';
import { postStructure } from '../../lambdas/core/post-view.js';
import type { ProcessedPost } from '../../lambdas/local/direct-build-worker.js';
import { loadRecords } from '../../lambdas/local/direct-build.js';
import { MemoryCorpusStore } from '../../lambdas/local/memory-corpus-store.js';
import { buildCorpus, DEFAULT_CORPUS_LIMITS, refreshCorpus } from '../../lambdas/services/corpus.js';

const config = resolveSiteConfig({ siteUrl: 'https://blog.example.com' });

/** A generated site of `count` posts (topics, shared boilerplate, repeated sections), corpus step done by `buildCorpus`. */
async function builtSite(count: number): Promise<{ store: MemoryCorpusStore; keys: string[] }> {
  const processed = new Map<string, ProcessedPost>();
  for (const [name, text] of builtInPosts(count, 11)) {
    const outcome = processPost({ key: name, bytes: new TextEncoder().encode(text) }, config);
    processed.set(name, outcome.status === 'published'
      ? { status: 'published', post: outcome.post, dedupe: outcome.dedupe, messages: outcome.messages, structure: postStructure(outcome.body) }
      : outcome);
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
});

