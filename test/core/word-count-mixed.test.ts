import { describe, expect, it } from 'vitest';
import { countWords } from '../../lambdas/core/word-count.js';
import { prng } from '../support/prng.js';

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });
/**
 * The reference: every word-like segment Intl.Segmenter finds in the whole text. Each segment's `isWordLike` is read
 * while the iteration stands on it: read afterwards (`[...segments].filter(...)`) it is the same value, found again by
 * ICU at 20 times the cost on this text.
 */
const segmented = (text: string) => {
  let words = 0;
  for (const part of segmenter.segment(text)) if (part.isWordLike) words++;
  return words;
};

/**
 * Text with non-ASCII characters is counted in pieces (the segmenter around them, the ASCII scanner between, cut
 * after a space or an ideographic full stop before a letter, digit or ASCII character): the pieces must add up to
 * what the segmenter counts in the whole text, whatever sits next to the cuts.
 */
describe('countWords on text with non-ASCII characters', () => {
  const alphabet = ['a', 'Z', '0', '9', '_', '.', "'", '"', ':', ',', ';', ' ', ' ', '\t', '\n', '-', '!', '(', ')', '[', '`', '*',
    'é', 'ß', '’', '“', '\u00a0', '\u0301', '\u200d', '\u200c', '\u00ad', '\u3000', '、', '。', '！', '？', '，', '：',
    '日', '本', '語', 'の', 'を', 'カ', 'ー', 'ｶ', '\uff9e', 'ก', 'า', 'ไ', 'א', 'ב', '٣', '١', '😀', '🇫', '🇷', '👍', '\u{1f3fd}', '𝐀', '𐐀'];
  const randomText = (random: () => number, length: number) =>
    Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]!).join('');

  it('counts what Intl.Segmenter counts on short random mixed text, cuts next to every kind of character', () => {
    const random = prng(29);
    for (let i = 0; i < 30_000; i++) {
      const text = randomText(random, 1 + Math.floor(random() * 16));
      expect(countWords([text]), JSON.stringify(text)).toBe(segmented(text));
    }
  });

  it('counts what Intl.Segmenter counts on long mixed text (pieces up to their longest, then more of them)', () => {
    const random = prng(31);
    const words = ['Michaël', 'Zasso', 'update', 'V8', '6.3.292', 'don’t', '日本語の文章です。', 'テスト、', 'ภาษาไทย', 'שָׁלוֹם', 'x', '(#123)', '**deps**:'];
    for (let i = 0; i < 25; i++) {
      // Mostly words and spaces, with stretches of random characters and of text with no cut at all.
      let text = '';
      while (text.length < 6000) {
        const roll = random();
        text += roll < 0.8 ? `${words[Math.floor(random() * words.length)]} `
          : roll < 0.95 ? randomText(random, 1 + Math.floor(random() * 40))
            : '語'.repeat(1 + Math.floor(random() * 1500));
      }
      expect(Math.abs(countWords([text]) - segmented(text)), text.slice(0, 80)).toBeLessThanOrEqual(Math.floor(text.length / 2000));
      const withCuts = text.replace(/語{400,}/g, (run) => run.replace(/(語{300})/g, '$1。'));
      expect(countWords([withCuts]), withCuts.slice(0, 80)).toBe(segmented(withCuts));
    }
  });

  it('counts a changelog list with authors\' names as the segmenter does', () => {
    const names = ['Michaël Zasso', 'Tobias Nießen', 'Ruben Bridgewater', 'Jérémy Lal', '张三', 'Ali Ijaz Sheikh'];
    const list = Array.from({ length: 120 }, (_, i) => `\\[[\`${(i * 7919).toString(16)}\`](https://github.com/nodejs/node/commit/${i})] - `
      + `**deps**: update V8 to 6.3.292.${i} (${names[i % names.length]}) [#${16000 + i}](https://github.com/nodejs/node/pull/${16000 + i})`).join(' ');
    expect(countWords([list])).toBe(segmented(list));
    expect(countWords(['Don’t split “curly” quotes: 3.14, e.g. snake_case', 'und Grüße'])).toBe(9);
  });
});
