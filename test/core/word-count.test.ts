import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countWords } from '../../lambdas/core/word-count.js';
import { prng } from '../support/prng.js';

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });
/** The reference: every word-like segment Intl.Segmenter finds (`isWordLike` read as the iteration stands on it). */
const segmented = (text: string) => {
  let words = 0;
  for (const part of segmenter.segment(text)) if (part.isWordLike) words++;
  return words;
};

describe('countWords', () => {
  it('counts what Intl.Segmenter counts, on random ASCII text built from every character class that matters', () => {
    const random = prng(17);
    const alphabet = ['a', 'Z', 'q', '0', '9', '_', '.', "'", ':', ',', ';', ' ', '-', '\n', '!', '"', '/', '@', '\u0001', '\u007f'];
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]!).join('');
      expect(countWords([text]), JSON.stringify(text)).toBe(segmented(text));
    }
  });

  it('counts the words of real posts as Intl.Segmenter does, ASCII paragraphs or not', () => {
    const dir = join(import.meta.dirname, '..', '..', 'content');
    const paragraphs = readdirSync(dir).flatMap((name) => readFileSync(join(dir, name), 'utf8').split(/\n\n+/));
    expect(paragraphs.filter((text) => /[^\u0000-\u007f]/.test(text)).length).toBeGreaterThan(5);
    expect(paragraphs.filter((text) => !/[^\u0000-\u007f]/.test(text)).length).toBeGreaterThan(20);
    for (const text of paragraphs) expect(countWords([text]), text.slice(0, 80)).toBe(segmented(text));
    expect(countWords(['Don’t split “curly” quotes: 3.14, e.g. snake_case', 'und Grüße'])).toBe(9);
  });
});
