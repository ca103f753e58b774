import { afterAll, describe, expect, it } from 'vitest';
import { decodeSource } from '../../lambdas/core/decode.js';
import {
  checkBlockNesting, DEFAULT_RENDER_TIMEOUT_MS, MAX_ORDINARY_BLOCK_CHARS, MAX_ORDINARY_DEFINITIONS, MAX_ORDINARY_SETEXT_HEADINGS, ordinaryMarkdownChars,
  RENDER_MS_PER_ORDINARY_KIB, renderBudgetMs,
} from '../../lambdas/core/limits.js';
import { PostWorkerPool } from '../../lambdas/services/post-worker.js';
import { changelogPost } from '../../bench/changelog.js';
import { config, source } from './hostile-helpers.js';
import { PATHOLOGICAL_CASES } from './pathological-cases.js';

/**
 * Length is not complexity: a long, well-formed post (a 1 MiB release-notes changelog) is published through the
 * worker pool with the default budget, because its budget grows with its ordinary markdown; CommonMark's
 * pathological inputs earn no allowance and keep the base budget (pathological.test.ts holds them to it in time).
 * No timing assertions: what is checked is the budget each post gets and the outcome.
 */
const decoded = (text: string) => {
  const result = decodeSource(new TextEncoder().encode(text), config.maxPostBytes);
  if (!result.ok) throw new Error(result.messages[0]!.reason);
  return result.text;
};

describe('the time budget grows with ordinary markdown, not with pathological structure', () => {
  it('gives every pathological case the base budget, and so the same "within 2 s" message', () => {
    for (const c of PATHOLOGICAL_CASES) {
      const bytes = new TextEncoder().encode(`---\ntitle: Pathological\n---\n\n${c.body}\n`);
      const result = decodeSource(bytes, config.maxPostBytes);
      // Rejected before parsing, so never timed: file:binary, and the nesting the guard stops (markdown:nesting).
      if (!result.ok || checkBlockNesting(result.text)) continue;
      expect(renderBudgetMs(result.text), c.name).toBe(DEFAULT_RENDER_TIMEOUT_MS);
    }
  });

  it('counts a changelog as ordinary markdown, almost all of it, at every size', () => {
    for (const kib of [100, 500, 1024]) {
      const text = changelogPost(kib * 1024);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(kib * 1024);
      expect(Buffer.byteLength(text)).toBeGreaterThan(kib * 1024 - 512);
      expect(ordinaryMarkdownChars(text) / text.length, `${kib} KiB`).toBeGreaterThan(0.99);
    }
    const mib = changelogPost(config.maxPostBytes);
    expect(renderBudgetMs(mib)).toBe(DEFAULT_RENDER_TIMEOUT_MS + RENDER_MS_PER_ORDINARY_KIB * Math.floor(ordinaryMarkdownChars(mib) / 1024));
    expect(renderBudgetMs(mib)).toBeGreaterThan(12_000);
  });

  it('counts what real long posts are made of: paragraphs, nested lists, quotes, tables, fenced code', () => {
    const part = [
      '## A section', '', 'A paragraph with *emphasis*, a [link](https://example.com) and `code`,', 'wrapped over two lines.', '',
      '- an item', '  - a nested item with **strong** text', '    continued lazily', '1. an ordered item', '2. and the next', '',
      '> a quote', '> over two lines', '> - with a list in it', '',
      '| a | b |', '| - | :-: |', '| *x* | [y](u) |', '| z | w |', '',
      '```js', 'const x = 1; // *not* emphasis', '# not a heading', '```', '',
      'Title in setext style', '---------------------', '', '',
    ].join('\n');
    const text = part.repeat(MAX_ORDINARY_SETEXT_HEADINGS);
    expect(ordinaryMarkdownChars(text)).toBe(text.length);
    // A paragraph longer than a real one counts for nothing; the rest still counts.
    const long = `${'word '.repeat(MAX_ORDINARY_BLOCK_CHARS / 5 + 1)}\n\n`;
    expect(ordinaryMarkdownChars(`${long}${part}`)).toBe('\n'.length + part.length); // the blank line after it counts
    // So do its lines when they only look like block starts: indented 4 (lazy continuation) or `2.` mid-paragraph.
    const lazy = `text\n${'    - *a **a\n2. *a **a\n'.repeat(2000)}`;
    expect(ordinaryMarkdownChars(lazy)).toBe(0);
    // A fence closed by the end of its block quote: what follows is not code.
    const quotedFence = `> \`\`\`\n${'*a **a '.repeat(2000)}\n`;
    expect(ordinaryMarkdownChars(quotedFence)).toBe('> ```\n'.length);
  });

  it('gives nothing to a post with more reference definitions or setext headings than real posts have', () => {
    const definitions = (n: number) => `${Array.from({ length: n }, (_, i) => `[d${i}]: https://example.com/${i}\n`).join('')}\n${'A paragraph.\n\n'.repeat(100)}`;
    expect(ordinaryMarkdownChars(definitions(MAX_ORDINARY_DEFINITIONS))).toBeGreaterThan(0);
    expect(ordinaryMarkdownChars(definitions(MAX_ORDINARY_DEFINITIONS + 1))).toBe(0);
    const setext = (n: number) => Array.from({ length: n }, (_, i) => `Heading ${i}\n---\n\nText.\n\n`).join('');
    expect(ordinaryMarkdownChars(setext(MAX_ORDINARY_SETEXT_HEADINGS))).toBeGreaterThan(0);
    expect(ordinaryMarkdownChars(setext(MAX_ORDINARY_SETEXT_HEADINGS + 1))).toBe(0);
  });

  it('reads CR line endings as the parser does (decoded text and raw text get the same budget)', () => {
    const text = changelogPost(64 * 1024);
    const crlf = text.replace(/\n/g, '\r\n');
    expect(renderBudgetMs(crlf)).toBe(renderBudgetMs(decoded(crlf)));
    expect(renderBudgetMs(text.replace(/\n/g, '\r'))).toBe(renderBudgetMs(text));
  });
});

describe('a long, well-formed post through the worker pool with the default budget', () => {
  const pool = new PostWorkerPool({ size: 1 });
  afterAll(() => pool.close());

  it('publishes a 1 MiB list-heavy changelog, whole, instead of rejecting it as too complex', async () => {
    const text = changelogPost(config.maxPostBytes);
    const bytes = new TextEncoder().encode(text);
    expect(bytes.byteLength).toBeLessThanOrEqual(config.maxPostBytes);
    expect(bytes.byteLength).toBeGreaterThan(config.maxPostBytes - 512);
    const { outcome, budgetMs } = await pool.processTimed(source('changelog.md', bytes), config);
    expect(budgetMs).toBe(renderBudgetMs(text));
    expect(outcome.messages.filter((m) => m.severity === 'error')).toEqual([]);
    expect(outcome.status).toBe('published');
    if (outcome.status !== 'published') return;
    // Every section and its last commit made it to the page.
    const lastSha = /`([0-9a-f]{10})`\]\([^)]*\)\] - \*\*[^*]+\*\*: [^\n]*\n$/.exec(text)![1]!;
    expect(outcome.body.html).toContain(`<code>${lastSha}</code>`);
    expect(outcome.body.html.match(/<h2 /g)?.length).toBe(text.match(/^## /gm)?.length);
    expect(outcome.post.wordCount).toBeGreaterThan(50_000);
    expect(pool.stats.timedOut).toBe(0);
  });
});
