/**
 * Words of a post's text as Unicode word segmentation (UAX #29, as ICU implements it) counts them: `don't`, `3.14`,
 * `snake_case` and `e.g` are one word each; `a.1` is two. `Intl.Segmenter` gives that for any script, but it costs
 * about a microsecond per segment (punctuation and spaces included): 8% of processing a post. Most paragraphs are
 * plain ASCII (96% of the paragraphs of the Rust blog corpus), where the rules come down to a few character classes,
 * so those are counted by a scanner that applies the same rules; any other paragraph goes to the segmenter. A
 * property test holds the scanner to the segmenter's answers.
 */

/**
 * Made on first use: the first segmenter of a process costs ~9 ms (ICU data), too much for a handler's import.
 * The locale is fixed (word boundaries do not depend on it for these rules): counts must not depend on the machine.
 */
let segmenter: Intl.Segmenter | undefined;

export function countWords(blocks: readonly string[]): number {
  let words = 0;
  for (const block of blocks) words += isAscii(block) ? countAsciiWords(block) : countSegmentedWords(block);
  return words;
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
