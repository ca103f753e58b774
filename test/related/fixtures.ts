/**
 * Test corpora for related posts, generated deterministically (seeded PRNG, fixed vocabularies), plus the seed posts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toString } from 'mdast-util-to-string';
import { parse as parseYaml } from 'yaml';
import { firstHeading, parseMarkdown, plainTextBlocks } from '../../lambdas/core/markdown.js';
import { corpusFromVectors, type CorpusStats, type RankInput } from '../../lambdas/core/related.js';
import { extractTerms, type TermInput } from '../../lambdas/core/terms.js';
import { prng } from '../support/prng.js';

export interface FixturePost extends TermInput {
  readonly key: string;
  readonly date?: string;
  /** Topic group the generator drew the post from (ground truth for precision). */
  readonly group: string;
}

export interface Corpus {
  readonly posts: readonly (FixturePost & RankInput)[];
  readonly stats: CorpusStats;
}

/** Extract every post's vector and count document frequencies over all of them, as the live index would. */
export function buildCorpus(posts: readonly FixturePost[]): Corpus {
  const withVectors = posts.map((post) => ({ ...post, vector: extractTerms(post) }));
  return { posts: withVectors, stats: corpusFromVectors(withVectors.map((post) => post.vector)) };
}

/* ---------------------------------------------------------------------------------------------------------- */

const CONTENT = fileURLToPath(new URL('../../content/', import.meta.url));

/** The five seed posts: front matter parsed with `yaml`, body as plain text blocks (no headings, html or code). */
export function seedPosts(): FixturePost[] {
  return readdirSync(CONTENT)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => {
      const source = readFileSync(CONTENT + name, 'utf8');
      const yaml = /^---\r?\n([\s\S]*?)\r?\n---/.exec(source)?.[1] ?? '';
      const front = (parseYaml(yaml) ?? {}) as { title?: string; tags?: string[]; date?: string | Date };
      const tree = parseMarkdown(source);
      const heading = firstHeading(tree);
      const date = front.date instanceof Date ? front.date.toISOString() : front.date;
      return {
        key: name,
        ...(date !== undefined ? { date } : {}),
        group: 'ketamine',
        title: front.title ?? (heading !== undefined ? toString(heading) : name),
        text: plainTextBlocks(tree).join('\n'),
        tags: front.tags ?? [],
        lang: 'en',
      };
    });
}

/* ---------------------------------------------------------------------------------------------------------- */

export { prng };

export const TOPICS: Readonly<Record<string, { words: readonly string[]; tags: readonly string[] }>> = {
  cooking: {
    words: ('recipe recipes oven garlic onions simmer sauce pasta flour dough bake baking butter skillet roast roasted ' +
      'spices seasoning chopped knife kitchen broth stew tomatoes basil olive oil saute saucepan dinner flavour ' +
      'marinade grill grilled vegetables cheese bread yeast dessert sugar').split(' '),
    tags: ['recipes', 'kitchen', 'food'],
  },
  astronomy: {
    words: ('telescope telescopes galaxy galaxies nebula planet planets orbit orbits stars constellation comet ' +
      'meteor eclipse lunar moon jupiter saturn observatory lens eyepiece aperture magnitude astronomers cosmic ' +
      'gravity asteroid solar spectrum redshift supernova celestial horizon stargazing nightsky binoculars').split(' '),
    tags: ['space', 'stargazing', 'science'],
  },
  gardening: {
    words: ('soil compost seeds seedlings planting plants prune pruning roses tulips bulbs mulch watering hose ' +
      'garden gardens greenhouse fertilizer weeds weeding shovel trowel perennials annuals harvest tomatoes ' +
      'beds raised sprout germination leaves roots shrubs hedges orchard blossom').split(' '),
    tags: ['garden', 'plants', 'outdoors'],
  },
  finance: {
    words: ('budget budgeting savings invest investing investment portfolio stocks bonds dividends interest ' +
      'mortgage loan debt credit retirement pension index funds expenses income salary taxes inflation ' +
      'emergency fund brokerage compound returns frugal banking account accounts spending').split(' '),
    tags: ['money', 'investing', 'budget'],
  },
  cycling: {
    words: ('bike bikes bicycle cycling cyclist cyclists pedal pedals gears chain saddle helmet tyres wheels ' +
      'climb climbing descent sprint peloton route routes ride rides riding cadence frame derailleur brakes ' +
      'handlebars commute gravel touring mountain training').split(' '),
    tags: ['bikes', 'outdoors', 'fitness'],
  },
};

/** Generic words every group uses: not stop words, so only IDF can tell them apart from topical ones. */
const FILLER = ('people time really think great day week good year thing things lot started want need know look right ' +
  'pretty little big best first last today yesterday friend friends family weekend morning evening idea ideas simple ' +
  'easy hard quick story plan plans share tips guide post update notes lesson lessons experience favourite enjoy ' +
  'enjoyed learn learned try tried start keep works working world life home place part kind bit point question ' +
  'answer reason result change changes small long short early late better different important interesting perfect ' +
  'beautiful amazing').split(' ');
const STOP = 'the and of to a in is it with that for on was as you this be at by we from are have but not or'.split(' ');
const GENERIC_TAGS = ['news', 'blog', 'updates'];

/** Zipf-like pick: early words of a list come up far more often, like real vocabulary. */
function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() ** 2 * list.length)]!;
}

const capitalise = (word: string) => word[0]!.toUpperCase() + word.slice(1);

/**
 * `perGroup` posts per topic, 150–300 words each: ~22% topic words, ~4% words from another topic (noise),
 * ~44% shared filler, ~30% stop words. Tags: one or two topic tags (two topics share `outdoors`), one or two
 * generic tags, sometimes another topic's tag. Titles: two topic words and two filler words.
 */
export function topicCorpus(perGroup = 6, seed = 20240401, topicShare = 0.22): FixturePost[] {
  const random = prng(seed);
  const groups = Object.keys(TOPICS);
  const posts: FixturePost[] = [];
  for (const [g, group] of groups.entries()) {
    const topic = TOPICS[group]!;
    for (let i = 0; i < perGroup; i++) {
      const length = 150 + Math.floor(random() * 151);
      const words: string[] = [];
      for (let w = 0; w < length; w++) {
        const r = random();
        if (r < topicShare) words.push(pick(topic.words, random));
        else if (r < topicShare + 0.04) words.push(pick(TOPICS[groups[(g + 1 + Math.floor(random() * 4)) % 5]!]!.words, random));
        else if (r < 0.7) words.push(pick(FILLER, random));
        else words.push(pick(STOP, random));
      }
      const sentences: string[] = [];
      for (let start = 0; start < words.length; start += 12) sentences.push(`${capitalise(words.slice(start, start + 12).join(' '))}.`);
      const tags = new Set([pick(topic.tags, random), pick(topic.tags, random), pick(GENERIC_TAGS, random), pick(GENERIC_TAGS, random)]);
      if (random() < 0.15) tags.add(pick(TOPICS[groups[(g + 2) % 5]!]!.tags, random));
      posts.push({
        key: `${group}/${String(i + 1).padStart(2, '0')}.md`,
        date: `2024-${String(1 + ((g * perGroup + i) % 12)).padStart(2, '0')}-${String(1 + ((i * 7) % 28)).padStart(2, '0')}T00:00:00.000Z`,
        group,
        title: [pick(topic.words, random), pick(FILLER, random), pick(topic.words, random), pick(FILLER, random)].map(capitalise).join(' '),
        text: sentences.join(' '),
        tags: [...tags],
        lang: 'en',
      });
    }
  }
  return posts;
}
