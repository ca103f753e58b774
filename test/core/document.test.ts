import { describe, expect, it } from 'vitest';
import { buildDocument, documentHtml } from '../../lambdas/core/document.js';
import { parseMarkdown, renderHtml } from '../../lambdas/core/markdown.js';

const text = `---\ntitle: T\n---\n\nIntro *para*.\n\n## First\n\nA [^1] <b>raw</b>\n\n<div>dropped</div>\n\n- one\n- two\n\n## First\n\n\`\`\`js\ncode()\n\`\`\`\n\n[^1]: Footnote.\n`;

describe('post document', () => {
  it('assembles exactly the HTML of the whole-tree render when every block is kept', () => {
    const tree = parseMarkdown(text);
    expect(documentHtml(buildDocument(tree))).toBe(renderHtml(tree));
  });

  it('keeps per-block line, kind, anchors and plain text; raw HTML blocks render empty', () => {
    const doc = buildDocument(parseMarkdown(text));
    expect(doc.blocks.map((b) => [b.kind, b.line])).toEqual([
      ['paragraph', 5], ['heading', 7], ['paragraph', 9], ['html', 11], ['list', 13], ['heading', 16], ['code', 18],
    ]);
    expect(doc.blocks.filter((b) => b.kind === 'heading').map((b) => b.anchor)).toEqual(['first', 'first-1']);
    expect(doc.blocks[0]!.text).toBe('Intro para.');
    expect(doc.blocks[3]!.html).toBe('');
    expect(doc.footnotesHtml).toContain('Footnote.');
  });

  it('drops blocks and inserts HTML where the caller says', () => {
    const doc = buildDocument(parseMarkdown(text));
    const html = documentHtml(doc, (block) => block.kind !== 'list', (index) => (index === 1 ? '<p>inserted</p>' : undefined));
    expect(html).not.toContain('<ul>');
    expect(html.indexOf('<p>inserted</p>')).toBeGreaterThan(html.indexOf('id="first"'));
  });
});
