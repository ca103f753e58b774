import type { Nodes, Root } from 'mdast';
import type { CrossPostDecision, NearDuplicateDecision } from './cross-post.js';
import { info, warning } from './messages.js';
import { fmix32 as importedFmix32 } from './minhash.js';
import { editSimilarity, jaccard, shingles, words } from './normalize.js';
import { blockShingles, blocksAndSections, innermostSections, sectionRef, type Block, type Section, type SectionRef } from './sections.js';
import type { PostMessage } from './types.js';

/**
 * Repeats inside one post. Pure: a new tree and plain decision records out.
 *
 * Only a PASTED RUN is removed; everything else that repeats stays on the page and is reported to the author.
 * Why: on real blogs almost every repeated block is repeated on purpose or differs in the word that matters — API
 * references describe two methods alike ("…classes that extend the Writable class…" / "…the Readable class…"),
 * release notes end several sections with "See the detailed release notes for more details.", reports answer the
 * same questionnaire in every section, a TL;DR is restated in the body, a generated update quotes the comment it
 * summarises. Removing any repeated block of 40 characters (or a 0.95-similar one) took 60 blocks out of the Rust
 * blog alone, and not one of them was an accident (test/fixtures/dedupe-labels/ holds 210 labelled repeats from it
 * and the seeds). The accident that does happen is a whole section pasted a second time under another heading (the
 * first seed post).
 *
 * Blocks compare word for word: `normalizeText` (NFKC, case, whitespace and punctuation folded) plus the targets of
 * their links, images and footnote references, so "[Description](#a)" and "[Description](#b)" are different blocks.
 * Removed, as a pasted run:
 *  - a whole section (heading level 1–6, subsections included) whose blocks repeat, in order and word for word, all
 *    the blocks of an earlier section or of the intro (html comments, link definitions and rules aside), if at least
 *    two of them are long enough to remove or they hold at least `minSectionWords` words. Its heading goes too once
 *    nothing is left under it. Both conditions matter: the original being a whole section is what tells a pasted section from a repeated summary or template
 *    answer, and one short block under two headings ("Returns `undefined`.") is an API reference, not a paste;
 *  - two or more consecutive blocks repeated right after themselves (A B A B, no heading between, runs of up to
 *    `MAX_RUN_BLOCKS` blocks): a double paste. Two or more consecutive blocks repeated further away are NOT removed
 *    — on the Rust blog every such run (2 to 4 blocks) was deliberate: template lines of a list of projects, a TL;DR
 *    restated, a summary next to the comment it summarises, the same questionnaire answers in two sections — they
 *    are reported block by block;
 *  - with `dedupeCode`, a code block that exactly repeats an earlier one (language and code, trailing spaces
 *    ignored; `x = 1` and `x = 2` normalise alike but are different programs). Without it code is never removed,
 *    though identical code does not break a pasted run.
 * Only blocks of at least `minExactChars` characters and `minExactWords` words are ever removed: "Read more",
 * "Learn more" and other short lines repeat on purpose and are never touched, not even inside a pasted section.
 *
 * Reported, kept (at most `maxReports` per post; then one line counting the further word-for-word repeats, and near
 * repeats are no longer looked for):
 *  - exact: a block of removable size that repeats an earlier block word for word but is not part of a pasted run;
 *  - near: a block of at least `minNearChars` characters with word 4-shingle Jaccard ≥ `nearJaccard` (0.9) or word
 *    edit similarity ≥ `nearEditSimilarity` (0.95) to an earlier block of the same kind. Never removed: the word that
 *    differs is usually the point. Why two measures: each changed word alters up to four shingles, so one changed
 *    word in a 40-word paragraph already drops the shingle Jaccard to 33/41 = 0.80; edit similarity 0.95 accepts one
 *    changed word per 20 but not three in 40 (Jaccard ≈ 0.5). The shingle measure still matters for moved sentences.
 * A paragraph quoted later in a blockquote is a pull quote: blocks are only compared with blocks of their own kind.
 *
 * Cost stays near-linear in the post's length (a 1 MiB changelog has tens of thousands of blocks): word-for-word
 * matches are hash lookups; near-repeat candidates come from MinHash LSH buckets over word 4-shingles
 * (`NEAR_BANDS` × `NEAR_ROWS`: a pair with shingle Jaccard 0.64 — two scattered edits in 40 words — shares a bucket
 * with probability ≈ 0.97, an unrelated pair at 0.3 with ≈ 0.15), each bucket keeping its first
 * `NEAR_BUCKET_MEMBERS` blocks and each block compared with at most `maxNearCandidates` of them; edit similarity,
 * quadratic, only for blocks of up to `MAX_EDIT_WORDS` words. The signatures here live for one call, so they hash
 * words as numbers (no shingle strings) rather than use minhash.ts's stored, versioned signatures; shingle strings
 * are built only for the few pairs compared.
 */

export interface DedupeOptions {
  /** Also remove code blocks that exactly repeat an earlier code block. @default false (repeated code is usually deliberate) */
  readonly dedupeCode?: boolean;
  /** Blocks shorter than this are never removed nor reported as exact repeats. @default 40 */
  readonly minExactChars?: number;
  /** @default 8 */
  readonly minExactWords?: number;
  /** A pasted section with a single block to remove must hold this many words (the cross-post section minimum). @default 50 */
  readonly minSectionWords?: number;
  /** @default 100 */
  readonly minNearChars?: number;
  /** @default 0.9 */
  readonly nearJaccard?: number;
  /** @default 0.95 */
  readonly nearEditSimilarity?: number;
  /** Kept repeats listed per post; further word-for-word ones are counted in one more decision, near ones not looked for. @default 20 */
  readonly maxReports?: number;
  /** Earlier blocks a block is compared with, at most, to find a near repeat. @default 8 */
  readonly maxNearCandidates?: number;
}

export const DEDUPE_DEFAULTS: Required<DedupeOptions> = {
  dedupeCode: false,
  minExactChars: 40,
  minExactWords: 8,
  minSectionWords: 50,
  minNearChars: 100,
  nearJaccard: 0.9,
  nearEditSimilarity: 0.95,
  maxReports: 20,
  maxNearCandidates: 8,
};

/** Longest A B … A B run looked for (a longer double paste is nearly always whole sections, found as such). */
export const MAX_RUN_BLOCKS = 64;
/** Near-repeat candidates: LSH of 80-value MinHash signatures, 20 bands of 4 rows: P(s) = 1 − (1 − s⁴)²⁰. */
const NEAR_BANDS = 20;
const NEAR_ROWS = 4;
/** Blocks kept per LSH bucket: a changelog of 10,000 look-alike lines fills a bucket once, not 10,000 times. */
const NEAR_BUCKET_MEMBERS = 8;
/** Edit similarity is quadratic in words: longer blocks are compared by shingle Jaccard only. */
const MAX_EDIT_WORDS = 2000;

/** Kinds of block that are compared. Headings never are by themselves (only with an emptied section). */
const DEDUPABLE = new Set<Block['kind']>(['paragraph', 'list', 'table', 'blockquote', 'code']);

/** Nodes that show nothing in place: a section holding only these has nothing left to say, and runs skip them. */
const NO_CONTENT = new Set<Block['kind']>(['html', 'definition', 'footnoteDefinition', 'thematicBreak']);

/** A block removed because it is part of a pasted run: a word-for-word repeat of an earlier block of the same post. */
export interface RemovedRepeat {
  readonly kind: 'removed-repeat';
  readonly blockKind: Block['kind'];
  readonly line?: number;
  /** Innermost section the removed block was in. */
  readonly section: SectionRef;
  /** The earlier block it repeats, which stays. */
  readonly repeats: { readonly line?: number; readonly section: SectionRef };
  /** Always 1: only word-for-word repeats are removed. */
  readonly similarity: number;
  readonly match: 'exact';
  /**
   * Why it counts as pasted: its whole `section` repeats an earlier section; it is one of two or more blocks
   * repeated right after themselves (`run`); or it is repeated `code` and `dedupeCode` is on.
   */
  readonly rule: 'section' | 'run' | 'code';
}

/** A heading dropped because every block of its section was removed as a repeat. */
export interface RemovedEmptySection {
  readonly kind: 'removed-empty-section';
  readonly section: SectionRef;
  /** The section it repeats (for a pasted section); otherwise the one holding most of the blocks it repeated. */
  readonly repeats: SectionRef;
  /** Word 4-shingle Jaccard of the two sections' bodies, before removal. */
  readonly similarity: number;
}

/** A block that repeats an earlier block of the post and stays on the page: reported to the author, not removed. */
export interface KeptRepeat {
  readonly kind: 'kept-repeat';
  readonly blockKind: Block['kind'];
  readonly line?: number;
  readonly section: SectionRef;
  /** The earlier block it repeats (the first occurrence for word-for-word repeats, the most similar for near ones). */
  readonly repeats: { readonly line?: number; readonly section: SectionRef };
  /** 1 for exact repeats; for near ones the larger of shingle Jaccard and edit similarity. */
  readonly similarity: number;
  readonly match: 'exact' | 'near';
}

/**
 * `maxReports` kept repeats were listed: after the last of them (`line`), word-for-word repeats are only counted
 * (`count`) and near repeats are not looked for — the cost of a long look-alike changelog stays bounded.
 */
export interface KeptRepeatsNotListed {
  readonly kind: 'kept-repeats-not-listed';
  /** Kept repeats listed (`maxReports`). */
  readonly listed: number;
  /** Word-for-word repeats after `line` that were not listed. */
  readonly count: number;
  readonly line?: number;
}

export type WithinPostDecision = RemovedRepeat | RemovedEmptySection | KeptRepeat | KeptRepeatsNotListed;

export interface DedupeResult {
  /** A new tree (the input is not mutated; unchanged nodes are shared). Source positions are kept. */
  readonly tree: Root;
  /** In document order (a section's decision before those of its blocks; the not-listed count last). Empty when nothing repeats. */
  readonly decisions: readonly WithinPostDecision[];
}

/** A removed block: the content position of the block it repeats, and why. */
interface Removal { readonly original: number; readonly rule: RemovedRepeat['rule'] }

export function dedupeWithinPost(tree: Root, options: DedupeOptions = {}): DedupeResult {
  const settings = { ...DEDUPE_DEFAULTS, ...options };
  const { blocks, sections } = blocksAndSections(tree);
  const sectionOf = innermostSections(sections, tree.children.length);
  // The blocks runs are made of, in document order; "position" below is an index into this list.
  const content = blocks.filter((block) => !NO_CONTENT.has(block.kind));
  const ids = exactIds(tree, content);
  const longEnough = (block: Block) => block.text.length >= settings.minExactChars && block.wordCount >= settings.minExactWords;
  const removable = content.map((block) => DEDUPABLE.has(block.kind) && (block.kind !== 'code' || settings.dedupeCode) && longEnough(block));

  const removals = new Map<number, Removal>();
  const pastedSections = findPastedSections(sections, content, ids, removable, settings, removals);
  findDoublePastes(tree, content, ids, removable, removals);
  if (settings.dedupeCode) {
    const firstCode = new Map<number, number>();
    content.forEach((block, position) => {
      if (block.kind !== 'code') return;
      const first = firstCode.get(ids[position]!);
      if (first === undefined) firstCode.set(ids[position]!, position);
      else if (removable[position] && !removals.has(position)) removals.set(position, { original: first, rule: 'code' });
    });
  }
  const reports = findKeptRepeats(content, ids, removals, longEnough, settings);

  const removedBlocks = new Map<number, Removal>();
  for (const [position, removal] of removals) removedBlocks.set(content[position]!.index, removal);
  const dropped = new Set(removedBlocks.keys());
  const sectionDecisions: RemovedEmptySection[] = [];
  for (const section of sections) {
    if (section.depth === 0) continue;
    const removedHere = section.blocks.filter((block) => removedBlocks.has(block.index));
    const emptied = removedHere.length > 0 && section.blocks.every((block) => removedBlocks.has(block.index) || NO_CONTENT.has(block.kind));
    if (!emptied) continue;
    // The heading and every subsection heading inside it go: nothing is left under any of them.
    for (let i = section.start; i < section.end; i++) if (tree.children[i]!.type === 'heading') dropped.add(i);
    const original = pastedSections.get(section)
      ?? mostRepeated(sectionOf, removedHere.map((block) => content[removedBlocks.get(block.index)!.original]!));
    sectionDecisions.push({
      kind: 'removed-empty-section', section: sectionRef(section), repeats: sectionRef(original),
      similarity: jaccard(new Set(blockShingles(section.blocks)), new Set(blockShingles(original.blocks))),
    });
  }

  const blockDecisions = [...removals].map(([position, removal]): RemovedRepeat => ({
    kind: 'removed-repeat', ...about(content[position]!, content[removal.original]!, sectionOf), similarity: 1, match: 'exact', rule: removal.rule,
  }));
  const decisions: WithinPostDecision[] = [...sectionDecisions, ...blockDecisions, ...reports.listed.map((report): KeptRepeat => ({
    kind: 'kept-repeat', ...about(content[report.position]!, content[report.original]!, sectionOf), similarity: report.similarity, match: report.match,
  }))];
  // A section's decision comes before those of its blocks (its heading is above them).
  decisions.sort((a, b) => lineOf(a) - lineOf(b) || Number(a.kind !== 'removed-empty-section') - Number(b.kind !== 'removed-empty-section'));
  if (reports.capped) {
    const last = reports.listed.at(-1);
    const line = last === undefined ? undefined : content[last.position]!.line;
    decisions.push({ kind: 'kept-repeats-not-listed', listed: reports.listed.length, count: reports.notListed, ...(line !== undefined && { line }) });
  }
  const children = tree.children.filter((_, index) => !dropped.has(index));
  return { tree: dropped.size === 0 ? tree : { ...tree, children }, decisions };
}

/**
 * Whole sections that repeat an earlier section word for word (see the rules above); their removable blocks go into
 * `removals`. Returns every section whose blocks repeat an earlier section's, with that section, removed or not.
 * Sections are keyed by the ids of their blocks, so finding the earlier one is a lookup; nested sections make the
 * total work at most the post's length times its heading depth.
 */
function findPastedSections(
  sections: readonly Section[], content: readonly Block[], ids: readonly number[], removable: readonly boolean[],
  settings: Required<DedupeOptions>, removals: Map<number, Removal>,
): Map<Section, Section> {
  const matches = new Map<Section, Section>();
  const positionOf = new Map(content.map((block, position) => [block.index, position]));
  /** Block-id sequence → the first sections with it (a few: a pasted h3 prefers an h3 original). */
  const earlier = new Map<string, { section: Section; start: number }[]>();
  for (const section of sections) {
    const own = section.blocks.filter((block) => positionOf.has(block.index));
    if (own.length === 0) continue;
    const start = positionOf.get(own[0]!.index)!;
    const end = start + own.length;
    const key = ids.slice(start, end).join(',');
    const seen = earlier.get(key);
    if (!seen) { earlier.set(key, [{ section, start }]); continue; }
    // The original ends before this section starts (a parent and its only subsection hold the same blocks).
    const before = seen.filter((entry) => entry.start + own.length <= start);
    if (seen.length < 4) seen.push({ section, start });
    if (before.length === 0 || section.depth === 0) continue;
    const original = before.find((entry) => entry.section.depth === section.depth) ?? before[0]!;
    matches.set(section, original.section);
    let count = 0;
    let wordCount = 0;
    for (let position = start; position < end; position++) if (removable[position]) { count++; wordCount += content[position]!.wordCount; }
    if (count < 2 && (count === 0 || wordCount < settings.minSectionWords)) continue;
    for (let k = 0; k < own.length; k++) {
      const position = start + k;
      if (removable[position] && !removals.has(position)) removals.set(position, { original: original.start + k, rule: 'section' });
    }
  }
  return matches;
}

/**
 * Two or more consecutive blocks repeated right after themselves (A B A B), with no heading between: for each
 * block, the only period that can start such a run is the distance to the previous block with its id, and it is
 * checked for runs of up to `MAX_RUN_BLOCKS` blocks — at most that many comparisons per block.
 */
function findDoublePastes(tree: Root, content: readonly Block[], ids: readonly number[], removable: readonly boolean[], removals: Map<number, Removal>): void {
  const headingsBefore = new Array<number>(tree.children.length + 1).fill(0);
  tree.children.forEach((node, i) => { headingsBefore[i + 1] = headingsBefore[i]! + (node.type === 'heading' ? 1 : 0); });
  const last = new Map<number, number>();
  for (let i = 0; i < content.length;) {
    const previous = last.get(ids[i]!);
    const period = previous === undefined ? 0 : i - previous;
    let run = 0;
    if (period >= 2 && period <= MAX_RUN_BLOCKS && i + period <= content.length) {
      while (run < period && ids[i + run] === ids[previous! + run]) run++;
    }
    const noHeading = run === period && run > 0 && headingsBefore[content[i + run - 1]!.index]! === headingsBefore[content[previous!]!.index]!;
    let count = 0;
    if (noHeading) for (let k = 0; k < run; k++) if (removable[i + k]) count++;
    if (noHeading && count >= 2) {
      for (let k = 0; k < run; k++) {
        last.set(ids[i + k]!, i + k);
        if (removable[i + k] && !removals.has(i + k)) removals.set(i + k, { original: previous! + k, rule: 'run' });
      }
      i += run;
    } else {
      last.set(ids[i]!, i);
      i++;
    }
  }
}

interface Report { readonly position: number; readonly original: number; readonly similarity: number; readonly match: 'exact' | 'near' }

/** Repeats that stay on the page: word-for-word ones by lookup, near ones through LSH buckets (see the top). */
function findKeptRepeats(
  content: readonly Block[], ids: readonly number[], removals: ReadonlyMap<number, Removal>, longEnough: (block: Block) => boolean,
  settings: Required<DedupeOptions>,
): { listed: Report[]; notListed: number; capped: boolean } {
  const listed: Report[] = [];
  let notListed = 0;
  let capped = false;
  const full = () => listed.length >= settings.maxReports;
  const report = (entry: Report) => {
    if (full()) notListed++;
    else listed.push(entry);
  };
  const first = new Map<number, number>();
  const buckets = new Map<number, number[]>();
  const wordHashes = new Map<string, number>();
  const compared = new Map<number, NearCandidate>();

  content.forEach((block, position) => {
    if (removals.has(position)) return;
    const id = ids[position]!;
    const original = first.get(id);
    if (original === undefined) first.set(id, position);
    if (!DEDUPABLE.has(block.kind) || (block.kind === 'code' && !settings.dedupeCode)) return;
    if (original !== undefined) {
      if (longEnough(block)) report({ position, original, similarity: 1, match: 'exact' });
      return; // same text as a block already in the buckets
    }
    if (block.kind === 'code' || block.text.length < settings.minNearChars) return;
    if (full()) { capped = true; return; }

    const candidate: NearCandidate = { words: words(block.text) };
    const kind = KIND_NUMBER.get(block.kind)!;
    const bands = bandKeys(candidate.words, wordHashes).map((band) => band * KINDS + kind);
    const others = new Set<number>();
    for (const band of bands) {
      for (const other of buckets.get(band) ?? []) {
        if (others.size >= settings.maxNearCandidates) break;
        others.add(other);
      }
    }
    let best: { original: number; similarity: number } | undefined;
    for (const other of others) {
      const similarity = nearSimilarity(candidate, compared.get(other)!, settings);
      if (similarity > 0 && (!best || similarity > best.similarity || (similarity === best.similarity && other < best.original))) best = { original: other, similarity };
    }
    if (best) report({ position, original: best.original, similarity: best.similarity, match: 'near' });
    let stored = false;
    for (const band of bands) {
      const members = buckets.get(band);
      if (!members) buckets.set(band, [position]);
      else if (members.length < NEAR_BUCKET_MEMBERS) members.push(position);
      else continue;
      stored = true;
    }
    if (stored) compared.set(position, candidate);
  });
  return { listed, notListed, capped: capped || notListed > 0 };
}

/** A block that may be a near repeat: its words, and its shingles once it is compared with something. */
interface NearCandidate { readonly words: readonly string[]; shingles?: ReadonlySet<string> }

const shinglesOf = (candidate: NearCandidate): ReadonlySet<string> => (candidate.shingles ??= new Set(shingles(candidate.words)));

/** The larger of shingle Jaccard and word edit similarity when either reaches its bar; 0 otherwise. */
function nearSimilarity(a: NearCandidate, b: NearCandidate, settings: Required<DedupeOptions>): number {
  const aShingles = shinglesOf(a);
  const bShingles = shinglesOf(b);
  // Jaccard can never exceed the ratio of the set sizes: skip pairs that cannot reach even the 0.5 pre-check.
  if (Math.min(aShingles.size, bShingles.size) < 0.5 * Math.max(aShingles.size, bShingles.size)) return 0;
  const shingleSimilarity = jaccard(aShingles, bShingles);
  let similarity = shingleSimilarity >= settings.nearJaccard ? shingleSimilarity : 0;
  // Scattered edits at 0.95 edit similarity leave a shingle Jaccard of at least ~0.6, hence the 0.5 pre-check.
  const lengths = Math.min(a.words.length, b.words.length) / Math.max(a.words.length, b.words.length);
  if (shingleSimilarity >= 0.5 && lengths >= settings.nearEditSimilarity && Math.max(a.words.length, b.words.length) <= MAX_EDIT_WORDS) {
    const edit = editSimilarity(a.words, b.words);
    if (edit >= settings.nearEditSimilarity) similarity = Math.max(similarity, edit);
  }
  return similarity;
}

/** Block kinds as numbers, to key the LSH buckets by kind and band without building strings. */
const KIND_NUMBER = new Map([...DEDUPABLE].map((kind, i) => [kind, i]));
const KINDS = DEDUPABLE.size;
/**
 * minhash.ts's `fmix32` in a local binding: it runs 80 times per shingle below, and where modules run as CommonJS
 * (tsx, which runs the local build) every call through an import reads a property getter first.
 */
const fmix32 = importedFmix32;
const PERMUTATION_SEEDS = Uint32Array.from({ length: NEAR_BANDS * NEAR_ROWS }, (_, i) => fmix32(Math.imul(i + 1, 0x9e3779b9) >>> 0));
const EMPTY_ROW = 0xffffffff;

/**
 * LSH band keys of a block's word 4-shingles (as `shingles` forms them: one shingle of all the words below four): a
 * MinHash signature over 32-bit shingle hashes, each band's rows hashed to one number, tagged with the band. Words
 * are hashed once per post (`cache`). Deterministic; the numbers never leave this call.
 */
function bandKeys(blockWords: readonly string[], cache: Map<string, number>): number[] {
  if (blockWords.length === 0) return [];
  const hashes = blockWords.map((word) => {
    let hash = cache.get(word);
    if (hash === undefined) { hash = stringHash(word); cache.set(word, hash); }
    return hash;
  });
  const signature = new Uint32Array(NEAR_BANDS * NEAR_ROWS).fill(EMPTY_ROW);
  const size = Math.min(4, hashes.length);
  for (let i = 0; i + size <= hashes.length; i++) {
    let shingle = 0;
    for (let k = 0; k < size; k++) shingle = Math.imul(shingle ^ hashes[i + k]!, 0x01000193) + k;
    shingle = fmix32(shingle >>> 0);
    for (let row = 0; row < signature.length; row++) {
      const value = fmix32(shingle ^ PERMUTATION_SEEDS[row]!);
      if (value < signature[row]!) signature[row] = value;
    }
  }
  const keys: number[] = [];
  for (let band = 0; band < NEAR_BANDS; band++) {
    let hash = band + 1;
    for (let row = 0; row < NEAR_ROWS; row++) hash = fmix32((hash ^ signature[band * NEAR_ROWS + row]!) >>> 0);
    // A band number and a 32-bit hash in one exact double: a Map key without a string.
    keys.push(band * 0x1_0000_0000 + hash);
  }
  return keys;
}

/** FNV-1a over UTF-16 code units, finalised. */
function stringHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return fmix32(hash >>> 0);
}

/**
 * One number per block: equal numbers for blocks that are the same word for word (kind, normalised text, and the
 * targets of links, images and footnote references; code by language and exact code, trailing spaces aside). Kinds
 * that are never compared get a number of their own.
 */
function exactIds(tree: Root, content: readonly Block[]): number[] {
  const idOf = new Map<string, number>();
  let next = 0;
  return content.map((block) => {
    if (!DEDUPABLE.has(block.kind)) return next++;
    const key = `${block.kind}\u0000${block.text}\u0000${exactKey(tree.children[block.index]!)}`;
    const found = idOf.get(key);
    if (found !== undefined) return found;
    idOf.set(key, next);
    return next++;
  });
}

/** What, besides its normalised text, makes a node the same as another: code's exact text, or where its links go. */
function exactKey(node: Nodes): string {
  if (node.type === 'code') return `${node.lang ?? ''}\u0000${node.value.replace(/[ \t]+$/gm, '').trim()}`;
  const targets: string[] = [];
  const stack: Nodes[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.type === 'link' || current.type === 'image') targets.push(current.url);
    else if (current.type === 'linkReference' || current.type === 'imageReference') targets.push(`[${current.identifier.toLowerCase()}]`);
    else if (current.type === 'footnoteReference') targets.push(`[^${current.identifier.toLowerCase()}]`);
    if ('children' in current) for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i] as Nodes);
  }
  return targets.join('\u0001');
}

function about(block: Block, original: Block, sectionOf: readonly Section[]) {
  return {
    blockKind: block.kind, ...(block.line !== undefined && { line: block.line }),
    section: sectionRef(sectionOf[block.index]!),
    repeats: { ...(original.line !== undefined && { line: original.line }), section: sectionRef(sectionOf[original.index]!) },
  };
}

/** The innermost section holding most of the given blocks; the first one in document order on a tie. */
function mostRepeated(sectionOf: readonly Section[], originals: readonly Block[]): Section {
  const counts = new Map<Section, number>();
  for (const block of originals) {
    const section = sectionOf[block.index]!;
    counts.set(section, (counts.get(section) ?? 0) + 1);
  }
  let best = sectionOf[originals[0]!.index]!;
  for (const [section, count] of counts) {
    if (count > counts.get(best)! || (count === counts.get(best)! && section.start < best.start)) best = section;
  }
  return best;
}

const lineOf = (decision: WithinPostDecision): number =>
  (decision.kind === 'removed-empty-section' ? decision.section.line : decision.line) ?? Number.MAX_SAFE_INTEGER;

/** Any decision the dedupe code reports to the author. */
export type DedupeDecision = WithinPostDecision | CrossPostDecision | NearDuplicateDecision;

const quote = (text: string): string => `“${text}”`;
const where = (section: SectionRef): string => (section.id === '' ? 'the introduction' : quote(section.heading));
const lineNote = (line: number | undefined): string => (line === undefined ? '' : ` (line ${line})`);
const inSection = (section: SectionRef): string => (section.id === '' ? '' : ` (in ${where(section)})`);

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
  if (decision.kind === 'kept-repeats-not-listed') {
    const more = decision.count === 0 ? '' : `${decision.count} more word-for-word repeat${decision.count === 1 ? '' : 's'} after this line ${decision.count === 1 ? 'is' : 'are'} kept but not listed, and n`;
    return info('dedupe:kept-repeat', `${more || 'N'}ear repeats after this line were not looked for: this post has many repeated blocks (the first ${decision.listed} are listed).`, decision.line);
  }
  const similarity = `similarity ${decision.similarity.toFixed(2)}`;
  switch (decision.kind) {
    case 'removed-repeat': {
      const how = decision.rule === 'section' ? 'as part of a section pasted again' : decision.rule === 'run' ? 'as part of blocks pasted twice in a row' : 'as repeated code (`dedupeCode`)';
      return withRelated(warning('dedupe:repeated-block',
        `${blockName(decision.blockKind)} removed ${how}: it repeats line ${decision.repeats.line ?? '?'} of this post${inSection(decision.repeats.section)}, word for word. Delete the repeat from the source to keep the file and the page alike.`,
        decision.line), { line: decision.repeats.line });
    }
    case 'kept-repeat':
      return withRelated(info('dedupe:kept-repeat', decision.match === 'exact'
        ? `${blockName(decision.blockKind)} repeats line ${decision.repeats.line ?? '?'} of this post${inSection(decision.repeats.section)} word for word; kept (a single repeated block is usually deliberate, only pasted sections and runs are removed). Delete it from the source if it was pasted by mistake.`
        : decision.similarity === 1
          ? `${blockName(decision.blockKind)} has the same words as line ${decision.repeats.line ?? '?'} of this post${inSection(decision.repeats.section)} but links elsewhere; kept (only word-for-word pasted sections and runs are removed).`
          : `${blockName(decision.blockKind)} is nearly the same as line ${decision.repeats.line ?? '?'} of this post${inSection(decision.repeats.section)} (${similarity}); kept (near repeats are never removed: the words that differ may be the point). Delete or merge one of them if they say the same thing.`,
      decision.line), { line: decision.repeats.line });
    case 'removed-empty-section':
      return withRelated(warning('dedupe:repeated-section',
        `Section ${where(decision.section)} removed: it repeats ${where(decision.repeats)}${lineNote(decision.repeats.line)} of this post, ${similarity}.`,
        decision.section.line), { line: decision.repeats.line });
    case 'section-linked':
    case 'section-removed':
    case 'section-kept': {
      const what = decision.kind === 'section-linked' ? 'replaced by a link to it' : decision.kind === 'section-removed' ? 'removed' : 'kept as written (policy `keep`)';
      const original = `${decision.original.heading === '' ? 'the introduction' : quote(decision.original.heading)} of the earlier post ${quote(decision.original.postTitle)}`;
      const say = decision.kind === 'section-kept' ? info : warning;
      return withRelated(say(`dedupe:${decision.kind}`, `Section ${where(decision.section)} repeats ${original} (${similarity}): ${what}.`, decision.section.line), { file: decision.original.postKey });
    }
    case 'near-duplicate-post': {
      const original = quote(decision.original.title ?? decision.original.postKey);
      return decision.canonical === 'original'
        ? warning('dedupe:near-duplicate-post', `This post repeats the earlier post ${original} (${similarity}): its canonical URL points to ${decision.original.url} and it is left out of the sitemap. Set \`canonical\` in the front matter to choose otherwise.`, 1)
        : info('dedupe:near-duplicate-post', `This post repeats the earlier post ${original} (${similarity}); the front matter's \`canonical\` is kept.`, 1);
    }
  }
}

/** The message with the place it compares this one with, when that is known (see `PostMessage.related`). */
function withRelated(message: PostMessage, related: { readonly file?: string; readonly line?: number | undefined }): PostMessage {
  const known = { ...(related.file !== undefined && { file: related.file }), ...(related.line !== undefined && { line: related.line }) };
  return Object.keys(known).length === 0 ? message : { ...message, related: known };
}

const BLOCK_NAMES: Partial<Record<Block['kind'], string>> = { paragraph: 'Paragraph', list: 'List', table: 'Table', blockquote: 'Quote', code: 'Code block' };
const blockName = (kind: Block['kind']): string => BLOCK_NAMES[kind] ?? kind;
