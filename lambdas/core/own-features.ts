import { postSignature, sectionFingerprints, type PostFingerprint, type SectionFingerprint } from './cross-post.js';
import type { PostStructure } from './post-view.js';
import { termInput } from './post-view.js';
import { mainTextBlocks } from './sections.js';
import { extractTerms, type TermVector } from './terms.js';
import type { PublishedPost } from './types.js';

/**
 * What the corpus step derives from a post's text when none of its blocks is boilerplate and none of its sections
 * is linked away to another post (most posts): its sections' fingerprints, the whole post's signature and its term
 * vector. These depend on the post alone, so they can be computed where the post is parsed (on a worker thread,
 * and cached with the parse) instead of in the corpus step, which otherwise spends much of its time on them.
 */
export interface OwnFeatures {
  /** `sectionFingerprints` with no boilerplate. */
  readonly sections: readonly SectionFingerprint[];
  /** `postSignature` of every block. */
  readonly signature: PostFingerprint | undefined;
  /** `extractTerms` of the whole text: no boilerplate, no section linked away. */
  readonly vector: TermVector;
}

const NONE: ReadonlySet<string> = new Set();

export function ownFeatures(post: Pick<PublishedPost, 'title' | 'tags' | 'lang'>, structure: PostStructure): OwnFeatures {
  return {
    sections: sectionFingerprints(structure.sections, { boilerplate: NONE }),
    signature: postSignature(mainTextBlocks(structure.blocks, NONE)),
    vector: extractTerms(termInput(post, structure, NONE, [])),
  };
}
