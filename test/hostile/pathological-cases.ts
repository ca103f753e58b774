/**
 * CommonMark's pathological inputs, as cmark's `test/pathological_tests.py` builds them (the current list, plus
 * cmark-gfm's "tables" and "many image openers", the older and larger sizes where they fit, and the
 * "many references" case cmark leaves commented out), each capped so the file fits our 1 MiB size limit.
 * Each input is a post body; the test wraps it in front matter.
 */
export interface PathologicalCase {
  readonly name: string;
  readonly body: string;
}

const MAX_BODY = 1024 * 1024 - 256; // room for the front matter the test adds

/** The largest `count` ≤ `wanted` for which `make(count)` fits in MAX_BODY bytes (binary search, cheap). */
function capped(wanted: number, make: (count: number) => string): string {
  const fits = (n: number) => Buffer.byteLength(make(n)) <= MAX_BODY;
  if (fits(wanted)) return make(wanted);
  let low = 1;
  let high = wanted;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid; else high = mid - 1;
  }
  return make(low);
}

const repeat = (text: string, count: number) => text.repeat(count);

/** cmark's `hash_collisions()`: keys its 16-bucket reference map sends to one bucket. */
function hashCollisions(count: number): string {
  const badHash = (ref: string) => {
    let h = 0;
    for (const c of ref) {
      const a = (h * 64) % 2 ** 32;
      const b = (h * 65536) % 2 ** 32;
      h = (((c.codePointAt(0)! + a + b - h) % 2 ** 32) + 2 ** 32) % 2 ** 32;
    }
    return h % 16 === 0;
  };
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) if (badHash(`x${i}`)) keys.push(`x${i}`);
  const [badKey, ...rest] = keys;
  return rest.map((key) => `[${key}]: /url\n\n[${badKey}]\n\n`).join('');
}

export const PATHOLOGICAL_CASES: readonly PathologicalCase[] = [
  { name: 'nested strong emph', body: capped(65000, (n) => repeat('*a **a ', n) + 'b' + repeat(' a** a*', n)) },
  { name: 'many emph closers with no openers', body: repeat('a_ ', 65000) },
  { name: 'many emph openers with no closers', body: repeat('_a ', 65000) },
  { name: 'many link closers with no openers', body: repeat('a]', 65000) },
  { name: 'many link openers with no closers', body: repeat('[a', 65000) },
  { name: 'mismatched openers and closers', body: repeat('*a_ ', 50000) },
  { name: 'issue #389', body: repeat('*a ', 20000) + repeat('_a*_ ', 20000) },
  { name: 'openers and closers multiple of 3', body: 'a**b' + repeat('c* ', 50000) },
  { name: 'link openers and emph closers', body: repeat('[ a_', 50000) },
  { name: 'pattern [ (]( repeated', body: repeat('[ (](', 80000) },
  { name: 'pattern ![[]() repeated', body: repeat('![[]()', 160000) },
  { name: 'hard link/emph case', body: '**x [a*b**c*](d)' },
  { name: 'nested brackets', body: repeat('[', 50000) + 'a' + repeat(']', 50000) },
  { name: 'nested block quotes', body: repeat('> ', 50000) + 'a' },
  { name: 'deeply nested lists', body: capped(1000, (n) => Array.from({ length: n }, (_, x) => `${'  '.repeat(x)}* a\n`).join('')) },
  { name: 'U+0000 in input', body: 'abc\u0000de\u0000' },
  { name: 'backticks', body: capped(10000, (n) => Array.from({ length: n - 1 }, (_, i) => `e${'`'.repeat(i + 1)}`).join('')) },
  { name: 'unclosed links A', body: repeat('[a](<b', 50000) },
  { name: 'unclosed links B', body: repeat('[a](b', 50000) },
  { name: 'unclosed <!--', body: capped(300000, (n) => '</' + repeat('<!--', n)) },
  { name: 'empty lines in deeply nested lists', body: repeat('- ', 30000) + 'x' + repeat('\n', 30000) },
  { name: 'empty lines in deeply nested lists in blockquote', body: '> ' + repeat('- ', 30000) + 'x\n' + repeat('>\n', 30000) },
  { name: 'emph in deep blockquote', body: repeat('>', 100000) + repeat('a*', 100000) },
  { name: 'reference collisions', body: hashCollisions(25000) },
  { name: 'many references', body: capped(50000 * 16, (n) => Array.from({ length: n - 1 }, (_, i) => `[${i + 1}]: u\n`).join('') + repeat('[0] ', 50000)) },
  { name: 'nested inlines', body: repeat('*', 20000) + 'a' + repeat('*', 20000) },
  { name: 'tables (cmark-gfm)', body: repeat('aaa\rbbb\n-\v\n', 30000) },
  { name: 'many image openers (cmark-gfm)', body: repeat('![p', 100000) + '\n' },
  // Our additions from the issue: nested inline links, one long backtick run, long emphasis runs.
  { name: 'nested inline links', body: repeat('[', 25000) + 'a' + repeat('](u)', 25000) },
  { name: 'one run of 100,000 backticks', body: 'e' + repeat('`', 100000) + 'a' },
  { name: 'long emphasis run *a', body: repeat('*a', 200000) },
  { name: 'long emphasis run _', body: repeat('_', 500000) + 'a' },
];
