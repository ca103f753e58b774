/**
 * Within-post dedupe against human labels (test/fixtures/dedupe-labels/, see its README): every block the pipeline
 * removes from a labelled post must be a labelled candidate, and at least 98% of the removals must be labelled
 * `paste` (precision); every labelled paste of the seed posts must be removed (recall on the seeds). The Rust blog
 * part reads ../shared/corpus/rust-blog/posts and is skipped when it is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSiteConfig } from '../../lambdas/core/config.js';
import type { RemovedRepeat } from '../../lambdas/core/dedupe.js';
import { parseMarkdown } from '../../lambdas/core/markdown.js';
import { processPost } from '../../lambdas/core/post.js';
import { listBlocks } from '../../lambdas/core/sections.js';

interface LabelledDecision {
  readonly file: string;
  readonly line: number;
  readonly originalLine: number;
  readonly excerpt: string;
  readonly label: 'paste' | 'deliberate';
  readonly reason: string;
  readonly flaggedBy: readonly string[];
}
interface LabelledSet { readonly source: { readonly path: string }; readonly decisions: readonly LabelledDecision[] }

const ROOT = join(import.meta.dirname, '..', '..');
const load = (name: string): LabelledSet => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'dedupe-labels', name), 'utf8')) as LabelledSet;
const rustBlog = load('rust-blog.json');
const seeds = load('seeds.json');
const rustBlogDir = join(ROOT, rustBlog.source.path);
const seedDir = join(ROOT, seeds.source.path);

/** What the pipeline removes from each labelled post, as `file:line`. */
function removals(set: LabelledSet, dir: string): string[] {
  const config = resolveSiteConfig();
  const removed: string[] = [];
  for (const file of [...new Set(set.decisions.map((d) => d.file))]) {
    const outcome = processPost({ key: file, bytes: readFileSync(join(dir, file)) }, config);
    expect(outcome.status, file).toBe('published');
    if (outcome.status !== 'published') continue;
    for (const decision of outcome.dedupe) if (decision.kind === 'removed-repeat') removed.push(`${file}:${(decision as RemovedRepeat).line}`);
  }
  return removed;
}

function score(sets: readonly LabelledSet[], removed: readonly string[]) {
  const labels = new Map<string, LabelledDecision['label']>(sets.flatMap((set) => set.decisions.map((d) => [`${d.file}:${d.line}`, d.label] as const)));
  const unlabelled = removed.filter((key) => !labels.has(key));
  const pastes = removed.filter((key) => labels.get(key) === 'paste');
  return { unlabelled, precision: removed.length === 0 ? 1 : pastes.length / removed.length };
}

describe('the labelled set', () => {
  it('holds at least 150 decisions, each with a label, a one-line reason and an excerpt of at most 120 characters', () => {
    const all = [...rustBlog.decisions, ...seeds.decisions];
    expect(all.length).toBeGreaterThanOrEqual(150);
    for (const d of all) {
      expect(['paste', 'deliberate'], `${d.file}:${d.line}`).toContain(d.label);
      expect(d.reason.length, `${d.file}:${d.line}`).toBeGreaterThan(10);
      expect(d.reason, `${d.file}:${d.line}`).not.toContain('\n');
      expect(d.excerpt.length, `${d.file}:${d.line}`).toBeLessThanOrEqual(120);
      expect(d.originalLine, `${d.file}:${d.line}`).toBeLessThan(d.line);
    }
    expect(new Set(all.map((d) => `${d.file}:${d.line}`)).size).toBe(all.length);
  });

  it('points at the seed blocks it quotes', () => {
    expectExcerptsMatch(seeds, seedDir);
  });

  it.skipIf(!existsSync(rustBlogDir))('points at the Rust blog blocks it quotes (skipped without ../shared/corpus/rust-blog)', () => {
    expectExcerptsMatch(rustBlog, rustBlogDir);
  });
});

describe('within-post dedupe on the labelled posts', () => {
  let seedRemovalsMemo: string[] | undefined;
  const seedRemovals = () => (seedRemovalsMemo ??= removals(seeds, seedDir));

  it('removes the seed post\'s pasted section: recall 1 on the seeds, precision 1', () => {
    const pastes = seeds.decisions.filter((d) => d.label === 'paste').map((d) => `${d.file}:${d.line}`);
    expect(pastes.length).toBeGreaterThan(0);
    expect(pastes.filter((key) => seedRemovals().includes(key))).toEqual(pastes);
    expect(score([seeds], seedRemovals())).toEqual({ unlabelled: [], precision: 1 });
  });

  it.skipIf(!existsSync(rustBlogDir))('removes only labelled pastes from the Rust blog and the seeds: precision ≥ 0.98 (skipped without ../shared/corpus/rust-blog)', () => {
    const removed = [...seedRemovals(), ...removals(rustBlog, rustBlogDir)];
    const { unlabelled, precision } = score([rustBlog, seeds], removed);
    expect(unlabelled).toEqual([]);
    expect(precision).toBeGreaterThanOrEqual(0.98);
    // The old rule (any single repeated paragraph went) took every labelled repeat it flagged; none was a paste.
    const oldRemovals = rustBlog.decisions.filter((d) => d.flaggedBy.includes('old:removed'));
    expect(oldRemovals.length).toBeGreaterThan(50);
    expect(oldRemovals.filter((d) => d.label === 'paste')).toEqual([]);
  });
});

/** The block starting on each labelled line has the excerpt's text, and the original line starts a block too. */
function expectExcerptsMatch(set: LabelledSet, dir: string): void {
  for (const file of new Set(set.decisions.map((d) => d.file))) {
    const decisions = set.decisions.filter((d) => d.file === file);
    const blocks = new Map(listBlocks(parseMarkdown(readFileSync(join(dir, file), 'utf8'))).map((block) => [block.line, block.plain]));
    for (const d of decisions) {
      expect(blocks.get(d.line)?.startsWith(d.excerpt.replace(/…$/, '')), `${file}:${d.line}`).toBe(true);
      expect(blocks.has(d.originalLine), `${file}:${d.originalLine}`).toBe(true);
    }
  }
}
