import { readFileSync } from 'node:fs';
import type { Root } from 'mdast';
import { parseMarkdown } from '../../lambdas/core/markdown.js';
import { renderHtml } from '../../lambdas/core/markdown-render.js';

export const SEED_POST = new URL('../../content/how-ketamine-and-antidepressants-differs.md', import.meta.url);
export const seedText = (): string => readFileSync(SEED_POST, 'utf8');

export const VOCABULARY = (
  'river stone garden window paper light engine silver market winter harbor forest candle mirror letter ' +
  'bridge castle meadow pocket signal basket dragon feather ladder marble needle orchard pepper quarry ' +
  'saddle thunder velvet walnut yellow anchor bottle cotton desert echo fabric glacier hammer island jungle ' +
  'kettle lemon magnet nectar ocean pillow quartz ribbon shadow timber umbrella valley wagon xylophone yogurt ' +
  'zebra acorn blossom canyon dolphin ember falcon granite horizon ivory jasmine kayak lantern mosaic nutmeg ' +
  'oyster prairie quiver raven sapphire tulip utensil violet willow yarrow zenith amber breeze copper ' +
  'daisy elbow fossil goblet hazel iris juniper kernel lotus maple nickel olive parsley quill ripple ' +
  'spruce tangle urchin vapor wheat yonder zinc apricot bramble cedar drift easel fern gravel heron'
).split(' ');

/** Deterministic pseudo-random words: the same seed always gives the same text. */
export function wordsFrom(seed: number, count: number): string[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state;
  };
  return Array.from({ length: count }, () => VOCABULARY[next() % VOCABULARY.length]!);
}

/** A sentence-cased paragraph of `count` generated words. */
export function paragraph(seed: number, count: number): string {
  const text = wordsFrom(seed, count).join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export const md = (body: string): Root => parseMarkdown(body);
export const render = (tree: Root): string => renderHtml(tree);

/** Ids of the h2–h6 elements of rendered HTML, in document order. */
export const htmlHeadingIds = (html: string): string[] =>
  [...html.matchAll(/<h[2-6][^>]*\sid="([^"]*)"/g)].map((match) => match[1]!);

export const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;
