import type { Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import {
  decisionMessage, dedupeWithinPost, withinPostMessages, type KeptRepeat, type RemovedEmptySection, type RemovedRepeat,
} from '../../lambdas/core/dedupe.js';
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
const keptLines = (decisions: readonly { kind: string }[]) =>
  decisions.filter((d): d is KeptRepeat => d.kind === 'kept-repeat').map((d) => [d.line, d.repeats.line, d.match]);

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
    expect(blocks.map((d) => d.kind === 'removed-repeat' && [d.line, d.repeats.line, d.match, d.similarity, d.rule])).toEqual([
      [41, 27, 'exact', 1, 'section'], [43, 29, 'exact', 1, 'section'], [45, 31, 'exact', 1, 'section'],
      [47, 33, 'exact', 1, 'section'], [49, 35, 'exact', 1, 'section'], [51, 37, 'exact', 1, 'section'],
    ]);
  });

  it('tells the author in the pipeline message format', () => {
    const message = decisionMessage(result.decisions[0]!);
    expect(message).toMatchObject({ severity: 'warning', ruleId: 'dedupe:repeated-section', line: 39 });
    expect(formatMessage('how-ketamine-and-antidepressants-differs.md', message)).toBe(
      'how-ketamine-and-antidepressants-differs.md:39: warning: Section “Difference Between ketamine and antidepressants” removed: '
      + 'it repeats “Antidepressants” (line 25) of this post, similarity 1.00. [dedupe:repeated-section]');
    expect(decisionMessage(result.decisions[1]!).reason).toBe(
      'Paragraph removed as part of a section pasted again: it repeats line 27 of this post (in “Antidepressants”), word for word. Delete the repeat from the source to keep the file and the page alike.');
    // The section's message stands for its six paragraphs.
    expect(withinPostMessages(result.decisions).map((m) => m.ruleId)).toEqual(['dedupe:repeated-section']);
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

  it('reports, and keeps, a single exact repeat from 8 words and 40 characters on', () => {
    const sentence = 'Call us today to book your free consultation with our team.';
    const tree = md(`${sentence}\n\n${paragraph(4, 30)}\n\n${sentence}`);
    const result = dedupeWithinPost(tree);
    expect(result.decisions).toMatchObject([{ kind: 'kept-repeat', line: 5, repeats: { line: 1 }, match: 'exact', similarity: 1 }]);
    expect(result.tree).toBe(tree);
    const [message] = withinPostMessages(result.decisions);
    expect(message).toMatchObject({ severity: 'info', ruleId: 'dedupe:kept-repeat', line: 5 });
    expect(message!.reason).toBe('Paragraph repeats line 1 of this post word for word; kept (a single repeated block is usually deliberate, only pasted sections and runs are removed). Delete it from the source if it was pasted by mistake.');
    // Seven words: too short to be worth a word.
    expect(dedupeWithinPost(md('Call us today for your free consultation.\n\nText.\n\nCall us today for your free consultation.')).decisions).toEqual([]);
  });

  it('never removes a short line, not even inside a pasted section (its heading stays with it)', () => {
    const body = `## A\n\n${paragraph(5, 30)}\n\n${paragraph(6, 30)}\n\n[Read more](/a)\n\n## B\n\n${paragraph(5, 30)}\n\n${paragraph(6, 30)}\n\n[Read more](/a)`;
    const result = dedupeWithinPost(md(body));
    expect(removedLines(result.decisions)).toEqual([11, 13]);
    expect(result.decisions.map((d) => d.kind)).toEqual(['removed-repeat', 'removed-repeat']);
    const html = render(result.tree);
    expect(html).toContain('<h2 id="b">B</h2>\n<p><a href="/a">Read more</a></p>');
    expect(count(html, 'Read more')).toBe(2);
  });

  it('removes nothing below the near-repeat length even when similar', () => {
    const result = dedupeWithinPost(md('Short text about river stones here.\n\nShort text about river rocks here.'));
    expect(result.decisions).toEqual([]);
  });
});

describe('near repeats: reported with both lines, never removed', () => {
  it('reports a 40-word paragraph repeated with one word changed, and keeps it', () => {
    const [original, edited] = changeWords(10, 40, [20]);
    // One changed word alters four shingles: 33/41 — the shingle measure alone would miss it.
    expect(shingleJaccard(original, edited)).toBeCloseTo(33 / 41);
    const result = dedupeWithinPost(md(`${original}\n\n${paragraph(11, 30)}\n\n${edited}`));
    expect(result.decisions).toEqual([expect.objectContaining({ kind: 'kept-repeat', line: 5, repeats: expect.objectContaining({ line: 1 }), match: 'near', similarity: 39 / 40 })]);
    expect(render(result.tree)).toContain('changed20');
    expect(decisionMessage(result.decisions[0]!)).toMatchObject({
      severity: 'info', ruleId: 'dedupe:kept-repeat', line: 5,
      reason: 'Paragraph is nearly the same as line 1 of this post (similarity 0.97); kept (near repeats are never removed: the words that differ may be the point). Delete or merge one of them if they say the same thing.',
    });
  });

  it('keeps the word that matters: a sentence about the Writable class and the same one about the Readable class', () => {
    const sentence = (cls: string) => `In classes that extend the ${cls} class, make sure to call the constructor so that the streaming state can be properly initialized before any of the methods are called on the new stream instance.`;
    const body = `### new stream.Readable([options])\n\n${sentence('Readable')}\n\n### new stream.Writable([options])\n\n${sentence('Writable')}`;
    const result = dedupeWithinPost(md(body));
    expect(result.decisions).toMatchObject([{ kind: 'kept-repeat', match: 'near', line: 7, repeats: { line: 3, section: { heading: 'new stream.Readable([options])' } } }]);
    expect(render(result.tree)).toContain('extend the Writable class');
  });

  it('keeps a merely similar paragraph (shingle Jaccard about 0.5)', () => {
    const [original, edited] = changeWords(12, 40, [8, 20, 32]);
    const similarity = shingleJaccard(original, edited);
    expect(similarity).toBeGreaterThan(0.4);
    expect(similarity).toBeLessThan(0.6);
    expect(dedupeWithinPost(md(`${original}\n\n${edited}`)).decisions).toEqual([]);
  });

  it('reports a long paragraph with sentences moved around (shingle Jaccard ≥ 0.9)', () => {
    const first = paragraph(13, 50);
    const second = paragraph(14, 50);
    expect(shingleJaccard(`${first} ${second}`, `${second} ${first}`)).toBeGreaterThanOrEqual(0.9);
    const result = dedupeWithinPost(md(`${first} ${second}\n\n${second} ${first}`));
    expect(result.decisions).toMatchObject([{ kind: 'kept-repeat', line: 3, match: 'near' }]);
  });

  it('names the most similar earlier block, and the first occurrence of a word-for-word repeat', () => {
    const [a, a1] = changeWords(15, 60, [30]);
    const result = dedupeWithinPost(md(`${a}\n\n${paragraph(16, 60)}\n\n${a1}\n\n${a}`));
    expect(keptLines(result.decisions)).toEqual([[5, 1, 'near'], [7, 1, 'exact']]);
    expect(removedLines(result.decisions)).toEqual([]);
  });

  it('tells "same words, other links" apart from a word-for-word repeat', () => {
    const text = (url: string) => `Help wanted: this project goal needs a compiler developer to move forward. If you would like to help, please post in [this goal's dedicated topic](${url}).`;
    const result = dedupeWithinPost(md(`## One\n\n${text('https://example.com/1')}\n\n## Two\n\n${text('https://example.com/2')}`));
    expect(result.decisions).toMatchObject([{ kind: 'kept-repeat', match: 'near', similarity: 1, line: 7 }]);
    expect(decisionMessage(result.decisions[0]!).reason).toBe('Paragraph has the same words as line 3 of this post (in “One”) but links elsewhere; kept (only word-for-word pasted sections and runs are removed).');
  });
});

describe('kinds of block', () => {
  const list = wordsFrom(20, 24).reduce((items, word, i) => (i % 4 === 0 ? [...items, word] : [...items.slice(0, -1), `${items.at(-1)} ${word}`]), [] as string[])
    .map((item) => `- ${item}`).join('\n');
  const table = `| Name | Dose | Notes |\n|---|---|---|\n| ${wordsFrom(21, 3).join(' ')} | ${wordsFrom(22, 3).join(' ')} | ${wordsFrom(23, 4).join(' ')} |`;

  it('reports a list and a table repeated further on, and keeps them', () => {
    const result = dedupeWithinPost(md(`${list}\n\n${table}\n\ntext between\n\n${list}\n\n${table}`));
    expect(result.decisions.map((d) => d.kind === 'kept-repeat' && d.blockKind)).toEqual(['list', 'table']);
    expect(count(render(result.tree), '<table>')).toBe(2);
  });

  it('removes a list and a table pasted twice in a row (a double paste), and says so', () => {
    const result = dedupeWithinPost(md(`Intro text.\n\n${list}\n\n${table}\n\n${list}\n\n${table}\n\nOutro text.`));
    expect(result.decisions.map((d) => d.kind === 'removed-repeat' && [d.blockKind, d.rule, d.line, d.repeats.line])).toEqual([['list', 'run', 14, 3], ['table', 'run', 21, 10]]);
    expect(count(render(result.tree), '<table>')).toBe(1);
    expect(decisionMessage(result.decisions[0]!).reason).toBe('List removed as part of blocks pasted twice in a row: it repeats line 3 of this post, word for word. Delete the repeat from the source to keep the file and the page alike.');
  });

  it('keeps a single block pasted twice in a row, and two blocks pasted twice with a heading between', () => {
    const p = paragraph(26, 30);
    expect(keptLines(dedupeWithinPost(md(`${p}\n\n${p}`)).decisions)).toEqual([[3, 1, 'exact']]);
    const q = paragraph(27, 30);
    const result = dedupeWithinPost(md(`## One\n\n${p}\n\n${q}\n\nMore in one.\n\n## Two\n\n${p}\n\n${q}\n\nMore in two.`));
    expect(removedLines(result.decisions)).toEqual([]);
    expect(keptLines(result.decisions)).toEqual([[11, 3, 'exact'], [13, 5, 'exact']]);
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
    expect(dedupeWithinPost(md(`${a}\n\n${b}`)).decisions).toMatchObject([{ kind: 'kept-repeat', match: 'exact', line: 3 }]);
    // Pasted as a whole section under another heading, it goes.
    const c = 'Les antidépresseurs agissent lentement : il faut souvent plusieurs semaines avant de sentir un effet sur l’humeur.';
    const pasted = dedupeWithinPost(md(`## Premier\n\n${a}\n\n${c}\n\n## Second\n\n${b}\n\n${c.toUpperCase()}`));
    expect(pasted.decisions.map((d) => d.kind)).toEqual(['removed-empty-section', 'removed-repeat', 'removed-repeat']);
  });

  it('French: accents matter (different words), so the paragraph typed without them is not a repeat', () => {
    const a = 'Les élèves étudient la kétamine à l’école de médecine depuis des années, et ils étudient aussi les antidépresseurs classiques.';
    const b = 'Les eleves etudient la ketamine a l’ecole de medecine depuis des annees, et ils etudient aussi les antidepresseurs classiques.';
    expect(dedupeWithinPost(md(`${a}\n\n${b}`)).decisions).toEqual([]);
  });

  it('German: ß and ss, capitals and punctuation fold together', () => {
    const a = 'Die Behandlung mit Ketamin ist in der Schweiz und in Deutschland eine große Hoffnung für Patientinnen und Patienten.';
    const b = 'Die Behandlung mit Ketamin ist in der Schweiz und in Deutschland eine grosse Hoffnung für Patientinnen und Patienten!';
    expect(dedupeWithinPost(md(`${a}\n\n${b}`)).decisions).toMatchObject([{ kind: 'kept-repeat', match: 'exact' }]);
  });

  it('Japanese: full-width and half-width forms are the same text', () => {
    const a = 'ケタミン療法は２０２４年現在、ＡＩを使った研究でも注目されています。うつ病の症状を数時間で和らげることがあります。';
    const b = 'ｹﾀﾐﾝ療法は2024年現在、AIを使った研究でも注目されています。うつ病の症状を数時間で和らげることがあります。';
    const result = dedupeWithinPost(md(`${a}\n\n${b}`));
    expect(result.decisions).toMatchObject([{ kind: 'kept-repeat', match: 'exact', line: 3 }]);
  });

  it('Chinese: one character changed in a long paragraph is a near repeat; short lines stay', () => {
    const a = '氯胺酮是一种几十年来一直用于手术麻醉的药物。然而在过去几年中，研究人员发现氯胺酮还具有强大的抗抑郁作用。'
      + '在低剂量下，氯胺酮可以迅速缓解抑郁症和其他情绪障碍的症状，通常在治疗后的数小时或数天内见效。'
      + '治疗前请咨询合格的心理健康专业人士。';
    const b = a.replace('数小时', '几小时');
    expect(normalizeText(a).length).toBeGreaterThan(100);
    const result = dedupeWithinPost(md(`${a}\n\n了解更多\n\n${b}\n\n了解更多`));
    expect(result.decisions).toMatchObject([{ kind: 'kept-repeat', match: 'near', line: 5 }]);
    expect(count(render(result.tree), '了解更多')).toBe(2);
  });
});

describe('pasted sections', () => {
  const p1 = paragraph(30, 30);
  const p2 = paragraph(31, 30);

  it('drops a section and its subsections when nothing is left, and keeps a section with new text', () => {
    const body = `## A\n\n${p1}\n\n### A.1\n\n${p2}\n\n## B\n\n${p1}\n\n### B.1\n\n${p2}\n\n---\n\n## C\n\n${p1}\n\nSomething new here.`;
    const result = dedupeWithinPost(md(body));
    const html = render(result.tree);
    expect(html).not.toContain('<h2 id="b">');
    expect(html).not.toContain('B.1');
    // C repeats one paragraph of A and says something new: not a pasted section, the paragraph is only reported.
    expect(html).toContain(`<h2 id="c">C</h2>\n<p>${p1}</p>\n<p>Something new here.</p>`);
    expect(html).toContain('<hr>');
    const sections = result.decisions.filter((d): d is RemovedEmptySection => d.kind === 'removed-empty-section');
    expect(sections.map((d) => [d.section.id, d.repeats.id, d.similarity])).toEqual([['b', 'a', 1], ['b1', 'a1', 1]]);
    expect(removedLines(result.decisions)).toEqual([11, 15]);
    expect(keptLines(result.decisions)).toEqual([[21, 3, 'exact']]);
  });

  it('reports a repeated intro paragraph, and removes a section that repeats the whole intro', () => {
    const single = dedupeWithinPost(md(`${p1}\n\n## Next\n\n${p1}\n\nMore.`));
    expect(single.decisions).toMatchObject([{ kind: 'kept-repeat', section: { id: 'next' }, repeats: { section: { id: '', heading: '' } } }]);
    expect(render(single.tree)).toContain('<h2 id="next">Next</h2>');
    const whole = dedupeWithinPost(md(`${p1}\n\n${p2}\n\n## Next\n\n${p1}\n\n${p2}\n\n## After\n\nMore.`));
    expect(whole.decisions).toMatchObject([{ kind: 'removed-empty-section', section: { id: 'next' }, repeats: { id: '' } }, { kind: 'removed-repeat' }, { kind: 'removed-repeat' }]);
    expect(render(whole.tree)).not.toContain('Next');
  });

  it('needs two removable blocks, or 50 words, to call a one-block section pasted (two methods described alike stay)', () => {
    const shared = 'Returns a promise that resolves once every pending write has been flushed to the underlying resource.';
    const api = dedupeWithinPost(md(`### writable.flush()\n\n${shared}\n\n### writable.drain()\n\n${shared}`));
    expect(api.decisions).toMatchObject([{ kind: 'kept-repeat', line: 7, repeats: { line: 3 } }]);
    expect(render(api.tree)).toContain('writable.drain()');
    const long = paragraph(33, 60);
    const pasted = dedupeWithinPost(md(`## First\n\n${long}\n\n## Again\n\n${long}`));
    expect(pasted.decisions).toMatchObject([{ kind: 'removed-empty-section', section: { id: 'again' }, repeats: { id: 'first' } }, { kind: 'removed-repeat', rule: 'section' }]);
  });

  it('keeps a summary restated in a later section (two blocks repeated, not a whole section)', () => {
    const list = '- a new default: hidden types may use any generic parameter in scope, not only types;\n- a syntax to declare explicitly which parameters may be used.';
    const syntax = 'The new explicit syntax is called a use bound: `impl Trait + use<\'x, T>` says the hidden type may use x and T.';
    const body = `## TL;DR\n\n${list}\n\n${syntax}\n\nRead on for the details!\n\n## Design\n\nThe problems above motivated a new approach:\n\n${list}\n\n${syntax}\n\n### Details\n\nMore.`;
    const result = dedupeWithinPost(md(body));
    expect(removedLines(result.decisions)).toEqual([]);
    expect(keptLines(result.decisions)).toEqual([[14, 3, 'exact'], [17, 6, 'exact']]);
  });

  it('keeps a section that ends like an earlier one ("See the detailed release notes")', () => {
    const body = `## Library\n\n${paragraph(34, 30)}\n\nSee the [detailed release notes][notes] for more details.\n\n## Cargo\n\n${paragraph(35, 30)}\n\nSee the [detailed release notes][notes] for more details.\n\n[notes]: https://example.com/notes`;
    const result = dedupeWithinPost(md(body));
    expect(result.decisions).toMatchObject([{ kind: 'kept-repeat', match: 'exact', line: 11, repeats: { line: 5 } }]);
    expect(count(render(result.tree), 'detailed release notes')).toBe(2);
  });

  it('works on trees without positions (no lines in the decisions)', () => {
    const text = paragraph(32, 20);
    const more = paragraph(36, 20);
    const tree: Root = {
      type: 'root',
      children: [
        { type: 'heading', depth: 2, children: [{ type: 'text', value: 'One' }] },
        { type: 'paragraph', children: [{ type: 'text', value: text }] },
        { type: 'paragraph', children: [{ type: 'text', value: more }] },
        { type: 'heading', depth: 2, children: [{ type: 'text', value: 'Two' }] },
        { type: 'paragraph', children: [{ type: 'text', value: text }] },
        { type: 'paragraph', children: [{ type: 'text', value: more }] },
        { type: 'heading', depth: 2, children: [{ type: 'text', value: 'Three' }] },
        { type: 'paragraph', children: [{ type: 'text', value: text }] },
      ],
    };
    const result = dedupeWithinPost(tree);
    expect(result.tree.children).toHaveLength(5);
    expect(result.decisions).toEqual([
      { kind: 'removed-empty-section', section: { id: 'two', heading: 'Two' }, repeats: { id: 'one', heading: 'One' }, similarity: 1 },
      expect.objectContaining({ kind: 'removed-repeat', repeats: { section: { id: 'one', heading: 'One' } } }),
      expect.objectContaining({ kind: 'removed-repeat', repeats: { section: { id: 'one', heading: 'One' } } }),
      expect.objectContaining({ kind: 'kept-repeat', section: { id: 'three', heading: 'Three' }, repeats: { section: { id: 'one', heading: 'One' } } }),
    ]);
    expect(decisionMessage(result.decisions[1]!).reason).toContain('repeats line ? of this post');
    expect(decisionMessage(result.decisions[3]!).reason).toContain('repeats line ? of this post');
  });
});

describe('how much is reported', () => {
  it('lists at most 20 kept repeats per post, then counts the word-for-word ones and stops looking for near ones', () => {
    const line = 'Progress: the project has made progress on this ambition since the start of the year.';
    // Each ambition: its heading, the same progress line, a paragraph of its own, and one nearly like the first ambition's.
    const [near, ...nearAgain] = Array.from({ length: 31 }, (_, i) => changeWords(300, 40, [i + 1])[1]);
    const body = Array.from({ length: 31 }, (_, i) => `## Ambition ${i}\n\n${line}\n\n${paragraph(100 + i, 20)}\n\n${i === 0 ? near : nearAgain[i - 1]}`).join('\n\n');
    const result = dedupeWithinPost(md(body));
    const kept = result.decisions.filter((d): d is KeptRepeat => d.kind === 'kept-repeat');
    expect(kept).toHaveLength(20);
    expect(kept.map((d) => d.match)).toEqual(Array.from({ length: 10 }, () => ['exact', 'near']).flat());
    // The 20th listed repeat is on line 8 × 10 + 7; 20 more progress lines follow, near ones are no longer sought.
    expect(result.decisions.at(-1)).toEqual({ kind: 'kept-repeats-not-listed', listed: 20, count: 20, line: 87 });
    expect(decisionMessage(result.decisions.at(-1)!)).toEqual({
      severity: 'info', ruleId: 'dedupe:kept-repeat', line: 87,
      reason: '20 more word-for-word repeats after this line are kept but not listed, and near repeats after this line were not looked for: this post has many repeated blocks (the first 20 are listed).',
    });
    expect(dedupeWithinPost(md(body), { maxReports: 100 }).decisions).toHaveLength(60);
  });
});
