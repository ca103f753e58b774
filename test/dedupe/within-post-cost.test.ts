/**
 * Within-post dedupe stays near-linear on long posts: counted similarity computations (never timed). Shingle
 * Jaccard and edit similarity are the only pairwise measures; they are wrapped here to count their calls.
 */
import type { Root, RootContent } from 'mdast';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ jaccard: 0, editSimilarity: 0 }));
vi.mock('../../lambdas/core/normalize.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lambdas/core/normalize.js')>();
  return {
    ...actual,
    jaccard: (...args: Parameters<typeof actual.jaccard>) => { calls.jaccard++; return actual.jaccard(...args); },
    editSimilarity: (...args: Parameters<typeof actual.editSimilarity>) => { calls.editSimilarity++; return actual.editSimilarity(...args); },
  };
});

// A worker that ran another file first has dedupe.js loaded with the real normalize.js: load it again, with the mock.
vi.resetModules();
const { DEDUPE_DEFAULTS, dedupeWithinPost } = await import('../../lambdas/core/dedupe.js');
const { wordsFrom } = await import('./helpers.js');

const BLOCKS = 20_000;

/**
 * A changelog as long as a real 1 MiB one: a `## version` heading every 10 entries, entries as paragraphs and as
 * one-item lists, one source line each (built as a tree: parsing 20,000 blocks would measure the parser).
 */
function changelog(entry: (i: number) => string): Root {
  const children: RootContent[] = [];
  let line = 1;
  const at = () => ({ start: { line, column: 1, offset: 0 }, end: { line, column: 1, offset: 0 } });
  for (let i = 0; i < BLOCKS; i++) {
    if (i % 10 === 0) {
      children.push({ type: 'heading', depth: 2, children: [{ type: 'text', value: `Version 1.${i / 10}.0` }], position: at() });
      line += 2;
    }
    const paragraph = { type: 'paragraph' as const, children: [{ type: 'text' as const, value: entry(i) }], position: at() };
    children.push(i % 10 % 3 === 0 ? { type: 'list', ordered: false, spread: false, children: [{ type: 'listItem', spread: false, children: [paragraph] }], position: at() } : paragraph);
    line += 2;
  }
  return { type: 'root', children };
}

const pairs = () => calls.jaccard;
beforeEach(() => { calls.jaccard = 0; calls.editSimilarity = 0; });

describe('cost of within-post dedupe on a 20,000-entry changelog', () => {
  it('compares almost nothing when the entries are distinct', () => {
    const tree = changelog((i) => `${wordsFrom(i + 1, 20).join(' ')} (#${10_000 + i}).`);
    const result = dedupeWithinPost(tree);
    expect(result.tree).toBe(tree);
    expect(result.decisions).toEqual([]);
    // All pairs would be 2 × 10^8; LSH candidates of unrelated text are rare.
    expect(pairs()).toBeLessThan(BLOCKS / 10);
    expect(calls.editSimilarity).toBeLessThanOrEqual(pairs());
  });

  it('compares each look-alike entry with at most a few earlier ones, and stops looking once 20 are listed', () => {
    // Dependency bumps: the same sentence with other names and numbers, many of them near repeats of each other.
    const names = wordsFrom(7, 50);
    const tree = changelog((i) => `Bump the ${names[i % 50]} dependency of the workspace crates from version 1.${i % 7}.0 to version 1.${(i % 7) + 1}.0 in the lock file and in every manifest that names it (#${10_000 + i}).`);
    const result = dedupeWithinPost(tree);
    expect(result.tree).toBe(tree);
    expect(result.decisions.filter((d) => d.kind === 'kept-repeat')).toHaveLength(DEDUPE_DEFAULTS.maxReports);
    expect(result.decisions.at(-1)).toMatchObject({ kind: 'kept-repeats-not-listed', listed: DEDUPE_DEFAULTS.maxReports });
    // Once 20 are listed no more pairs are compared: a few thousand comparisons for the first entries only.
    expect(pairs()).toBeLessThan(BLOCKS / 4);

    // Even listing every near repeat, each entry meets at most `maxNearCandidates` earlier ones (all pairs: 2 × 10^8).
    calls.jaccard = 0;
    calls.editSimilarity = 0;
    const everything = dedupeWithinPost(tree, { maxReports: Number.POSITIVE_INFINITY });
    expect(everything.decisions.length).toBeGreaterThan(BLOCKS / 2);
    expect(pairs()).toBeLessThanOrEqual(DEDUPE_DEFAULTS.maxNearCandidates * BLOCKS);
    expect(calls.editSimilarity).toBeLessThanOrEqual(pairs());
  });

  it('removes a pasted run without comparing pairs: word-for-word matches are lookups', () => {
    // Every version's ten entries pasted again under the next heading: 1,000 pasted sections.
    const tree = changelog((i) => `${wordsFrom(Math.floor(i / 20) * 10 + (i % 10) + 1, 20).join(' ')} (#${Math.floor(i / 20) * 10 + (i % 10)}).`);
    const result = dedupeWithinPost(tree);
    expect(result.decisions.filter((d) => d.kind === 'removed-empty-section')).toHaveLength(BLOCKS / 20);
    expect(result.decisions.filter((d) => d.kind === 'removed-repeat')).toHaveLength(BLOCKS / 2);
    expect(result.tree.children).toHaveLength(tree.children.length / 2);
    // One Jaccard per removed section (its reported similarity), no pair search. At least that one: the counts above
    // come from the wrapped functions (were the real module loaded instead, every count would be 0 and pass).
    expect(pairs()).toBeLessThanOrEqual(BLOCKS / 20 + BLOCKS / 10);
    expect(pairs()).toBeGreaterThanOrEqual(BLOCKS / 20);
  });
});
