import type { Root } from 'mdast';
import type { CrossPostDecision, NearDuplicateDecision } from './cross-post.js';
import { info, warning } from './messages.js';
import { editSimilarity, jaccard, shingles, words } from './normalize.js';
import { blockShingles, listBlocks, sectionAt, sectionRef, splitSections, type Block, type Section, type SectionRef } from './sections.js';
import type { PostMessage } from './types.js';

/**
 * Repeats inside one post: a block that says again what an earlier block of the same post said is dropped, and a
 * section left with nothing to say loses its heading. Pure: a new tree and plain decision records out.
 *
 * What counts as a repeat of an earlier, kept block of the same kind (a paragraph quoted later in a blockquote is
 * a deliberate pull quote, not a repeat):
 *  - exact: equal normalised text (`normalizeText`), if at least `minExactChars` characters and `minExactWords`
 *    words — "Read more", "Learn more" and other short lines repeat on purpose and are never touched;
 *  - near: both at least `minNearChars` characters and either word 4-shingle Jaccard ≥ `nearJaccard` (0.9) or
 *    word edit similarity ≥ `nearEditSimilarity` (0.95). Why two measures: each changed word alters up to four
 *    shingles, so one changed word in a 40-word paragraph already drops the shingle Jaccard to 33/41 = 0.80; 0.9
 *    alone would only catch edits in paragraphs of 80+ words. Edit similarity 0.95 accepts one changed word per 20
 *    (two in 40, shingle Jaccard ≈ 0.64) but not three (Jaccard ≈ 0.5: "similar", kept). The shingle measure still
 *    matters for moved sentences, which edit distance counts as many edits.
 * Code blocks are compared only when `dedupeCode` is set, and then only exactly (language and code, trailing
 * spaces ignored): `x = 1` and `x = 2` normalise alike but are different programs.
 */

export interface DedupeOptions {
  /** Also remove code blocks that exactly repeat an earlier code block. @default false (repeated code is usually deliberate) */
  readonly dedupeCode?: boolean;
  /** @default 40 */
  readonly minExactChars?: number;
  /** @default 8 */
  readonly minExactWords?: number;
  /** @default 100 */
  readonly minNearChars?: number;
  /** @default 0.9 */
  readonly nearJaccard?: number;
  /** @default 0.95 */
  readonly nearEditSimilarity?: number;
}

export const DEDUPE_DEFAULTS: Required<DedupeOptions> = {
  dedupeCode: false,
  minExactChars: 40,
  minExactWords: 8,
  minNearChars: 100,
  nearJaccard: 0.9,
  nearEditSimilarity: 0.95,
};

/** Kinds of block that can be removed as repeats. Headings never are by themselves (only with an emptied section). */
const DEDUPABLE = new Set<Block['kind']>(['paragraph', 'list', 'table', 'blockquote', 'code']);

/** Nodes that show nothing in place: a section holding only these has nothing left to say. */
const NO_CONTENT = new Set<Block['kind']>(['html', 'definition', 'footnoteDefinition', 'thematicBreak']);

/** A block removed because it repeats an earlier block of the same post. */
export interface RemovedRepeat {
  readonly kind: 'removed-repeat';
  readonly blockKind: Block['kind'];
  readonly line?: number;
  /** Innermost section the removed block was in. */
  readonly section: SectionRef;
  /** The earlier block it repeats, which stays. */
  readonly repeats: { readonly line?: number; readonly section: SectionRef };
  /** 1 for exact repeats; for near ones the larger of shingle Jaccard and edit similarity. */
  readonly similarity: number;
  readonly match: 'exact' | 'near';
}

/** A heading dropped because every block of its section was removed as a repeat. */
export interface RemovedEmptySection {
  readonly kind: 'removed-empty-section';
  readonly section: SectionRef;
  /** The section holding most of the blocks it repeated (the first such on a tie). */
  readonly repeats: SectionRef;
  /** Word 4-shingle Jaccard of the two sections' bodies, before removal. */
  readonly similarity: number;
}

export type WithinPostDecision = RemovedRepeat | RemovedEmptySection;

export interface DedupeResult {
  /** A new tree (the input is not mutated; unchanged nodes are shared). Source positions are kept. */
  readonly tree: Root;
  /** In document order. Empty when nothing repeats. */
  readonly decisions: readonly WithinPostDecision[];
}

interface Candidate {
  readonly block: Block;
  readonly words: readonly string[];
  readonly shingles: ReadonlySet<string>;
}

export function dedupeWithinPost(tree: Root, options: DedupeOptions = {}): DedupeResult {
  const settings = { ...DEDUPE_DEFAULTS, ...options };
  const blocks = listBlocks(tree);
  const sections = splitSections(tree, blocks);

  const kept: Candidate[] = [];
  const exact = new Map<string, Block>();
  const removed = new Map<number, { original: Block; decision: RemovedRepeat }>();

  for (const block of blocks) {
    if (!DEDUPABLE.has(block.kind) || (block.kind === 'code' && !settings.dedupeCode)) continue;
    const key = exactKey(tree, block);
    const original = exact.get(key);
    const longEnough = block.text.length >= settings.minExactChars && block.wordCount >= settings.minExactWords;
    if (original && longEnough) {
      removed.set(block.index, { original, decision: repeatDecision(sections, block, original, 1, 'exact') });
      continue;
    }
    const blockWords = words(block.text);
    const candidate: Candidate = { block, words: blockWords, shingles: new Set(shingles(blockWords)) };
    const near = block.kind !== 'code' && block.text.length >= settings.minNearChars ? nearestRepeat(candidate, kept, settings) : undefined;
    if (near) {
      removed.set(block.index, { original: near.block, decision: repeatDecision(sections, block, near.block, near.similarity, 'near') });
      continue;
    }
    if (!exact.has(key)) exact.set(key, block);
    kept.push(candidate);
  }

  const dropped = new Set(removed.keys());
  const sectionDecisions: RemovedEmptySection[] = [];
  for (const section of sections) {
    if (section.depth === 0) continue;
    const removedHere = section.blocks.filter((block) => removed.has(block.index));
    const emptied = removedHere.length > 0 && section.blocks.every((block) => removed.has(block.index) || NO_CONTENT.has(block.kind));
    if (!emptied) continue;
    // The heading and every subsection heading inside it go: nothing is left under any of them.
    for (let i = section.start; i < section.end; i++) if (tree.children[i]!.type === 'heading') dropped.add(i);
    const original = mostRepeated(sections, removedHere.map((block) => removed.get(block.index)!.original));
    sectionDecisions.push({
      kind: 'removed-empty-section', section: sectionRef(section), repeats: sectionRef(original),
      similarity: jaccard(new Set(blockShingles(section.blocks)), new Set(blockShingles(original.blocks))),
    });
  }

  const decisions: WithinPostDecision[] = [...sectionDecisions, ...[...removed.values()].map((entry) => entry.decision)];
  // A section's decision comes before those of its blocks (its heading is above them).
  decisions.sort((a, b) => lineOf(a) - lineOf(b) || Number(a.kind === 'removed-repeat') - Number(b.kind === 'removed-repeat'));
  const children = tree.children.filter((_, index) => !dropped.has(index));
  return { tree: dropped.size === 0 ? tree : { ...tree, children }, decisions };
}

/** The most similar earlier kept block of the same kind that is a near repeat (the earliest on a tie), if any. */
function nearestRepeat(candidate: Candidate, kept: readonly Candidate[], settings: Required<DedupeOptions>): { block: Block; similarity: number } | undefined {
  let best: { block: Block; similarity: number } | undefined;
  for (const other of kept) {
    if (other.block.kind !== candidate.block.kind || other.block.text.length < settings.minNearChars) continue;
    // Jaccard can never exceed the ratio of the set sizes: skip pairs that cannot reach even the 0.5 pre-check.
    if (Math.min(candidate.shingles.size, other.shingles.size) < 0.5 * Math.max(candidate.shingles.size, other.shingles.size)) continue;
    const shingleSimilarity = jaccard(candidate.shingles, other.shingles);
    let similarity = shingleSimilarity >= settings.nearJaccard ? shingleSimilarity : 0;
    // Edit distance is quadratic: only for pairs whose lengths and shingles say it can reach the bar. Scattered
    // edits at 0.95 edit similarity leave a shingle Jaccard of at least ~0.6, hence the 0.5 pre-check.
    const lengths = Math.min(candidate.words.length, other.words.length) / Math.max(candidate.words.length, other.words.length);
    if (shingleSimilarity >= 0.5 && lengths >= settings.nearEditSimilarity) {
      const edit = editSimilarity(candidate.words, other.words);
      if (edit >= settings.nearEditSimilarity) similarity = Math.max(similarity, edit);
    }
    if (similarity > 0 && (!best || similarity > best.similarity)) best = { block: other.block, similarity };
  }
  return best;
}

function repeatDecision(sections: readonly Section[], block: Block, original: Block, similarity: number, match: 'exact' | 'near'): RemovedRepeat {
  return {
    kind: 'removed-repeat', blockKind: block.kind, ...(block.line !== undefined && { line: block.line }),
    section: sectionRef(sectionAt(sections, block.index)),
    repeats: { ...(original.line !== undefined && { line: original.line }), section: sectionRef(sectionAt(sections, original.index)) },
    similarity, match,
  };
}

/** Code compares by language and exact code (trailing spaces aside); everything else by its normalised text. */
function exactKey(tree: Root, block: Block): string {
  const node = tree.children[block.index]!;
  if (node.type === 'code') return `${block.kind}\u0000${node.lang ?? ''}\u0000${node.value.replace(/[ \t]+$/gm, '').trim()}`;
  return `${block.kind}\u0000${block.text}`;
}

/** The innermost section holding most of the given blocks; the first one in document order on a tie. */
function mostRepeated(sections: readonly Section[], originals: readonly Block[]): Section {
  const counts = new Map<Section, number>();
  for (const block of originals) {
    const section = sectionAt(sections, block.index);
    counts.set(section, (counts.get(section) ?? 0) + 1);
  }
  let best = sectionAt(sections, originals[0]!.index);
  for (const [section, count] of counts) {
    if (count > counts.get(best)! || (count === counts.get(best)! && section.start < best.start)) best = section;
  }
  return best;
}

const lineOf = (decision: WithinPostDecision): number =>
  (decision.kind === 'removed-repeat' ? decision.line : decision.section.line) ?? Number.MAX_SAFE_INTEGER;

/** Any decision the dedupe code reports to the author. */
export type DedupeDecision = WithinPostDecision | CrossPostDecision | NearDuplicateDecision;

const quote = (text: string): string => `“${text}”`;
const where = (section: SectionRef): string => (section.id === '' ? 'the introduction' : quote(section.heading));
const lineNote = (line: number | undefined): string => (line === undefined ? '' : ` (line ${line})`);

/**
 * Messages for the within-post decisions. Blocks that went with a whole emptied section are told once, by the
 * section's message, not one paragraph at a time (the decisions themselves keep every block for the report).
 */
export function withinPostMessages(decisions: readonly WithinPostDecision[]): PostMessage[] {
  const emptied = new Set(decisions.filter((d) => d.kind === 'removed-empty-section').map((d) => d.section.id));
  return decisions.filter((d) => d.kind !== 'removed-repeat' || !emptied.has(d.section.id)).map(decisionMessage);
}

/**
 * A decision as a message for the author, in the shape every other check of the pipeline reports in, e.g.
 * line 39: `Section “Difference Between ketamine and antidepressants” removed: it repeats “Antidepressants”
 * (line 25) of this post, similarity 1.00.`
 */
export function decisionMessage(decision: DedupeDecision): PostMessage {
  const similarity = `similarity ${decision.similarity.toFixed(2)}`;
  switch (decision.kind) {
    case 'removed-repeat':
      return warning('dedupe:repeated-block',
        `${blockName(decision.blockKind)} removed: it repeats line ${decision.repeats.line ?? '?'} of this post${decision.repeats.section.id === '' ? '' : ` (in ${where(decision.repeats.section)})`}, ${decision.match === 'exact' ? 'word for word' : similarity}. Delete the repeat from the source to keep the file and the page alike.`,
        decision.line);
    case 'removed-empty-section':
      return warning('dedupe:repeated-section',
        `Section ${where(decision.section)} removed: it repeats ${where(decision.repeats)}${lineNote(decision.repeats.line)} of this post, ${similarity}.`,
        decision.section.line);
    case 'section-linked':
    case 'section-removed':
    case 'section-kept': {
      const what = decision.kind === 'section-linked' ? 'replaced by a link to it' : decision.kind === 'section-removed' ? 'removed' : 'kept as written (policy `keep`)';
      const original = `${decision.original.heading === '' ? 'the introduction' : quote(decision.original.heading)} of the earlier post ${quote(decision.original.postTitle)}`;
      const say = decision.kind === 'section-kept' ? info : warning;
      return say(`dedupe:${decision.kind}`, `Section ${where(decision.section)} repeats ${original} (${similarity}): ${what}.`, decision.section.line);
    }
    case 'near-duplicate-post': {
      const original = quote(decision.original.title ?? decision.original.postKey);
      return decision.canonical === 'original'
        ? warning('dedupe:near-duplicate-post', `This post repeats the earlier post ${original} (${similarity}): its canonical URL points to ${decision.original.url} and it is left out of the sitemap. Set \`canonical\` in the front matter to choose otherwise.`, 1)
        : info('dedupe:near-duplicate-post', `This post repeats the earlier post ${original} (${similarity}); the front matter's \`canonical\` is kept.`, 1);
    }
  }
}

const BLOCK_NAMES: Partial<Record<Block['kind'], string>> = { paragraph: 'Paragraph', list: 'List', table: 'Table', blockquote: 'Quote', code: 'Code block' };
const blockName = (kind: Block['kind']): string => BLOCK_NAMES[kind] ?? kind;
