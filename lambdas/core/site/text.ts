/** Plain-text helpers shared by the pages and feeds. Locale-independent on purpose: output must not depend on ICU data. */
import { canonicalTimestamp } from './timestamps.js';

/** Compare by UTF-16 code units: unlike `localeCompare`, the same on every machine. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/**
 * Shorten `text` to at most `maxChars` code points (emoji and other astral characters are never split),
 * cutting at a word boundary when one is reasonably close, and ending with "…".
 */
export function truncate(text: string, maxChars: number): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(collapsed);
  if (chars.length <= maxChars) return collapsed;
  const cut = chars.slice(0, maxChars - 1).join('');
  // The cut is at a word boundary already when the next character is a space; otherwise drop the partial word.
  const lastSpace = chars[maxChars - 1] === ' ' ? cut.length : cut.lastIndexOf(' ');
  const atWord = lastSpace > cut.length / 2 ? cut.slice(0, lastSpace) : cut;
  return `${atWord.replace(/[\s.,;:!?–—-]+$/u, '')}…`;
}

/** `YYYY-MM-DD` of an ISO timestamp, in UTC, for visible dates (the `datetime` attribute carries the full value). */
export function displayDate(isoTimestamp: string): string {
  return canonicalTimestamp(isoTimestamp).slice(0, 10);
}
