/**
 * A generated blog that uses every feature the pipeline has, with an edit history: FAQ sections (questions as
 * headings and as bold lines), `faq:` in front matter, `faq: auto`, answers without questions, repeats within a
 * post (a paragraph and a whole section pasted twice), sections pasted from earlier posts, near copies,
 * boilerplate, drafts, tags, undated posts, French and Japanese posts, per-post `dedupe:` policies, internal links
 * (one broken), posts without description or author; earlier versions under another title and slug. Deterministic
 * for a seed.
 */
import { prose } from '../corpus/fixtures.js';
import { prng } from './prng.js';

/** One change of the source folder: a file written (`text`) or deleted (`undefined`). */
export interface SourceEdit {
  readonly key: string;
  readonly text: string | undefined;
}

export interface FeatureCorpus {
  /** The files at the end of the history. */
  readonly final: ReadonlyMap<string, string>;
  /** Every change, in an order where each file's own changes keep their order (and end in its final state). */
  readonly history: readonly SourceEdit[];
}

const CALL_TO_ACTION = 'Want more notes like this one? Subscribe to the newsletter for a short letter every month, and follow us for updates on new posts.';
const TOPICS = ['gardening', 'rivers', 'engines', 'music', 'harbors', 'lanterns', 'meadows', 'metals', 'birds', 'glaciers'];
const FRENCH = 'Le jardin est calme le matin. Les oiseaux chantent dans les arbres et la rivière coule doucement vers la mer. Nous plantons des tomates, des haricots et des fleurs pour les abeilles.';
const JAPANESE = '東京の朝は静かです。川の近くの公園で鳥が歌い、人々は散歩を楽しみます。庭には花が咲き、蜂が集まります。';

export function featureCorpus(count = 300, seed = 1): FeatureCorpus {
  const random = prng(seed);
  const final = new Map<string, string>();
  const versions = new Map<string, (string | undefined)[]>();
  const keyOf = (i: number) => `${TOPICS[i % TOPICS.length]}/post-${String(i).padStart(3, '0')}.md`;
  const slugOf = (i: number) => `post-${String(i).padStart(3, '0')}`;
  const sectionsOf = (i: number, version: number): [string, string][] => [
    [`Getting started with ${TOPICS[i % TOPICS.length]} ${i}`, prose(i * 10 + version, 60)],
    [`Notes on part ${i}`, prose(i * 10 + 5, 80)],
  ];

  const text = (i: number, version: number): string => {
    const lang = i % 31 === 30 ? 'fr' : i % 37 === 36 ? 'ja' : 'en';
    const sections = sectionsOf(i, version);
    const extra: string[] = [];
    // A section pasted from an earlier post (linked to it), or the whole of an earlier post nearly copied.
    if (i % 8 === 7 && i >= 5) sections.push([`Borrowed from ${i - 5}`, prose((i - 5) * 10 + 5, 80)]);
    if (i % 23 === 22 && i >= 1) {
      sections.length = 0;
      sections.push(...sectionsOf(i - 1, 0));
      sections[0] = [sections[0]![0], `${sections[0]![1]} A few words of its own.`];
    }
    // Repeats within the post: a long paragraph twice, and a whole section pasted again under another heading.
    if (i % 6 === 5) {
      const paragraph = prose(i * 10 + 7, 40);
      sections.push([`Repeated paragraph ${i}`, `${paragraph}\n\n${prose(i * 10 + 8, 30)}\n\n${paragraph}`]);
      sections.push([`The first part again`, sections[0]![1]]);
    }
    if (lang === 'fr') sections.splice(0, sections.length, ['Au jardin', `${FRENCH} ${FRENCH.split(' ').reverse().join(' ')}`]);
    if (lang === 'ja') sections.splice(0, sections.length, ['公園', `${JAPANESE}${JAPANESE}`]);
    // FAQ: questions as headings; as bold lines; answers with no questions (a warning).
    if (i % 7 === 6) extra.push(`## Frequently Asked Questions\n\n### How long does part ${i} take?\n\nAbout ${i % 5 + 1} hours, if the ${TOPICS[i % 10]} cooperate.\n\n### Is part ${i} safe?\n\nYes, with care.`);
    if (i % 11 === 10) extra.push(`## FAQ\n\n**What does ${i} need?**\n\nPatience and a notebook.\n\n**Where do I start?**\n\nAt the beginning.`);
    if (i % 19 === 18) extra.push(`## Frequently Asked Questions\n\nIt depends on the season.\n\nMost people need a week.`);
    // Shared across many posts: boilerplate.
    if (i % 4 === 3) extra.push(CALL_TO_ACTION);
    // Links: to an earlier post, and one that goes nowhere.
    if (i % 9 === 4 && i >= 3) extra.push(`See also [an earlier post](/posts/${slugOf(i - 3)}/).`);
    if (i === 42) extra.push('A [broken link](/posts/no-such-post/).');

    const fm: string[] = [`title: ${lang === 'ja' ? `東京ノート ${i}` : lang === 'fr' ? `Notes du jardin ${i}` : `${TOPICS[i % 10]![0]!.toUpperCase()}${TOPICS[i % 10]!.slice(1)} notes, part ${i}${version > 0 ? ' (revised)' : ''}`}`];
    if (i % 9 !== 8) fm.push(`date: ${new Date(Date.UTC(2023, 0, 1 + i * 2)).toISOString().slice(0, 10)}`);
    if (i % 5 !== 4) fm.push(`description: Notes on ${TOPICS[i % 10]} number ${i}, with the steps, the tools and what went wrong along the way.`);
    if (i % 3 !== 2) fm.push('author: Ada Lovelace');
    fm.push(`tags: [${TOPICS[i % 10]}${i % 4 === 0 ? ', featured' : ''}${i % 7 === 0 ? ', long-reads' : ''}]`);
    // An earlier version under another address: pages that listed it must not keep linking there.
    fm.push(`slug: ${version > 0 ? `early-${slugOf(i)}` : slugOf(i)}`);
    if (lang !== 'en') fm.push(`lang: ${lang}`);
    if (i % 29 === 28) fm.push('draft: true');
    if (i % 27 === 26) fm.push('dedupe: keep');
    if (i % 33 === 32) fm.push('dedupe: remove');
    if (i % 13 === 12) fm.push(`faq:\n  - question: What is part ${i} about?\n    answer: It is about **${TOPICS[i % 10]}**.\n  - question: Who wrote it?\n    answer: Ada, on a quiet morning.`);
    if (i % 17 === 16) {
      fm.push('faq: auto');
      sections.push([`Why does part ${i} matter?`, 'Because it is the part everyone asks about.']);
    }
    const body = sections.map(([heading, paragraph]) => `## ${heading}\n\n${paragraph}`).join('\n\n');
    return `---\n${fm.join('\n')}\n---\n\n${body}${extra.length > 0 ? `\n\n${extra.join('\n\n')}` : ''}\n`;
  };

  for (let i = 0; i < count; i++) {
    const key = keyOf(i);
    const history: (string | undefined)[] = [];
    // Earlier versions, deletions and a post that is gone at the end.
    if (i % 10 === 3) history.push(text(i, 1));
    if (i % 15 === 7) history.push(text(i, 0), undefined);
    if (i % 50 === 49) {
      history.push(text(i, 0), undefined);
      versions.set(key, history);
      continue;
    }
    history.push(text(i, 0));
    versions.set(key, history);
    final.set(key, text(i, 0));
  }

  // Interleave the files' histories at random, each file's own changes in order.
  const cursors = [...versions.keys()].map((key) => ({ key, next: 0 }));
  const history: SourceEdit[] = [];
  while (cursors.length > 0) {
    const at = Math.floor(random() * cursors.length);
    const cursor = cursors[at]!;
    const list = versions.get(cursor.key)!;
    history.push({ key: cursor.key, text: list[cursor.next++] });
    if (cursor.next >= list.length) cursors.splice(at, 1);
  }
  return { final, history };
}
