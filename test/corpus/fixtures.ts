/** Deterministic prose for corpus tests: distinct paragraphs from a seed, long enough for the 50-word section rule. */
const WORDS = ['garden', 'river', 'engine', 'violin', 'harbor', 'lantern', 'meadow', 'copper', 'falcon', 'glacier', 'orchard', 'canyon',
  'saddle', 'compass', 'thunder', 'velvet', 'pepper', 'marble', 'willow', 'beacon', 'quartz', 'tundra', 'ember', 'sparrow', 'cobalt',
  'prairie', 'anchor', 'juniper', 'monsoon', 'pylon', 'basalt', 'heron', 'saffron', 'delta', 'lichen', 'turbine', 'citadel', 'mosaic'];

export function prose(seed: number, words = 70): string {
  let state = seed * 2654435761 >>> 0;
  const next = () => { state = (Math.imul(state ^ (state >>> 15), 2246822519) + 0x9e3779b9) >>> 0; return state; };
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[next() % WORDS.length]! + (i % 11 === 10 ? '.' : ''));
  const text = out.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

export interface FixturePost {
  readonly key: string;
  readonly title: string;
  readonly date?: string;
  readonly sections: readonly (readonly [heading: string, body: string])[];
  readonly extra?: string;
  readonly frontMatter?: string;
}

export function markdown(post: FixturePost): string {
  const fm = [`title: ${post.title}`, ...(post.date ? [`date: ${post.date}`] : []), ...(post.frontMatter ? [post.frontMatter] : [])].join('\n');
  const body = post.sections.map(([heading, text]) => `## ${heading}\n\n${text}`).join('\n\n');
  return `---\n${fm}\n---\n\n${body}${post.extra ? `\n\n${post.extra}` : ''}\n`;
}
