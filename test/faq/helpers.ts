import type { PublishedPost } from '../../lambdas/core/types.js';
import { published } from '../core/helpers.js';

export { md, process, published, rejected, testConfig } from '../core/helpers.js';

export type Json = Record<string, any>;

/** Every JSON-LD block of a page, parsed. */
export function jsonLd(page: string): Json[] {
  return [...page.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((match) => JSON.parse(match[1]!) as Json);
}

/** The FAQPage blocks of a page. */
export function faqPages(page: string): Json[] {
  return jsonLd(page).filter((block) => block['@type'] === 'FAQPage');
}

/** `[question, answer HTML]` of the one FAQPage of a page. */
export function markedUp(page: string): [string, string][] {
  const blocks = faqPages(page);
  if (blocks.length !== 1) throw new Error(`expected one FAQPage, found ${blocks.length}`);
  return (blocks[0]!['mainEntity'] as Json[]).map((question) => [question['name'] as string, question['acceptedAnswer']['text'] as string]);
}

function decode(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

const INLINE = /^(a|b|strong|i|em|code|span|del|sup|sub|img|time)$/i;

/**
 * What a reader sees of some HTML: tags removed (block tags separate words, inline tags do not), entities decoded,
 * whitespace collapsed. Independent of the implementation's own text extraction.
 */
export function visibleText(markup: string): string {
  const withoutHidden = markup.replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, ' ');
  const text = withoutHidden.replace(/<\/?([a-z][a-z0-9]*)\b[^>]*>/gi, (_, tag: string) => (INLINE.test(tag) ? '' : ' '));
  return decode(text).replace(/\s+/g, ' ').trim();
}

/** The `<main>` of a page, as a reader sees it. */
export function visibleMain(page: string): string {
  return visibleText(/<main>([\s\S]*)<\/main>/.exec(page)![1]!);
}

/** Text of a page's headings and bold-only paragraphs: where questions are shown. */
export function questionLikeTexts(page: string): string[] {
  const main = /<main>([\s\S]*)<\/main>/.exec(page)![1]!;
  const headings = [...main.matchAll(/<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]>/g)].map((match) => visibleText(match[1]!));
  const bold = [...main.matchAll(/<p><strong>([\s\S]*?)<\/strong>/g)].map((match) => visibleText(match[1]!));
  return [...headings, ...bold];
}

export function post(text: string, key = 'post.md'): PublishedPost {
  return published(text, key).post;
}

/** Enough words that the short-content warning stays out of the way. */
export const LONG_TEXT = Array.from({ length: 320 }, (_, i) => `word${i}`).join(' ');
