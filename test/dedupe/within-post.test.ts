import type { Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import { decisionMessage, dedupeWithinPost, type RemovedEmptySection, type RemovedRepeat } from '../../lambdas/core/dedupe.js';
import { formatMessage } from '../../lambdas/core/messages.js';
import { jaccard, normalizeText, shingles, words } from '../../lambdas/core/normalize.js';
import { count, md, paragraph, render, seedText, wordsFrom } from './helpers.js';

const shingleJaccard = (a: string, b: string) =>
  jaccard(new Set(shingles(words(normalizeText(a)))), new Set(shingles(words(normalizeText(b)))));

/** Replace the words at `positions` of a generated paragraph by words that occur nowhere else. */
function changeWords(seed: number, length: number, positions: readonly number[]): [string, string] {
  const original = wordsFrom(seed, length);
  const changed = original.map((word, i) => (positions.includes(i) ? `changed${i}` : word));
  return [`${original.join(' ')}.`, `${changed.join(' ')}.`];
}

const removedLines = (decisions: readonly { kind: string }[]) =>
  decisions.filter((d): d is RemovedRepeat => d.kind === 'removed-repeat').map((d) => d.line);

describe('the seed post with a pasted section', () => {
  const tree = md(seedText());
  const before = JSON.stringify(tree);
  const result = dedupeWithinPost(tree);
  const html = render(result.tree);

  it('keeps the repeated text once and drops the emptied heading', () => {
    expect(count(render(tree), 'Antidepressants are a type of medication commonly prescribed')).toBe(2);
    expect(count(html, 'Antidepressants are a type of medication commonly prescribed')).toBe(1);
    expect(count(html, 'It is also important to communicate with your healthcare provider')).toBe(1);
    expect(html).not.toContain('Difference Between');
    expect(html).toContain('<h2 id="antidepressants">Antidepressants</h2>');
    expect(html).toContain('<h2 id="personalized-ketamine-treatment-with-alternative-pathways">');
    expect(result.tree.children).toHaveLength(tree.children.length - 7);
  });

  it('names both places in its decisions', () => {
    const [section, ...blocks] = result.decisions;
    expect(section).toEqual<RemovedEmptySection>({
      kind: 'removed-empty-section',
      section: { id: 'difference-between-ketamine-and-antidepressants', heading: 'Difference Between ketamine and antidepressants', line: 39 },
      repeats: { id: 'antidepressants', heading: 'Antidepressants', line: 25 },
      similarity: 1,
    });
    expect(blocks.map((d) => d.kind === 'removed-repeat' && [d.line, d.repeats.line, d.match, d.similarity])).toEqual([
      [41, 27, 'exact', 1], [43, 29, 'exact', 1], [45, 31, 'exact', 1], [47, 33, 'exact', 1], [49, 35, 'exact', 1], [51, 37, 'exact', 1],
    ]);
  });

  it('tells the author in the pipeline message format', () => {
    const message = decisionMessage(result.decisions[0]!);
    expect(message).toMatchObject({ severity: 'warning', ruleId: 'dedupe:repeated-section', line: 39 });
    expect(formatMessage('how-ketamine-and-antidepressants-differs.md', message)).toBe(
      'how-ketamine-and-antidepressants-differs.md:39: warning: Section “Difference Between ketamine and antidepressants” removed: '
      + 'it repeats “Antidepressants” (line 25) of this post, similarity 1.00. [dedupe:repeated-section]');
    expect(decisionMessage(result.decisions[1]!).reason).toBe(
      'Paragraph removed: it repeats line 27 of this post (in “Antidepressants”), word for word. Delete the repeat from the source to keep the file and the page alike.');
  });

  it('does not mutate the input tree, and is deterministic', () => {
    expect(JSON.stringify(tree)).toBe(before);
    expect(dedupeWithinPost(md(seedText()))).toEqual(result);
  });

  it('leaves the other seed posts alone', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../content/', import.meta.url);
    for (const name of readdirSync(dir).filter((file) => !file.startsWith('how-ketamine'))) {
      const other = md(readFileSync(new URL(name, dir), 'utf8'));
      expect(dedupeWithinPost(other).decisions, name).toEqual([]);
      expect(dedupeWithinPost(other).tree).toBe(other);
    }
  });
});

describe('short repeats', () => {
  it('never removes "Read more" and other short lines, exact or not', () => {
    const body = [paragraph(1, 30), '[Read more](/a)', paragraph(2, 30), '[Read more](/b)', 'Learn more', paragraph(3, 30), 'Learn more',
      'Call us today for a free consultation.', 'Call us today for a free consultation.'].join('\n\n');
    const result = dedupeWithinPost(md(body));
    expect(result.decisions).toEqual([]);
    expect(count(render(result.tree), 'Read more')).toBe(2);
  });

  it('removes an exact repeat from 8 words and 40 characters on', () => {
    const sentence = 'Call us today to book your free consultation with our team.';
    const result = dedupeWithinPost(md(`${sentence}\n\n${paragraph(4, 30)}\n\n${sentence}`));
    expect(result.decisions).toMatchObject([{ kind: 'removed-repeat', line: 5, repeats: { line: 1 }, match: 'exact' }]);
  });

  it('removes nothing below the near-repeat length even when similar', () => {
    const result = dedupeWithinPost(md('Short text about river stones here.\n\nShort text about river rocks here.'));
    expect(result.decisions).toEqual([]);
  });
});

describe('near repeats', () => {
  it('removes a 40-word paragraph repeated with one word changed', () => {
    const [original, edited] = changeWords(10, 40, [20]);
    // One changed word alters four shingles: 33/41 — the shingle measure alone would miss it.
    expect(shingleJaccard(original, edited)).toBeCloseTo(33 / 41);
    const result = dedupeWithinPost(md(`${original}\n\n${paragraph(11, 30)}\n\n${edited}`));
    expect(result.decisions).toEqual([expect.objectContaining({ kind: 'removed-repeat', line: 5, repeats: expect.objectContaining({ line: 1 }), match: 'near', similarity: 39 / 40 })]);
    expect(render(result.tree)).not.toContain('changed20');
  });

  it('keeps a merely similar paragraph (shingle Jaccard about 0.5)', () => {
    const [original, edited] = changeWords(12, 40, [8, 20, 32]);
    const similarity = shingleJaccard(original, edited);
    expect(similarity).toBeGreaterThan(0.4);
    expect(similarity).toBeLessThan(0.6);
    expect(dedupeWithinPost(md(`${original}\n\n${edited}`)).decisions).toEqual([]);
  });

  it('removes a long paragraph with sentences moved around (shingle Jaccard ≥ 0.9)', () => {
    const first = paragraph(13, 50);
    const second = paragraph(14, 50);
    expect(shingleJaccard(`${first} ${second}`, `${second} ${first}`)).toBeGreaterThanOrEqual(0.9);
    const result = dedupeWithinPost(md(`${first} ${second}\n\n${second} ${first}`));
    expect(result.decisions).toMatchObject([{ kind: 'removed-repeat', line: 3, match: 'near' }]);
  });

  it('compares with the most similar earlier block, never with a removed one', () => {
    const [a, a1] = changeWords(15, 60, [30]);
    const result = dedupeWithinPost(md(`${a}\n\n${paragraph(16, 60)}\n\n${a1}\n\n${a}`));
    expect(result.decisions.map((d) => d.kind === 'removed-repeat' && [d.line, d.repeats.line, d.match])).toEqual([[5, 1, 'near'], [7, 1, 'exact']]);
  });
});

describe('kinds of block', () => {
  it('removes repeated lists and tables', () => {
    const list = wordsFrom(20, 24).reduce((items, word, i) => (i % 4 === 0 ? [...items, word] : [...items.slice(0, -1), `${items.at(-1)} ${word}`]), [] as string[])
      .map((item) => `- ${item}`).join('\n');
    const table = `| Name | Dose | Notes |\n|---|---|---|\n| ${wordsFrom(21, 3).join(' ')} | ${wordsFrom(22, 3).join(' ')} | ${wordsFrom(23, 4).join(' ')} |`;
    const result = dedupeWithinPost(md(`${list}\n\n${table}\n\ntext between\n\n${list}\n\n${table}`));
    expect(result.decisions.map((d) => d.kind === 'removed-repeat' && d.blockKind)).toEqual(['list', 'table']);
  });

  it('keeps a paragraph quoted again in a blockquote (a pull quote)', () => {
    const text = paragraph(24, 30);
    expect(dedupeWithinPost(md(`${text}\n\n> ${text}`)).decisions).toEqual([]);
  });

  it('keeps a repeated code block unless dedupeCode is set', () => {
    const code = '```sh\nnpm install --save-dev typescript vitest tsx\nnpx vitest run test/dedupe\n```';
    const body = `${code}\n\n${paragraph(25, 20)}\n\n${code}`;
    expect(dedupeWithinPost(md(body)).decisions).toEqual([]);
    const removed = dedupeWithinPost(md(body), { dedupeCode: true });
    expect(removed.decisions).toMatchObject([{ kind: 'removed-repeat', blockKind: 'code', line: 8, repeats: { line: 1 } }]);
    expect(count(render(removed.tree), 'npm install')).toBe(1);
  });

  it('compares code exactly, even with dedupeCode: one changed operator is another program', () => {
    const a = '```js\nconst total = price * quantity + shipping - discount;\n```';
    const b = '```js\nconst total = price * quantity + shipping + discount;\n```';
    expect(dedupeWithinPost(md(`${a}\n\n${b}`), { dedupeCode: true }).decisions).toEqual([]);
  });
});

describe('text in other languages', () => {
  it('French: the same paragraph with other quotes, spaces and capitals is a repeat', () => {
    const a = 'La kétamine est un médicament utilisé depuis des décennies comme anesthésique ; « elle agit vite », disent les médecins.';
    const b = 'LA KÉTAMINE est un médicament utilisé depuis des décennies comme anesthésique\u202f; "elle agit vite", disent les médecins !';
    expect(dedupeWithinPost(md(`${a}\n\n${b}`)).decisions).toMatchObject([{ kind: 'removed-repeat', match: 'exact', line: 3 }]);
  });

  it('French: accents matter (different words), so the paragraph typed without them is not a repeat', () => {
    const a = 'Les élèves étudient la kétamine à l’école de médecine depuis des années, et ils étudient aussi les antidépresseurs classiques.';
    const b = 'Les eleves etudient la ketamine a l’ecole de medecine depuis des annees, et ils etudient aussi les antidepresseurs classiques.';
    expect(dedupeWithinPost(md(`${a}\n\n${b}`)).decisions).toEqual([]);
  });

  it('German: ß and ss, capitals and punctuation fold together', () => {
    const a = 'Die Behandlung mit Ketamin ist in der Schweiz und in Deutschland eine große Hoffnung für Patientinnen und Patienten.';
    const b = 'Die Behandlung mit Ketamin ist in der Schweiz und in Deutschland eine grosse Hoffnung für Patientinnen und Patienten!';
    expect(dedupeWithinPost(md(`${a}\n\n${b}`)).decisions).toMatchObject([{ kind: 'removed-repeat', match: 'exact' }]);
  });

  it('Japanese: full-width and half-width forms are the same text', () => {
    const a = 'ケタミン療法は２０２４年現在、ＡＩを使った研究でも注目されています。うつ病の症状を数時間で和らげることがあります。';
    const b = 'ｹﾀﾐﾝ療法は2024年現在、AIを使った研究でも注目されています。うつ病の症状を数時間で和らげることがあります。';
    const result = dedupeWithinPost(md(`${a}\n\n${b}`));
    expect(result.decisions).toMatchObject([{ kind: 'removed-repeat', match: 'exact', line: 3 }]);
  });

  it('Chinese: one character changed in a long paragraph is a near repeat; short lines stay', () => {
    const a = '氯胺酮是一种几十年来一直用于手术麻醉的药物。然而在过去几年中，研究人员发现氯胺酮还具有强大的抗抑郁作用。'
      + '在低剂量下，氯胺酮可以迅速缓解抑郁症和其他情绪障碍的症状，通常在治疗后的数小时或数天内见效。'
      + '治疗前请咨询合格的心理健康专业人士。';
    const b = a.replace('数小时', '几小时');
    expect(normalizeText(a).length).toBeGreaterThan(100);
    const result = dedupeWithinPost(md(`${a}\n\n了解更多\n\n${b}\n\n了解更多`));
    expect(result.decisions).toMatchObject([{ kind: 'removed-repeat', match: 'near', line: 5 }]);
    expect(count(render(result.tree), '了解更多')).toBe(2);
  });
});

describe('sections emptied by removal', () => {
  const p1 = paragraph(30, 30);
  const p2 = paragraph(31, 30);

  it('drops a section and its subsections when nothing is left, and keeps a section with new text', () => {
    const body = `## A\n\n${p1}\n\n### A.1\n\n${p2}\n\n## B\n\n${p1}\n\n### B.1\n\n${p2}\n\n---\n\n## C\n\n${p1}\n\nSomething new here.`;
    const result = dedupeWithinPost(md(body));
    const html = render(result.tree);
    expect(html).not.toContain('<h2 id="b">');
    expect(html).not.toContain('B.1');
    expect(html).toContain('<h2 id="c">C</h2>\n<p>Something new here.</p>');
    expect(html).toContain('<hr>');
    const sections = result.decisions.filter((d): d is RemovedEmptySection => d.kind === 'removed-empty-section');
    expect(sections.map((d) => [d.section.id, d.repeats.id, d.similarity])).toEqual([['b', 'a', 1], ['b1', 'a1', 1]]);
    expect(removedLines(result.decisions)).toEqual([11, 15, 21]);
  });

  it('removes a repeated intro paragraph without touching headings', () => {
    const result = dedupeWithinPost(md(`${p1}\n\n## Next\n\n${p1}\n\nMore.`));
    expect(result.decisions).toMatchObject([{ kind: 'removed-repeat', section: { id: 'next' }, repeats: { section: { id: '', heading: '' } } }]);
    expect(render(result.tree)).toContain('<h2 id="next">Next</h2>');
  });

  it('works on trees without positions (no lines in the decisions)', () => {
    const text = paragraph(32, 20);
    const tree: Root = {
      type: 'root',
      children: [
        { type: 'heading', depth: 2, children: [{ type: 'text', value: 'One' }] },
        { type: 'paragraph', children: [{ type: 'text', value: text }] },
        { type: 'heading', depth: 2, children: [{ type: 'text', value: 'Two' }] },
        { type: 'paragraph', children: [{ type: 'text', value: text }] },
      ],
    };
    const result = dedupeWithinPost(tree);
    expect(result.tree.children).toHaveLength(2);
    expect(result.decisions).toEqual([
      { kind: 'removed-empty-section', section: { id: 'two', heading: 'Two' }, repeats: { id: 'one', heading: 'One' }, similarity: 1 },
      expect.objectContaining({ kind: 'removed-repeat', repeats: { section: { id: 'one', heading: 'One' } } }),
    ]);
    expect(decisionMessage(result.decisions[1]!).reason).toContain('repeats line ? of this post');
  });
});
