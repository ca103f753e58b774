import { error } from './messages.js';
import type { PostMessage } from './types.js';

/**
 * Limits that keep one hostile or pathological post from hurting the others. Pure: no clock, no environment.
 * The time budget itself is enforced by `services/post-worker.ts`, which runs parse + render in a worker thread.
 */

/** Time budget for parsing and rendering one post. */
export const DEFAULT_RENDER_TIMEOUT_MS = 2000;

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
