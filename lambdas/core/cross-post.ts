import type { Paragraph, Root, RootContent } from 'mdast';
import { parseDate } from './dates.js';
import { remembered } from './memo.js';
import { decodeSignature, estimateJaccard, lshBandKeys, unionSignature, wordShingleSignature } from './minhash.js';
import { words } from './normalize.js';
import { anchorOf, splitSections, type Block, type Section, type SectionRef } from './sections.js';

/**
 * Repeats across posts, as pure pieces for the ingest/publish services (which own the DynamoDB indexes):
 *
 *   1. `dedupeWithinPost` first, then `splitSections` on its tree;
 *   2. `sectionFingerprints(sections, { boilerplate })` → signature + band keys per section of ≥ 50 words; store
 *      them, query the band keys for candidate sections of other posts and load their signatures;
 *   3. `decideCrossPost(post, fingerprints, candidatesBySection, { policy })` → actions + decisions;
 *   4. `applyCrossPostDecisions(tree, actions)` → the tree to render.
 * Post level: `mainTextBlocks` (sections.ts) → `postSignature` → query → `findNearDuplicateOriginal`.
 * Boilerplate (what step 2 and the post signature leave out): `selectBoilerplateFromHolders`, where a near copy
 * does not count again for what it copied from its original.
 *
 * Which post is the original never depends on upload order: posts are ordered by `date` (undated after dated),
 * then by key, and only an EARLIER post can be the original. When an earlier post arrives later (a back-dated
 * upload), the posts after it must be decided again to notice that they now repeat it.
 */

/** Sections below this many words get no signature: too little text for "the same section" to mean anything. */
export const MIN_SECTION_WORDS = 50;
/** Estimated Jaccard from which a section (or a post) counts as repeating another. */
export const REPEAT_THRESHOLD = 0.8;

export interface SectionFingerprint {
  readonly sectionId: string;
  readonly heading: string;
  readonly depth: number;
  readonly line?: number;
  /** The enclosing section: an action on it covers this one. */
  readonly parentId?: string;
  /** Words compared (boilerplate blocks excluded). */
  readonly wordCount: number;
  readonly signature: Uint32Array;
  readonly bandKeys: readonly string[];
}

/**
 * Signatures and LSH band keys of the sections with at least `minWords` words (the intro included, when it is long
 * enough). Blocks whose fingerprint is in `boilerplate` are left out, so an author bio repeated in every post is
 * not a "repeated section". Code is included: two sections with the same prose but different code are different.
 */
export function sectionFingerprints(sections: readonly Section[], options: { boilerplate?: ReadonlySet<string>; minWords?: number } = {}): SectionFingerprint[] {
  const boilerplate = options.boilerplate ?? new Set<string>();
  const minWords = options.minWords ?? MIN_SECTION_WORDS;
  const result: SectionFingerprint[] = [];
  for (const section of sections) {
    const blocks = section.blocks.filter((block) => !boilerplate.has(block.fingerprint));
    const wordCount = blocks.reduce((sum, block) => sum + block.wordCount, 0);
    if (wordCount < minWords) continue;
    const signature = signatureOfBlocks(blocks);
    result.push({
      sectionId: section.id, heading: section.heading, depth: section.depth,
      ...(section.line !== undefined && { line: section.line }), ...(section.parentId !== undefined && { parentId: section.parentId }),
      wordCount, signature, bandKeys: lshBandKeys(signature),
    });
  }
  return result;
}

/** What the repeats index knows about a section of another post. */
export interface CandidateSection {
  readonly postKey: string;
  /** ISO 8601 date of that post; undefined when undated. */
  readonly postDate?: string;
  readonly postTitle: string;
  /** URL of that post's page, without fragment (absolute, or site-relative like `/posts/x/`). */
  readonly url: string;
  readonly sectionId: string;
  readonly heading: string;
  /** Line of the section in its post: among several matching sections of one post, the first wins. */
  readonly line?: number;
  /** As from `minhashSignature`, or base64 from `encodeSignature`. */
  readonly signature: Uint32Array | string;
}

export type { RepeatPolicy } from './types.js';
import type { RepeatPolicy } from './types.js';

/** What to do to a section of this post; `keep` needs no action. */
export type SectionAction =
  | { readonly sectionId: string; readonly action: 'link'; readonly replacement: Paragraph }
  | { readonly sectionId: string; readonly action: 'remove' };

export interface OriginalSection {
  readonly postKey: string;
  readonly postTitle: string;
  readonly sectionId: string;
  readonly heading: string;
  /** Where the link points: the post URL plus `#anchor` when the section has one. */
  readonly url: string;
}

/** A section of this post that repeats a section of an earlier post, and what was done about it. */
export interface CrossPostDecision {
  readonly kind: 'section-kept' | 'section-linked' | 'section-removed';
  readonly section: SectionRef;
  readonly original: OriginalSection;
  /** Estimated Jaccard (MinHash) of the two sections. */
  readonly similarity: number;
}

export interface CrossPostOptions {
  /** @default 'link' */
  readonly policy?: RepeatPolicy;
  /** @default REPEAT_THRESHOLD (0.8) */
  readonly threshold?: number;
  /** Builds the paragraph that replaces a linked section's body. @default repeatLinkParagraph */
  readonly linkParagraph?: (original: OriginalSection, candidate: CandidateSection) => Paragraph;
}

/** A post's place in the "which came first" order. */
export interface PostOrderKey {
  readonly key: string;
  /** `YYYY-MM-DD` or ISO 8601 with a zone (as `parseDate` accepts); undefined or anything else = undated. */
  readonly date?: string;
}

/**
 * Total order of posts: by date, undated after dated, then by key (code-unit order, not locale order). Dates go
 * through the front matter's `parseDate`, never bare `Date.parse`, which reads zone-less or free-form dates in the
 * machine's local time zone.
 */
export function comparePostOrder(a: PostOrderKey, b: PostOrderKey): number {
  const timeA = instant(a.date);
  const timeB = instant(b.date);
  const datedA = !Number.isNaN(timeA);
  const datedB = !Number.isNaN(timeB);
  if (datedA !== datedB) return datedA ? -1 : 1;
  if (datedA && timeA !== timeB) return timeA - timeB;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * For each fingerprinted section of this post (document order), the original it repeats, if any: among the
 * candidates of EARLIER posts with estimated Jaccard ≥ threshold, the earliest post, then the first section in it.
 * Candidates of this post itself and of later posts are ignored, so the candidates' order and the upload order
 * change nothing. A section inside one that is linked or removed is covered by that action and not decided again.
 */
export function decideCrossPost(
  post: PostOrderKey,
  fingerprints: readonly SectionFingerprint[],
  candidatesBySection: Readonly<Record<string, readonly CandidateSection[]>>,
  options: CrossPostOptions = {},
): { actions: SectionAction[]; decisions: CrossPostDecision[] } {
  const policy = options.policy ?? 'link';
  const threshold = options.threshold ?? REPEAT_THRESHOLD;
  const makeParagraph = options.linkParagraph ?? repeatLinkParagraph;
  const parents = new Map(fingerprints.map((fp) => [fp.sectionId, fp.parentId]));
  const replaced = new Set<string>();
  const actions: SectionAction[] = [];
  const decisions: CrossPostDecision[] = [];

  for (const fp of fingerprints) {
    if (isCovered(fp.sectionId, parents, replaced)) continue;
    const candidates = Object.hasOwn(candidatesBySection, fp.sectionId) ? candidatesBySection[fp.sectionId]! : [];
    const match = earliestMatch(post, fp, candidates, threshold);
    if (!match) continue;
    const original = originalSection(match.candidate);
    const section: SectionRef = { id: fp.sectionId, heading: fp.heading, ...(fp.line !== undefined && { line: fp.line }) };
    const kind = policy === 'keep' ? 'section-kept' : policy === 'link' ? 'section-linked' : 'section-removed';
    decisions.push({ kind, section, original, similarity: match.similarity });
    if (policy === 'link') actions.push({ sectionId: fp.sectionId, action: 'link', replacement: makeParagraph(original, match.candidate) });
    if (policy === 'remove') actions.push({ sectionId: fp.sectionId, action: 'remove' });
    if (policy !== 'keep') replaced.add(fp.sectionId);
  }
  return { actions, decisions };
}

function instant(date: string | undefined): number {
  const iso = date === undefined ? undefined : parseDate(date);
  return iso === undefined ? NaN : Date.parse(iso);
}

function isCovered(sectionId: string, parents: ReadonlyMap<string, string | undefined>, replaced: ReadonlySet<string>): boolean {
  for (let id = parents.get(sectionId); id !== undefined; id = parents.get(id)) if (replaced.has(id)) return true;
  return false;
}

function earliestMatch(post: PostOrderKey, fp: SectionFingerprint, candidates: readonly CandidateSection[], threshold: number) {
  let best: { candidate: CandidateSection; similarity: number } | undefined;
  for (const candidate of candidates) {
    const order = { key: candidate.postKey, ...(candidate.postDate !== undefined && { date: candidate.postDate }) };
    if (candidate.postKey === post.key || comparePostOrder(order, post) >= 0) continue;
    const signature = typeof candidate.signature === 'string' ? decodeSignature(candidate.signature) : candidate.signature;
    if (signature.length !== fp.signature.length) continue; // stored with other parameters: not comparable
    const similarity = estimateJaccard(fp.signature, signature);
    if (similarity < threshold) continue;
    if (!best || compareCandidates(candidate, best.candidate) < 0) best = { candidate, similarity };
  }
  return best;
}

/** Earliest post, then first section in it (by line, then id, so equal input in any order gives one answer). */
function compareCandidates(a: CandidateSection, b: CandidateSection): number {
  const byPost = comparePostOrder(
    { key: a.postKey, ...(a.postDate !== undefined && { date: a.postDate }) },
    { key: b.postKey, ...(b.postDate !== undefined && { date: b.postDate }) });
  if (byPost !== 0) return byPost;
  const byLine = (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER);
  if (byLine !== 0) return byLine;
  return a.sectionId < b.sectionId ? -1 : a.sectionId > b.sectionId ? 1 : 0;
}

function originalSection(candidate: CandidateSection): OriginalSection {
  const anchor = anchorOf(candidate.sectionId);
  return {
    postKey: candidate.postKey, postTitle: candidate.postTitle, sectionId: candidate.sectionId, heading: candidate.heading,
    url: anchor === undefined ? candidate.url : `${candidate.url}#${anchor}`,
  };
}

/**
 * "This section repeats [Heading](url#anchor) from “Post title”." (for an intro: "This section repeats the
 * introduction of [Post title](url)."), as mdast so it goes through the same renderer and sanitizer as the post.
 */
export function repeatLinkParagraph(original: OriginalSection): Paragraph {
  const link = (text: string) => ({ type: 'link' as const, url: original.url, children: [{ type: 'text' as const, value: text }] });
  if (original.heading === '') {
    return { type: 'paragraph', children: [{ type: 'text', value: 'This section repeats the introduction of ' }, link(original.postTitle), { type: 'text', value: '.' }] };
  }
  return {
    type: 'paragraph',
    children: [{ type: 'text', value: 'This section repeats ' }, link(original.heading), { type: 'text', value: ` from “${original.postTitle}”.` }],
  };
}

/**
 * A new tree with the actions applied (the input is not mutated). `link`: the heading stays, the body becomes the
 * replacement paragraph. `remove`: heading and body go. Subsection headings inside go with the body. Link and
 * footnote definitions stay wherever they are — they render nothing in place and other text may use them. Sections
 * are found by id in `tree`, so the actions must come from the same tree (after `dedupeWithinPost`); unknown ids
 * are ignored.
 */
export function applyCrossPostDecisions(tree: Root, actions: readonly SectionAction[]): Root {
  if (actions.length === 0) return tree;
  const sections = new Map(splitSections(tree).map((section) => [section.id, section]));
  /** Paragraphs to insert before the node at an index (`tree.children.length`: at the end). */
  const inserts = new Map<number, Paragraph>();
  const dropped = new Set<number>();
  // Outer sections first, so an action inside a section that is already linked or removed finds it gone.
  const located = actions.flatMap((action) => {
    const section = sections.get(action.sectionId);
    return section ? [{ action, section }] : [];
  }).sort((a, b) => a.section.start - b.section.start || a.section.depth - b.section.depth);
  for (const { action, section } of located) {
    if (dropped.has(section.start) || inserts.has(section.start + 1)) continue;
    const keepHeading = action.action === 'link' && section.depth > 0;
    for (let i = section.start; i < section.end; i++) {
      const node = tree.children[i]!;
      if (node.type === 'definition' || node.type === 'footnoteDefinition' || (keepHeading && i === section.start)) continue;
      dropped.add(i);
    }
    if (action.action === 'link') inserts.set(keepHeading ? section.start + 1 : section.start, action.replacement);
  }
  const children: RootContent[] = [];
  tree.children.forEach((node, index) => {
    const insert = inserts.get(index);
    if (insert) children.push(insert);
    if (!dropped.has(index)) children.push(node);
  });
  const atEnd = inserts.get(tree.children.length);
  if (atEnd) children.push(atEnd);
  return { ...tree, children };
}

/** Post-level signature of the main text (boilerplate already excluded, see `mainTextBlocks`). */
export interface PostFingerprint {
  readonly wordCount: number;
  readonly signature: Uint32Array;
  readonly bandKeys: readonly string[];
}

/** Undefined below `minWords` words of main text: a near-duplicate of a 30-word post says nothing. */
export function postSignature(mainBlocks: readonly Block[], minWords = MIN_SECTION_WORDS): PostFingerprint | undefined {
  const wordCount = mainBlocks.reduce((sum, block) => sum + block.wordCount, 0);
  if (wordCount < minWords) return undefined;
  const signature = signatureOfBlocks(mainBlocks);
  return { wordCount, signature, bandKeys: lshBandKeys(signature) };
}

/** Each block's own signature, once per block object: nested sections and the whole post share their blocks. */
const blockSignatures = new WeakMap<Block, Uint32Array>();

/** `minhashSignature(blockShingles(blocks))`, from the blocks' own signatures (see `unionSignature`). */
export function signatureOfBlocks(blocks: readonly Block[]): Uint32Array {
  return unionSignature(blocks.map((block) => remembered(blockSignatures, block, () => wordShingleSignature(words(block.text)))));
}

/** What the post index knows about another post. */
export interface CandidatePost {
  readonly key: string;
  readonly date?: string;
  readonly title?: string;
  readonly url: string;
  readonly signature: Uint32Array | string;
}

export interface NearDuplicateDecision {
  readonly kind: 'near-duplicate-post';
  readonly original: { readonly postKey: string; readonly title?: string; readonly url: string };
  readonly similarity: number;
  /**
   * `original`: point rel=canonical at the original and leave this post out of the sitemap.
   * `author`: the front matter sets `canonical`; the author's choice stands, the finding is only reported.
   */
  readonly canonical: 'original' | 'author';
}

/**
 * The earliest EARLIER post whose main text has estimated Jaccard ≥ threshold with this post's, if any. Not
 * transitive on purpose: if C repeats B and B repeats A but C is not close to A, C's original is B.
 */
export function findNearDuplicateOriginal(
  post: PostOrderKey & { readonly canonical?: string },
  fingerprint: PostFingerprint | undefined,
  candidates: readonly CandidatePost[],
  options: { threshold?: number } = {},
): { original?: CandidatePost; decisions: NearDuplicateDecision[] } {
  if (!fingerprint) return { decisions: [] };
  const threshold = options.threshold ?? REPEAT_THRESHOLD;
  let best: { candidate: CandidatePost; similarity: number } | undefined;
  for (const candidate of candidates) {
    if (candidate.key === post.key || comparePostOrder(candidate, post) >= 0) continue;
    const signature = typeof candidate.signature === 'string' ? decodeSignature(candidate.signature) : candidate.signature;
    if (signature.length !== fingerprint.signature.length) continue;
    const similarity = estimateJaccard(fingerprint.signature, signature);
    if (similarity >= threshold && (!best || comparePostOrder(candidate, best.candidate) < 0)) best = { candidate, similarity };
  }
  if (!best) return { decisions: [] };
  const { candidate, similarity } = best;
  const decision: NearDuplicateDecision = {
    kind: 'near-duplicate-post',
    original: { postKey: candidate.key, ...(candidate.title !== undefined && { title: candidate.title }), url: candidate.url },
    similarity,
    canonical: post.canonical === undefined ? 'original' : 'author',
  };
  return { original: candidate, decisions: [decision] };
}

/** A post that holds a block, as the boilerplate count sees it. */
export interface BlockHolder {
  readonly postKey: string;
  /** The earlier post this one nearly copies (the original `findNearDuplicateOriginal` found), if any. */
  readonly nearCopyOf?: string;
}

/**
 * How many posts count towards the boilerplate threshold for one block: its holders, each once, except a near copy
 * whose original holds the block too. A near copy (canonical to its original) is the original published again, not
 * one more post using a template: counted, it would make a section found in an original, its near copy and one more
 * post "boilerplate" — kept on every page and left out of every comparison — instead of a section repeated from an
 * earlier post, which is linked to it. A block the copy added of its own still counts.
 */
export function boilerplateHolderCount(holders: readonly BlockHolder[]): number {
  const keys = new Set(holders.map((holder) => holder.postKey));
  const counted = new Set<string>();
  for (const holder of holders) {
    if (holder.nearCopyOf !== undefined && holder.nearCopyOf !== holder.postKey && keys.has(holder.nearCopyOf)) continue;
    counted.add(holder.postKey);
  }
  return counted.size;
}

/**
 * Boilerplate fingerprints (see `selectBoilerplate` in sections.ts) from who holds each block: those whose
 * `boilerplateHolderCount` reaches `minPosts`.
 */
export function selectBoilerplateFromHolders(holders: ReadonlyMap<string, readonly BlockHolder[]>, minPosts = 3): Set<string> {
  return new Set([...holders].filter(([, list]) => boilerplateHolderCount(list) >= minPosts).map(([fp]) => fp));
}
