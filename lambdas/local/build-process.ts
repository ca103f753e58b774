import { ownFeatures } from '../core/own-features.js';
import { processPost, type PostSource } from '../core/post.js';
import { postStructure } from '../core/post-view.js';
import type { SiteConfig } from '../core/types.js';
import type { ProcessedPost } from './direct-build-worker.js';

/**
 * One post as the in-process build keeps it: parsed and rendered, the tree reduced to its structure, and what the
 * corpus step derives from the post's own text computed here, on the worker, rather than on the main thread.
 */
export function processForBuild(source: PostSource, config: SiteConfig): ProcessedPost {
  const outcome = processPost(source, config);
  if (outcome.status !== 'published') return outcome;
  const structure = postStructure(outcome.body);
  return {
    status: 'published', post: outcome.post, dedupe: outcome.dedupe, messages: outcome.messages,
    structure: { ...structure, own: ownFeatures(outcome.post, structure) },
  };
}
