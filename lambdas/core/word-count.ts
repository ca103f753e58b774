/**
 * Words of a post's text as Unicode word segmentation (UAX #29, as ICU implements it) counts them: `don't`, `3.14`,
 * `snake_case` and `e.g` are one word each; `a.1` is two. `Intl.Segmenter` gives that for any script, but it costs
 * about a microsecond per segment (punctuation and spaces included), and in V8 that cost grows with the length of
 * the text segmented (each step is linear in it: 2 µs a segment in 4,000 characters, 19 µs in 100,000), so one long
 * block took quadratic time: a 140 KB release-notes list, 6.7 s. Most paragraphs are plain ASCII (96% of the
 * paragraphs of the Rust blog corpus), where the rules come down to a few character classes, so those are counted by
 * a scanner that applies the same rules. Other text is cut into pieces where no word can span the cut, the segmenter
 * counts the pieces around non-ASCII characters (at most `MAX_PIECE` characters each) and the scanner the rest. A
 * property test holds the scanner and the cuts to the segmenter's answers.
 */

/**
 * Made on first use: the first segmenter of a process costs ~9 ms (ICU data), too much for a handler's import.
 * The locale is fixed (word boundaries do not depend on it for these rules): counts must not depend on the machine.
 */
let segmenter: Intl.Segmenter | undefined;

export function countWords(blocks: readonly string[]): number {
  let words = 0;
  for (const block of blocks) words += isAscii(block) ? countAsciiWords(block) : countMixedWords(block);
  return words;
}

/**
 * Longest piece given to the segmenter. Text with no cut for longer than this (100,000 characters without a space
 * or an ideographic full stop; no real prose) is cut here anyway: a word there may count twice.
 */
const MAX_PIECE = 2000;
const NON_ASCII_FROM = /[^\u0000-\u007f]/g;

/**
 * Words of a text with non-ASCII characters: the segmenter counts each piece around them, from the cut before to
 * the cut after, and the scanner the ASCII text between.
 */
function countMixedWords(text: string): number {
  let words = 0;
  let done = 0; // the text before this is counted; a cut (or the start)
  NON_ASCII_FROM.lastIndex = 0;
  for (let match = NON_ASCII_FROM.exec(text); match; match = NON_ASCII_FROM.exec(text)) {
    let from = match.index;
    const lowest = Math.max(done, match.index - MAX_PIECE / 2);
    while (from > lowest && !isCut(text, from)) from--;
    if (from === lowest && from !== done && !isCut(text, from)) from = whole(text, from);
    let to = match.index + 1;
    const highest = Math.min(text.length, from + MAX_PIECE);
    while (to < highest && !isCut(text, to)) to++;
    if (to === highest) to = whole(text, to);
    words += countAsciiWords(text.slice(done, from)) + countSegmentedWords(text.slice(from, to));
    done = to;
    NON_ASCII_FROM.lastIndex = to;
  }
  return words + countAsciiWords(text.slice(done));
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * A cut: a position where UAX #29 breaks and no rule looks across, so each side segments as it does in the whole.
 * It follows a space (ASCII whitespace or U+3000), an ideographic comma or full stop, or a fullwidth `!` or `?`
 * (all "Other" or "WSegSpace" for word breaks, and never part of a dictionary run of CJK or Thai text) and comes
 * before a printable ASCII character or a letter or digit. No rule joins those (WB3d joins two spaces, WB4 attaches
 * marks and format characters: neither comes after a cut), and the rules that look two characters ahead or behind
 * (WB6/7, WB7b/c, WB11/12) need a letter or digit next to a middle character, which a space or a full stop is not.
 * The halfwidth katakana sound marks are letters that count as marks (Extend): never after a cut.
 */
function isCut(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1);
  if (!(before === 0x20 || before === 0x09 || before === 0x0a || before === 0x0d
    || before === 0x3000 || before === 0x3001 || before === 0x3002 || before === 0xff01 || before === 0xff1f)) return false;
  const at = text.charCodeAt(index);
  if (at > 0x20 && at < 0x7f) return true;
  if (at < 0x80 || at === 0xff9e || at === 0xff9f) return false;
  return LETTER_OR_DIGIT.test(String.fromCodePoint(text.codePointAt(index)!));
}

/** `index`, or one less when it would split a surrogate pair. */
function whole(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return index > 0 && index < text.length && code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
}

function countSegmentedWords(text: string): number {
  let words = 0;
  segmenter ??= new Intl.Segmenter('en', { granularity: 'word' });
  for (const part of segmenter.segment(text)) if (part.isWordLike) words++;
  return words;
}

const NON_ASCII = /[^\u0000-\u007f]/;

function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** UAX #29 word-break classes of the ASCII characters that matter; everything else breaks and is not a word. */
const Kind = { Other: 0, Letter: 1, Digit: 2, Underscore: 3, MidLetter: 4, MidNum: 5, MidNumLet: 6 } as const;

const KINDS = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code);
  KINDS[code] = /[A-Za-z]/.test(char) ? Kind.Letter
    : /[0-9]/.test(char) ? Kind.Digit
      : char === '_' ? Kind.Underscore
        : char === ':' ? Kind.MidLetter
          : char === ',' || char === ';' ? Kind.MidNum
            : char === '.' || char === "'" ? Kind.MidNumLet
              : Kind.Other;
}

const isWordChar = (kind: number) => kind === Kind.Letter || kind === Kind.Digit || kind === Kind.Underscore;

/**
 * Letters, digits and `_` never break between each other (WB5, WB8–WB10, WB13a/b). A middle character joins two
 * letters (`:` `.` `'`, WB6/7) or two digits (`,` `;` `.` `'`, WB11/12). A segment is word-like when it holds a
 * letter or a digit, or (ICU's rule status) two or more underscores.
 */
function countAsciiWords(text: string): number {
  let words = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    let kind = KINDS[text.charCodeAt(i)]!;
    if (!isWordChar(kind)) {
      i++;
      continue;
    }
    let hasLetterOrDigit = kind !== Kind.Underscore;
    let size = 1;
    i++;
    while (i < length) {
      const next = KINDS[text.charCodeAt(i)]!;
      if (isWordChar(next)) {
        kind = next;
        if (next !== Kind.Underscore) hasLetterOrDigit = true;
        size++;
        i++;
        continue;
      }
      const after = i + 1 < length ? KINDS[text.charCodeAt(i + 1)]! : Kind.Other;
      const joinsLetters = kind === Kind.Letter && after === Kind.Letter && (next === Kind.MidLetter || next === Kind.MidNumLet);
      const joinsDigits = kind === Kind.Digit && after === Kind.Digit && (next === Kind.MidNum || next === Kind.MidNumLet);
      if (!joinsLetters && !joinsDigits) break;
      kind = after;
      size += 2;
      i += 2;
    }
    if (hasLetterOrDigit || size >= 2) words++;
  }
  return words;
}
