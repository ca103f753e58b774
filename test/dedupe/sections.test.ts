import { describe, expect, it } from 'vitest';
import { distinctFingerprints, listBlocks, mainTextBlocks, sectionAt, selectBoilerplate, splitSections } from '../../lambdas/core/sections.js';
import { htmlHeadingIds, md, render, seedText } from './helpers.js';

describe('splitSections', () => {
  it('splits the seed post into an empty intro and its four h2 sections with lines and blocks', () => {
    const sections = splitSections(md(seedText()));
    expect(sections.map((s) => [s.id, s.heading, s.depth, s.line, s.blocks.length])).toEqual([
      ['', '', 0, undefined, 0],
      ['ketamine-therapy', 'Ketamine therapy', 2, 13, 5],
      ['antidepressants', 'Antidepressants', 2, 25, 6],
      ['difference-between-ketamine-and-antidepressants', 'Difference Between ketamine and antidepressants', 2, 39, 6],
      ['personalized-ketamine-treatment-with-alternative-pathways', 'Personalized Ketamine Treatment with Alternative Pathways', 2, 53, 2],
    ]);
    expect(sections[2]!.blocks.map((b) => b.line)).toEqual([27, 29, 31, 33, 35, 37]);
    expect(sections[2]!.wordCount).toBeGreaterThan(250);
  });

  it('has an intro before the first heading, and nests subsections inside their parent', () => {
    const tree = md('---\ntitle: T\n---\n\nIntro one.\n\nIntro two.\n\n# Title\n\nUnder h1.\n\n## A\n\nA text.\n\n### A.1\n\nA1 text.\n\n## B\n\nB text.\n');
    const sections = splitSections(tree);
    expect(sections.map((s) => ({ id: s.id, depth: s.depth, parentId: s.parentId, texts: s.blocks.map((b) => b.plain) }))).toEqual([
      { id: '', depth: 0, parentId: undefined, texts: ['Intro one.', 'Intro two.'] },
      { id: 'h1:title', depth: 1, parentId: undefined, texts: ['Under h1.', 'A text.', 'A1 text.', 'B text.'] },
      { id: 'a', depth: 2, parentId: 'h1:title', texts: ['A text.', 'A1 text.'] },
      { id: 'a1', depth: 3, parentId: 'a', texts: ['A1 text.'] },
      { id: 'b', depth: 2, parentId: 'h1:title', texts: ['B text.'] },
    ]);
    expect(sections[0]!.line).toBe(5);
    expect(sections[1]!.anchor).toBeUndefined();
    expect(sections[2]!.anchor).toBe('a');
    expect(sectionAt(sections, sections[3]!.blocks[0]!.index).id).toBe('a1');
  });

  it('gives an intro-only post one section with everything', () => {
    const sections = splitSections(md('Just text.\n\nMore text.'));
    expect(sections).toHaveLength(1);
    expect(sections[0]).toMatchObject({ id: '', start: 0, end: 2, wordCount: 4 });
  });

  it('gives h2–h6 exactly the ids renderHtml gives them', () => {
    const source = [
      '# Title without id', '',
      '## Notes', '', 'text', '',
      '> ## Notes', '>', '> quoted heading takes a slug too', '',
      '## Notes', '', 'text', '',
      '### `code` *and* **strong** [link](https://example.com)', '', 'text', '',
      '## Café & Crème: « été » ![image alt](https://example.com/x.png)', '', 'text', '',
      '- ## Heading in a list', '',
      '## 日本語の見出し　全角', '', 'text', '',
      '## Footnote here[^n]', '', 'text', '',
      '#### Emoji 🎉 and <b>html</b> and trailing #', '', 'text', '',
      'Setext with break  ', 'second line', '------', '', 'text', '',
      '## Notes', '',
      '[^n]: The note.', '',
    ].join('\n');
    const tree = md(source);
    const html = render(tree);
    const fromHtml = htmlHeadingIds(html).filter((id) => id !== 'footnote-label');
    const sections = splitSections(tree).filter((s) => s.depth >= 2);
    // The html has two more headings (in the blockquote and the list) than the top level: they consume slugs.
    expect(fromHtml).toHaveLength(sections.length + 2);
    expect(fromHtml.filter((_, i) => i !== 1 && i !== 5)).toEqual(sections.map((s) => s.id));
    expect(sections.map((s) => s.id)).toContain('notes-2');
    expect(sections.map((s) => s.anchor)).toEqual(sections.map((s) => s.id));
  });

  it('keeps the ids of the seed post as rendered', () => {
    const tree = md(seedText());
    expect(splitSections(tree).slice(1).map((s) => s.id)).toEqual(htmlHeadingIds(render(tree)));
  });
});

describe('blocks', () => {
  it('keeps list items and table cells apart as words', () => {
    const blocks = listBlocks(md('- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n\n> quoted\n>\n> twice'));
    expect(blocks.map((b) => [b.kind, b.plain, b.wordCount])).toEqual([
      ['list', 'one two', 2],
      ['table', 'a b c d', 4],
      ['blockquote', 'quoted twice', 2],
    ]);
  });

  it('selects main text without boilerplate, code or html', () => {
    const tree = md('Real text of the post.\n\n```js\nlet x = 1;\n```\n\n<div>raw</div>\n\nSubscribe to our newsletter!\n\n[ref]: https://example.com');
    const blocks = listBlocks(tree);
    const boilerplate = new Set([blocks.find((b) => b.plain.startsWith('Subscribe'))!.fingerprint]);
    expect(mainTextBlocks(blocks, boilerplate).map((b) => b.plain)).toEqual(['Real text of the post.']);
    expect(mainTextBlocks(blocks, boilerplate, { includeCode: true }).map((b) => b.kind)).toEqual(['paragraph', 'code']);
    expect(mainTextBlocks(blocks, new Set()).map((b) => b.plain)).toEqual(['Real text of the post.', 'Subscribe to our newsletter!']);
  });

  it('counts each fingerprint once per post and calls text in 3+ posts boilerplate', () => {
    const a = distinctFingerprints(listBlocks(md('Hello there.\n\nSubscribe now!\n\nSubscribe NOW\n\n***')));
    expect(a).toHaveLength(2);
    const counts = new Map<string, number>();
    const posts = [a, distinctFingerprints(listBlocks(md('Subscribe now!'))), distinctFingerprints(listBlocks(md('Other.\n\nsubscribe now')))];
    for (const fps of posts) for (const fp of fps) counts.set(fp, (counts.get(fp) ?? 0) + 1);
    const boilerplate = selectBoilerplate(counts);
    expect([...boilerplate]).toEqual([listBlocks(md('Subscribe now!'))[0]!.fingerprint]);
  });
});
