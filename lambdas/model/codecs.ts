/**
 * How the records' non-JSON parts are stored: body trees (gzip'd JSON), structures (minhash signatures as strings),
 * and term vectors (packed). Pure functions shared by every adapter and the build cache, so what one writes another
 * reads back exactly.
 */
import type { Root } from 'mdast';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { PostFingerprint, SectionFingerprint } from '../core/cross-post.js';
import { decodeSignature, encodeSignature } from '../core/minhash.js';
import type { OwnFeatures } from '../core/own-features.js';
import type { PostStructure } from '../core/post-view.js';
import type { Block } from '../core/sections.js';
import type { TermVector, WeightedTerm } from '../core/terms.js';

/**
 * The body tree as stored: positions only on top-level nodes (enough for the line numbers in reports; nested ones
 * would triple the size for nothing), as gzip'd JSON. Level 1: the tree is written once and seldom read again.
 */
export function packTree(tree: Root): Uint8Array {
  return exactBytes(gzipSync(compactTreeJson(tree), { level: 1 }));
}

/**
 * The bytes in a buffer of their own size. zlib's sync output is a view of its 16 KiB working buffer: kept as it is,
 * each stored tree would hold 16 KiB however small it is (and posting it from a worker copies all of it). In the
 * in-process build that was ~60 MB for 4,000 posts.
 */
function exactBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  return new Uint8Array(bytes); // a copy into a new ArrayBuffer of exactly `byteLength` bytes
}

export function unpackTree(bytes: Uint8Array): Root {
  return JSON.parse(gunzipSync(bytes).toString('utf8')) as Root;
}

/** JSON of the tree with `position` only on the root and its top-level nodes (there as their last field). */
function compactTreeJson(tree: Root): string {
  const children = tree.children.map((child) => {
    const stripped = withoutPositions(child) as object;
    return child.position ? { ...stripped, position: child.position } : stripped;
  });
  return JSON.stringify({ ...tree, children });
}

/** A copy of `node` without `position` at any depth, made with plain loops (this runs over every node of every post). */
function withoutPositions(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(withoutPositions);
  const fields = node as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key in fields) if (key !== 'position' && Object.hasOwn(fields, key)) copy[key] = withoutPositions(fields[key]);
  return copy;
}

/** `OwnFeatures` with its signatures as `S`. */
interface FeaturesOf<S> {
  readonly sections: readonly (Omit<SectionFingerprint, 'signature'> & { readonly signature: S })[];
  readonly signature: (Omit<PostFingerprint, 'signature'> & { readonly signature: S }) | undefined;
  readonly vector: OwnFeatures['vector'];
}

/** A structure as JSON can hold it: minhash signatures (typed arrays) encoded as strings. */
export type StructureJson = Omit<PostStructure, 'own'> & { readonly own?: FeaturesOf<string> };

function withSignatures<A, B>(features: FeaturesOf<A>, convert: (signature: A) => B): FeaturesOf<B> {
  return {
    ...features,
    sections: features.sections.map((section) => ({ ...section, signature: convert(section.signature) })),
    signature: features.signature && { ...features.signature, signature: convert(features.signature.signature) },
  };
}

export function structureToJson(structure: PostStructure): StructureJson {
  return structure.own === undefined ? structure as StructureJson : { ...structure, own: withSignatures(structure.own, encodeSignature) };
}

/**
 * The structure back from JSON, each section's blocks the very objects of `blocks` (same index, same fields): JSON
 * has a copy per section, and one copy of the post's text is kept instead of several.
 */
export function structureFromJson(json: StructureJson): PostStructure {
  const byIndex = new Map(json.blocks.map((block) => [block.index, block]));
  const shared = (block: Block): Block => {
    const same = byIndex.get(block.index);
    return same !== undefined && sameFields(same, block) ? same : block;
  };
  const sections = json.sections.map((section) => ({ ...section, blocks: section.blocks.map(shared) }));
  return { ...json, sections, ...(json.own !== undefined && { own: withSignatures(json.own, decodeSignature) }) } as PostStructure;
}

function sameFields(a: Block, b: Block): boolean {
  const keys = Object.keys(a) as (keyof Block)[];
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/**
 * A term vector as stored: one JSON string, each term as `[term, weight]` or `[term, weight, word]` (the word only
 * where it differs from the term). The corpus step reads hundreds of vectors per update; as one string attribute
 * a vector costs one conversion instead of ~170, and less than half the bytes of a DynamoDB list of maps. Weights
 * survive exactly (JSON writes the shortest text that reads back as the same double), and the fields come back in
 * the order `extractTerms` makes them.
 */
type PackedTerm = readonly [term: string, weight: number, word?: string];
interface PackedVector {
  readonly version: TermVector['version'];
  readonly lang: string;
  readonly body: readonly PackedTerm[];
  readonly title: readonly PackedTerm[];
  readonly tags: readonly string[];
}

export function packTermVector(vector: TermVector): string {
  const pack = (terms: readonly WeightedTerm[]) => terms.map((t): PackedTerm => (t.word === t.term ? [t.term, t.weight] : [t.term, t.weight, t.word]));
  return JSON.stringify({ version: vector.version, lang: vector.lang, body: pack(vector.body), title: pack(vector.title), tags: vector.tags } satisfies PackedVector);
}

export function unpackTermVector(text: string): TermVector {
  const packed = JSON.parse(text) as PackedVector;
  const unpack = (terms: readonly PackedTerm[]) => terms.map(([term, weight, word]): WeightedTerm => ({ term, weight, word: word ?? term }));
  return { version: packed.version, lang: packed.lang, body: unpack(packed.body), title: unpack(packed.title), tags: packed.tags };
}

/** What a post's index entries keep of a posting's data in the table: enough to see that it changed. */
export function hashPostingData(data: Record<string, unknown>): string {
  return createHash('sha1').update(JSON.stringify(data)).digest('base64url').slice(0, 16);
}
