import { error } from './messages.js';
import type { PostMessage } from './types.js';

/**
 * Limits that keep one hostile or pathological post from hurting the others. Pure: no clock, no environment.
 * The time budget itself is enforced by `services/post-worker.ts`, which runs parse + render in a worker thread.
 */

/**
 * Time budget for parsing and rendering one post: what every post gets, however short or strange. Ordinary
 * markdown adds to it with its length (`renderBudgetMs`); markdown whose structure can take quadratic time does not.
 */
export const DEFAULT_RENDER_TIMEOUT_MS = 2000;

/**
 * Members of a corpus index bucket that any read returns or counts at most: document frequencies count up to
 * this, related-post candidates come from these.
 */
export const DEFAULT_MAX_BUCKET_MEMBERS = 200;

/**
 * Members stored per bucket: its first ones by sort key, the same in every store. More than any read needs, so
 * what a site's history removed from a full bucket does not change what reads see: a stored bucket is always the
 * head of the bucket a fresh build would make, and reads stay exact until 200 of its first members went without a
 * replacement (a bucket's members beyond its capacity are not kept, so a removal cannot bring one back). Buckets
 * whose postings carry signatures (sections, whole posts: ~1 KB each) keep fewer, to stay within DynamoDB's
 * 400 KB item; they are read 50 at a time.
 */
export function bucketCapacity(bucket: string): number {
  return bucket.startsWith('sec:') || bucket.startsWith('post:') ? 200 : 400;
}

/** Deepest nesting of block quotes and lists a post may use; real posts stay under 10. */
export const MAX_BLOCK_NESTING = 100;

/** The author-facing message when a post could not be rendered within the time budget. */
export function renderTimeoutMessage(timeoutMs: number): PostMessage {
  return error('markdown:too-complex',
    `The markdown is too complex to render within ${formatSeconds(timeoutMs)}; simplify deeply nested lists/quotes or long runs of *, _, [ or \`.`);
}

/** The author-facing message when rendering needed more memory (or stack) than a post may use. */
export function renderResourceMessage(what: 'memory' | 'stack'): PostMessage {
  return error('markdown:too-complex', what === 'memory'
    ? 'The markdown needs too much memory to render; simplify deeply nested lists/quotes or long runs of *, _, [ or `.'
    : 'The markdown is nested too deeply to render; simplify deeply nested lists/quotes, links or emphasis (*, _, [ or `).');
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}


/**
 * What each 1,024 characters of ordinary markdown (see `ordinaryMarkdownChars`) add to the budget.
 *
 * Why the budget grows with length: a post must not be lost for being long. Parsing, rendering and the post's own
 * features take time linear in the length of well-formed markdown: ~3 ms per KiB warm and 4–5 ms cold (the first post
 * of a fresh worker) for list-heavy release notes on a 2-core EPYC (`npm run bench -- --sections length`), so a
 * 1 MiB changelog needs 3–5 s, past a flat 2 s. 10 ms per KiB leaves two to three times that for a slower CPU (a
 * 1 GB Lambda function has about 0.6 of a vCPU) or a machine busy with other work: a 1 MiB post of ordinary
 * markdown gets 2 s + 10.2 s.
 *
 * Why only ordinary markdown earns it: CommonMark's pathological inputs (cmark's list: runs of `*`, `_`, `[`, `` ` ``,
 * `<!--` in one paragraph, thousands of setext headings or reference definitions) take time quadratic in the size of
 * the one paragraph, or in the count of headings or definitions, they sit in. They earn nothing and keep the base
 * budget (and its message), so they are still stopped at 2 s. The scan is a heuristic in one direction only: markdown
 * made to look ordinary to it gets at most the allowance of its length before it is stopped (12.2 s at 1 MiB).
 */
export const RENDER_MS_PER_ORDINARY_KIB = 10;

/** Longest paragraph (or heading, list item, table row) whose text counts as ordinary: real ones stay under 4 KiB. */
export const MAX_ORDINARY_BLOCK_CHARS = 8 * 1024;

/**
 * More reference definitions than this, or setext headings, and nothing in the post counts as ordinary: the parser
 * looks each definition up in a list, and rewrites its event list for each setext heading (quadratic in their
 * count; 25,000 definitions take 7 s, 5,000 setext headings 3 s). Real posts have tens.
 */
export const MAX_ORDINARY_DEFINITIONS = 2000;
export const MAX_ORDINARY_SETEXT_HEADINGS = 1000;

/**
 * The time budget for one post: `baseMs`, plus `msPerKib` for each whole 1,024 characters of ordinary markdown.
 * Pure and linear (a scan of the lines); the worker pool measures the time.
 */
export function renderBudgetMs(text: string, baseMs = DEFAULT_RENDER_TIMEOUT_MS, msPerKib = RENDER_MS_PER_ORDINARY_KIB): number {
  return baseMs + msPerKib * Math.floor(ordinaryMarkdownChars(text) / 1024);
}

const QUOTE_MARKERS = /^(?: {0,3}>[ \t]?)+/;
const BULLET_ITEM = /^[-+*][ \t]+\S/;
const ORDERED_ITEM = /^(\d{1,9})[.)][ \t]+\S/;
const ATX_HEADING = /^#{1,6}(?:[ \t]|$)/;
const FENCE_OPENING = /^(`{3,})[^`]*$|^(~{3,})/;
const THEMATIC_BREAK_LINE = /^([-*_])[ \t]*(?:\1[ \t]*){2,}$/;
const SETEXT_UNDERLINE = /^(?:=+|-+)[ \t]*$/;
const DEFINITION_LINE = /^\[(?:[^\]\\]|\\.){1,999}\]:/;
const TABLE_DELIMITER_ROW = /^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/**
 * Characters of `text` in ordinary blocks: paragraphs, headings, list items and table rows of at most
 * `MAX_ORDINARY_BLOCK_CHARS` each (inline markup is parsed in each on its own, so a quadratic pattern inside one
 * costs at most what its length allows), and fenced code; or 0 when the post has more reference definitions or
 * setext headings than real posts have. A block ends at a blank line, and a new one starts at a line that starts a
 * block even in the middle of a paragraph: a bullet, `1.` (any number in a list or after a blank line), an ATX
 * heading, a fence, a thematic break or setext underline, any row of a table. Block quote markers are looked
 * through; outside a list, a line indented 4 or more columns continues the paragraph (as CommonMark's lazy
 * continuation lines do). Nothing is parsed: one scan of the lines, linear in the text.
 */
export function ordinaryMarkdownChars(markdown: string): number {
  const text = markdown.includes('\r') ? markdown.replace(/\r\n?/g, '\n') : markdown;
  let ordinary = 0;
  let definitions = 0;
  let setextHeadings = 0;
  let block = 0; // characters of the block being read
  let blockLines = 0;
  let inList = false;
  let inTable = false;
  let previous = '';
  // The open code fence: its marker (``` or ~~~, at least as long closes it) and whether it is inside a block quote.
  let fence: { readonly marker: string; readonly quoted: boolean } | undefined;
  const close = () => {
    if (block <= MAX_ORDINARY_BLOCK_CHARS) ordinary += block;
    block = 0;
    blockLines = 0;
  };
  for (let lineStart = 0; lineStart < text.length;) {
    let end = text.indexOf('\n', lineStart);
    if (end === -1) end = text.length;
    const line = text.slice(lineStart, end);
    const size = Math.min(end + 1, text.length) - lineStart;
    lineStart = end + 1;
    const quoted = QUOTE_MARKERS.exec(line);
    const unquoted = quoted ? line.slice(quoted[0].length) : line;
    const content = unquoted.trimStart();

    if (fence) {
      if (fence.quoted && !quoted) {
        fence = undefined; // the block quote ended, and the fence with it: this line is read below
      } else {
        ordinary += size; // code: no inline markup
        if (content.startsWith(fence.marker) && content.replace(/[ \t]+$/, '').split('').every((c) => c === fence!.marker[0])) fence = undefined;
        continue;
      }
    }
    if (content === '') {
      close();
      ordinary += size;
      inTable = false;
      previous = '';
      continue;
    }
    const indent = columnOf(unquoted, unquoted.length - content.length);
    let starts = false;
    if (inTable) {
      starts = true;
    } else if (indent < 4 || inList) {
      const ordered = ORDERED_ITEM.exec(content);
      const opening = FENCE_OPENING.exec(content);
      if (BULLET_ITEM.test(content) || (ordered && (ordered[1] === '1' || inList || blockLines === 0))) {
        starts = true;
        inList = true;
      } else if (opening) {
        close();
        ordinary += size;
        fence = { marker: opening[1] ?? opening[2]!, quoted: quoted !== null };
        previous = '';
        continue;
      } else if (blockLines > 0 && SETEXT_UNDERLINE.test(content)) {
        setextHeadings++;
        starts = true;
      } else if (ATX_HEADING.test(content) || THEMATIC_BREAK_LINE.test(content)) {
        starts = true;
      } else if (blockLines > 0 && previous.includes('|') && content.includes('|') && TABLE_DELIMITER_ROW.test(content)) {
        inTable = true;
        starts = true;
      } else if (DEFINITION_LINE.test(content)) {
        definitions++;
      } else if (indent === 0 && blockLines === 0) {
        inList = false; // a paragraph at the margin after a blank line: any list before it has ended
      }
    }
    if (starts) close();
    block += size;
    blockLines++;
    previous = content;
  }
  close();
  return definitions > MAX_ORDINARY_DEFINITIONS || setextHeadings > MAX_ORDINARY_SETEXT_HEADINGS ? 0 : ordinary;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
// One container marker: a block quote `>` or a list bullet / ordered marker followed by a space, a tab or the end.
const CONTAINER_MARKER = /[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$))[ \t]?/y;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^([ \t]*)([-+*]|\d{1,9}[.)])([ \t]+|$)/;

/**
 * A cheap, linear scan for block nesting deeper than `maxDepth`, before any parsing: markdown parsers and the
 * tree walkers after them recurse once per level, so 50,000 `>` or a thousand indented `*` overflow the stack
 * (or take minutes). Counts block-quote and list markers at the start of each line (`> > - >`) plus the
 * enclosing list items implied by indentation. It never over-counts ordinary text; code fences are skipped.
 * Returns the error for the first line that is too deep, or `undefined`.
 */
export function checkBlockNesting(text: string, maxDepth = MAX_BLOCK_NESTING): PostMessage | undefined {
  // Content columns of the list items that enclose the current line, innermost last.
  const openItems: number[] = [];
  let fence: string | undefined;
  let lineStart = 0;
  for (let line = 1; lineStart <= text.length; line++) {
    const newline = text.indexOf('\n', lineStart);
    const end = newline === -1 ? text.length : newline;
    const current = text.slice(lineStart, end);
    lineStart = end + 1;

    const fenceMatch = FENCE.exec(current);
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length) fence = undefined;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      continue;
    }
    if (current.trim() === '' || THEMATIC_BREAK.test(current)) continue;

    const indent = columnOf(current, current.length - current.trimStart().length);
    while (openItems.length > 0 && openItems.at(-1)! > indent) openItems.pop();

    let markers = 0;
    CONTAINER_MARKER.lastIndex = 0;
    while (CONTAINER_MARKER.lastIndex < current.length && CONTAINER_MARKER.test(current)) {
      markers++;
      if (openItems.length + markers > maxDepth) return nestingError(line, maxDepth);
    }
    const item = LIST_ITEM.exec(current);
    if (item) openItems.push(columnOf(current, item[1]!.length) + item[2]!.length + Math.max(1, item[3]!.length));
    if (openItems.length > maxDepth) return nestingError(line, maxDepth);
    if (newline === -1) break;
  }
  return undefined;
}

function nestingError(line: number, maxDepth: number): PostMessage {
  return error('markdown:nesting',
    `Block quotes or lists are nested more than ${maxDepth} levels deep here; flatten them (real posts rarely need more than 3 or 4 levels).`, line);
}

/** Column of `index` in `line`, with tabs to the next multiple of 4 as CommonMark counts them. */
function columnOf(line: string, index: number): number {
  let column = 0;
  for (let i = 0; i < index; i++) column = line[i] === '\t' ? column + 4 - (column % 4) : column + 1;
  return column;
}

/** Deepest nesting of lists and maps front matter may use; real front matter needs 3 (a `faq:` entry). */
export const MAX_FRONT_MATTER_NESTING = 20;

/**
 * A cheap scan of the YAML front matter for nesting deeper than `maxDepth`, before the YAML parser sees it:
 * `[[[[…` or ten thousand indented keys make the parser recurse once per level and fail with a stack overflow
 * (reported once per level). Counts open flow collections (`[`, `{`, outside quoted strings and comments) and
 * the block collections implied by indentation (and `- - -` on one line). Returns the error for the first
 * line that is too deep, or `undefined`.
 * @param firstLine the file line of the first YAML line, so the message points into the file
 */
export function checkFrontMatterNesting(yaml: string, firstLine: number, maxDepth = MAX_FRONT_MATTER_NESTING): PostMessage | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | undefined;
  let blockScalarIndent: number | undefined;
  const lines = yaml.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const indent = line.length - line.trimStart().length;
    if (line.trim() === '' || (quote === undefined && flow === 0 && line.trimStart().startsWith('#'))) continue;
    if (blockScalarIndent !== undefined) {
      if (indent > blockScalarIndent) continue; // content of a `|` or `>` scalar: text, not structure
      blockScalarIndent = undefined;
    }
    if (quote === undefined && flow === 0) {
      while (indents.length > 0 && indents.at(-1)! >= indent) indents.pop();
      indents.push(indent);
      const dashes = /^(?:-[ \t]+)+/.exec(line.trimStart())?.[0].match(/-/g)?.length ?? 0;
      if (indents.length + Math.max(0, dashes - 1) > maxDepth) return frontMatterNestingError(firstLine + index, maxDepth);
    }
    let valueStart = true; // at a place where a flow collection or a quoted scalar may begin
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote !== undefined) {
        if (quote === '"' && c === '\\') i++;
        else if (c === quote) {
          if (quote === "'" && line[i + 1] === "'") i++;
          else quote = undefined;
        }
        continue;
      }
      if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break;
      if ((c === '"' || c === "'") && valueStart) {
        quote = c;
        continue;
      }
      if ((c === '[' || c === '{') && (valueStart || flow > 0)) {
        flow++;
        if (indents.length + flow > maxDepth) return frontMatterNestingError(firstLine + index, maxDepth);
        valueStart = true;
        continue;
      }
      if ((c === ']' || c === '}') && flow > 0) flow--;
      if (c === ' ' || c === '\t') continue;
      valueStart = c === ':' || c === '-' || c === ',' || c === '?' || (flow > 0 && (c === '[' || c === '{'));
    }
    if (quote === undefined && flow === 0 && /(?:^|[:\-][ \t]+)[|>][+-]?\d?[ \t]*(?:#.*)?$/.test(line.trimStart())) blockScalarIndent = indent;
  }
  return undefined;
}

function frontMatterNestingError(line: number, maxDepth: number): PostMessage {
  return error('front-matter:nesting',
    `Front matter nests lists or maps more than ${maxDepth} levels deep here; front matter is a flat list of \`field: value\` lines.`, line);
}
