import { resolveSiteConfig } from '../../lambdas/core/config.js';
import { processPost, type PostOutcome } from '../../lambdas/core/post.js';

export const testConfig = resolveSiteConfig({ siteUrl: 'https://blog.example.com', title: 'Test Blog' });

/** Process markdown text as if uploaded under `key`. */
export function process(text: string, key = 'post.md', config = testConfig): PostOutcome {
  return processPost({ key, bytes: new TextEncoder().encode(text) }, config);
}

export function published(text: string, key = 'post.md') {
  const outcome = process(text, key);
  if (outcome.status !== 'published') throw new Error(`expected published, got ${outcome.status}: ${JSON.stringify(outcome.messages)}`);
  return outcome;
}

export function rejected(text: string, key = 'post.md') {
  const outcome = process(text, key);
  if (outcome.status !== 'rejected') throw new Error(`expected rejected, got ${outcome.status}`);
  return outcome;
}

export const md = (frontMatter: string, body = 'Some text for the post body.') => `---\n${frontMatter}\n---\n\n${body}\n`;
