import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { parseDate } from './dates.js';
import { error, info, warning } from './messages.js';
import { toSlug } from './slug.js';
import type { PostMessage, RepeatPolicy } from './types.js';

/** Validated front matter. Every field is optional here; `post.ts` decides fallbacks (title from heading, slug from file name). */
export interface FrontMatter {
  readonly title?: string;
  readonly description?: string;
  readonly author?: string;
  /** ISO 8601 instant. */
  readonly date?: string;
  readonly updated?: string;
  readonly tags: readonly string[];
  readonly slug?: string;
  readonly draft: boolean;
  readonly lang?: string;
  readonly canonical?: string;
  readonly image?: string;
  /**
   * `auto`: every heading phrased as a question (ending in `?`) is an FAQ question, its section the answer.
   * A list: question–answer pairs written in front matter (answers are markdown), shown in an FAQ section
   * at the end of the post. Either way, FAQ sections in the body are always used.
   */
  readonly faq?: 'auto' | readonly FrontMatterFaqEntry[];
  /** What to do with a section that repeats a section of an earlier post; overrides the site-wide policy. */
  readonly dedupe?: RepeatPolicy;
}

/** One `faq:` entry from front matter. */
export interface FrontMatterFaqEntry {
  /** Whitespace collapsed. */
  readonly question: string;
  /** Markdown, trimmed. */
  readonly answer: string;
  /** File line of the entry. */
  readonly line: number;
}

export interface FrontMatterResult {
  readonly data: FrontMatter;
  readonly messages: readonly PostMessage[];
}

/** Alias expansion cap: a YAML "billion laughs" document is rejected instead of expanded. */
const MAX_ALIAS_COUNT = 50;
const MAX_TAGS = 20;
const MAX_FIELD_LENGTH = 2000;
const KNOWN_FIELDS = new Set(['title', 'description', 'author', 'date', 'updated', 'tags', 'slug', 'draft', 'lang', 'canonical', 'image', 'faq', 'dedupe']);
const MAX_FAQ_ENTRIES = 100;
const MAX_FAQ_QUESTION_LENGTH = 500;
const MAX_FAQ_ANSWER_LENGTH = 10_000;

/**
 * Parse and validate the YAML front matter block.
 * @param yamlSource the text between the `---` fences
 * @param firstLine the file line of the first YAML line (2 when the block opens on line 1), so messages point into the file
 */
export function parseFrontMatter(yamlSource: string, firstLine: number): FrontMatterResult {
  const messages: PostMessage[] = [];
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlSource, { lineCounter, schema: 'core', uniqueKeys: true, prettyErrors: false, strict: true });
  const fileLine = (offset: number | undefined) => (offset === undefined ? firstLine : firstLine - 1 + lineCounter.linePos(offset).line);

  for (const problem of [...doc.errors, ...doc.warnings]) {
    const where = fileLine(problem.pos[0]);
    const what = problem.code === 'TAG_RESOLVE_FAILED'
      ? 'uses a YAML tag that is not allowed (only plain strings, numbers, booleans, lists and maps are)'
      : firstSentence(problem.message);
    messages.push(error('front-matter:yaml', `Front matter is not valid YAML: ${what}. Fix the YAML on this line.`, where));
  }
  if (messages.length > 0) return { data: emptyFrontMatter(), messages };

  if (doc.contents === null) return { data: emptyFrontMatter(), messages };
  if (!isMap(doc.contents)) {
    messages.push(error('front-matter:shape', 'Front matter must be a list of `field: value` lines.', firstLine));
    return { data: emptyFrontMatter(), messages };
  }

  let raw: Record<string, unknown>;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
  } catch {
    messages.push(error('front-matter:aliases', `Front matter expands too many YAML aliases (more than ${MAX_ALIAS_COUNT}); write the values out.`, firstLine));
    return { data: emptyFrontMatter(), messages };
  }

  const lineOf = fieldLines(doc, fileLine);
  const field = <T>(name: string, read: (value: unknown, line: number) => T | undefined): T | undefined => {
    if (!Object.hasOwn(raw, name) || raw[name] === null) return undefined;
    return read(raw[name], lineOf(name));
  };

  for (const name of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(name)) {
      messages.push(warning('front-matter:unknown-field',
        `Unknown front matter field \`${name}\` is ignored. Known fields: ${[...KNOWN_FIELDS].join(', ')}.`, lineOf(name)));
    }
  }

  const text = (name: string) => (value: unknown, line: number): string | undefined => {
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'string') {
      messages.push(error(`front-matter:${name}`, `\`${name}\` must be text, not a ${describe(value)}.`, line));
      return undefined;
    }
    const trimmed = value.replace(/\s+/g, ' ').trim();
    // A long title is not an error: post.ts cuts it (for <title>, pages and feeds) and warns the author.
    if (trimmed.length > MAX_FIELD_LENGTH && name !== 'title') {
      messages.push(error(`front-matter:${name}`, `\`${name}\` is ${trimmed.length} characters; keep it under ${MAX_FIELD_LENGTH}.`, line));
      return undefined;
    }
    return trimmed === '' ? undefined : trimmed;
  };
  const date = (name: string) => (value: unknown, line: number): string | undefined => {
    const parsed = typeof value === 'string' ? parseDate(value) : undefined;
    if (!parsed) {
      messages.push(error(`front-matter:${name}`,
        `\`${name}: ${String(value)}\` is not a valid date; write it as YYYY-MM-DD (or an ISO 8601 date-time with a time zone).`, line));
    }
    return parsed;
  };

  const title = field('title', text('title'));
  const description = field('description', text('description'));
  const author = field('author', (value, line) => {
    if (value && typeof value === 'object' && !Array.isArray(value) && typeof (value as { name?: unknown }).name === 'string') {
      return text('author')((value as { name: string }).name, line);
    }
    return text('author')(value, line);
  });
  const dateValue = field('date', date('date'));
  const updated = field('updated', date('updated'));
  if (updated && dateValue && updated < dateValue) {
    messages.push(warning('front-matter:updated', '`updated` is earlier than `date`; it should be the date of the last change.', lineOf('updated')));
  }
  if (updated && !dateValue) {
    messages.push(warning('front-matter:updated', '`updated` is set but `date` is not; add `date:` (the first publication date).', lineOf('updated')));
  }
  const tags = field('tags', (value, line) => readTags(value, line, messages)) ?? [];
  const slug = field('slug', (value, line) => {
    const given = text('slug')(value, line);
    if (given === undefined) return undefined;
    const safe = toSlug(given);
    if (safe === '') {
      messages.push(error('front-matter:slug', `\`slug: ${given}\` has no letters or digits; use something like \`my-post-title\`.`, line));
      return undefined;
    }
    if (safe !== given) messages.push(info('front-matter:slug', `slug "${given}" was normalised to "${safe}".`, line));
    return safe;
  });
  const draft = field('draft', (value, line) => {
    if (typeof value === 'boolean') return value;
    messages.push(error('front-matter:draft', '`draft` must be `true` or `false`.', line));
    return undefined;
  }) ?? false;
  const lang = field('lang', (value, line) => {
    const given = text('lang')(value, line);
    if (given !== undefined && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(given)) {
      messages.push(error('front-matter:lang', `\`lang: ${given}\` is not a language tag; use one like \`en\`, \`fr\` or \`pt-BR\`.`, line));
      return undefined;
    }
    return given;
  });
  const canonical = field('canonical', (value, line) => {
    const given = text('canonical')(value, line);
    if (given !== undefined && !isHttpUrl(given)) {
      messages.push(error('front-matter:canonical', '`canonical` must be an absolute http(s) URL.', line));
      return undefined;
    }
    return given;
  });
  const image = field('image', (value, line) => {
    const given = text('image')(value, line);
    if (given !== undefined && !isHttpUrl(given) && !given.startsWith('/')) {
      messages.push(error('front-matter:image', '`image` must be an absolute http(s) URL or a path starting with `/`.', line));
      return undefined;
    }
    return given;
  });
  const dedupe = field('dedupe', (value, line) => {
    if (value === 'keep' || value === 'link' || value === 'remove') return value;
    messages.push(error('front-matter:dedupe', `\`dedupe: ${String(value)}\` is not understood; use \`keep\`, \`link\` or \`remove\` (what to do with a section that repeats an earlier post).`, line));
    return undefined;
  });
  const faq = field('faq', (value, line) => readFaq(value, line, faqEntryLines(doc, fileLine), messages));

  return {
    data: {
      ...(title !== undefined && { title }),
      ...(description !== undefined && { description }),
      ...(author !== undefined && { author }),
      ...(dateValue !== undefined && { date: dateValue }),
      ...(updated !== undefined && { updated }),
      tags,
      ...(slug !== undefined && { slug }),
      draft,
      ...(lang !== undefined && { lang }),
      ...(canonical !== undefined && { canonical }),
      ...(image !== undefined && { image }),
      ...(faq !== undefined && { faq }),
      ...(dedupe !== undefined && { dedupe }),
    },
    messages,
  };
}

/** The date rule of `date:` and `updated:`; lives in dates.ts so the publisher can order posts without the YAML parser. */
export { parseDate };

export function emptyFrontMatter(): FrontMatter {
  return { tags: [], draft: false };
}

function readTags(value: unknown, line: number, messages: PostMessage[]): string[] | undefined {
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list)) {
    messages.push(error('front-matter:tags', '`tags` must be a list, e.g. `tags: [ketamine, depression]`.', line));
    return undefined;
  }
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      messages.push(error('front-matter:tags', `Each tag must be text; found a ${describe(item)}.`, line));
      return undefined;
    }
    const tag = String(item).replace(/\s+/g, ' ').trim();
    const id = toSlug(tag);
    if (id === '' || seen.has(id)) continue;
    seen.add(id);
    tags.push(tag);
  }
  if (tags.length > MAX_TAGS) {
    messages.push(warning('front-matter:tags', `Only the first ${MAX_TAGS} of ${tags.length} tags are used.`, line));
    return tags.slice(0, MAX_TAGS);
  }
  return tags;
}

const FAQ_SHAPE = 'write `faq: auto`, or a list of entries with `question:` and `answer:`';

/** `faq: auto` or a list of `{question, answer}` maps; every problem is an error naming the entry and its line. */
function readFaq(value: unknown, line: number, entryLines: FaqEntryLines, messages: PostMessage[]): FrontMatter['faq'] {
  if (typeof value === 'string' && value.trim().toLowerCase() === 'auto') return 'auto';
  if (!Array.isArray(value)) {
    const shown = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? `\`faq: ${String(value)}\`` : `a ${describe(value)}`;
    messages.push(error('front-matter:faq', `${shown} is not understood; ${FAQ_SHAPE}.`, line));
    return undefined;
  }
  if (value.length > MAX_FAQ_ENTRIES) {
    messages.push(error('front-matter:faq', `\`faq\` has ${value.length} entries; keep it to ${MAX_FAQ_ENTRIES}.`, line));
    return undefined;
  }
  const entries: FrontMatterFaqEntry[] = [];
  let valid = true;
  value.forEach((item: unknown, index) => {
    const where = entryLines.entry(index) ?? line;
    const name = `\`faq\` entry ${index + 1}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      messages.push(error('front-matter:faq', `${name} is a ${describe(item)}; ${FAQ_SHAPE}, e.g. \`- question: Is it safe?\` then \`answer: Yes, …\`.`, where));
      valid = false;
      return;
    }
    const entry = item as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (key !== 'question' && key !== 'answer') {
        messages.push(warning('front-matter:faq', `${name}: unknown field \`${key}\` is ignored; an entry has \`question\` and \`answer\`.`, entryLines.field(index, key) ?? where));
      }
    }
    const read = (key: 'question' | 'answer', max: number): string | undefined => {
      const at = entryLines.field(index, key) ?? where;
      const raw = entry[key];
      if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
        messages.push(error('front-matter:faq', `${name} has no \`${key}\`; every entry needs a \`question\` and an \`answer\`.`, at));
        return undefined;
      }
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
        messages.push(error('front-matter:faq', `\`${key}\` of ${name} must be text, not a ${describe(raw)}.`, at));
        return undefined;
      }
      const text = key === 'question' ? String(raw).replace(/\s+/g, ' ').trim() : String(raw).trim();
      if (text.length > max) {
        messages.push(error('front-matter:faq', `\`${key}\` of ${name} is ${text.length} characters; keep it under ${max}.`, at));
        return undefined;
      }
      return text;
    };
    const question = read('question', MAX_FAQ_QUESTION_LENGTH);
    const answer = read('answer', MAX_FAQ_ANSWER_LENGTH);
    if (question === undefined || answer === undefined) valid = false;
    else entries.push({ question, answer, line: where });
  });
  return valid ? entries : undefined;
}

interface FaqEntryLines {
  entry(index: number): number | undefined;
  field(index: number, key: string): number | undefined;
}

/** File lines of the `faq:` list entries and of their fields, read from the YAML nodes. */
function faqEntryLines(doc: Document, fileLine: (offset: number | undefined) => number): FaqEntryLines {
  const faqNode = isMap(doc.contents) ? doc.contents.get('faq', true) : undefined;
  const items = isSeq(faqNode) ? faqNode.items : [];
  const at = (offset: number | undefined) => (offset === undefined ? undefined : fileLine(offset));
  return {
    entry: (index) => {
      const item = items[index] as { range?: [number, number, number] } | undefined;
      return at(item?.range?.[0]);
    },
    field: (index, key) => {
      const item = items[index];
      if (!isMap(item)) return undefined;
      const pair = item.items.find((candidate) => isScalar(candidate.key) && String(candidate.key.value) === key);
      return at(isScalar(pair?.key) ? pair.key.range?.[0] : undefined);
    },
  };
}

function fieldLines(doc: Document, fileLine: (offset: number | undefined) => number): (name: string) => number {
  const lines = new Map<string, number>();
  if (isMap(doc.contents)) {
    for (const item of doc.contents.items) {
      if (isScalar(item.key)) lines.set(String(item.key.value), fileLine(item.key.range?.[0]));
    }
  }
  return (name) => lines.get(name) ?? fileLine(undefined);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'map' : typeof value;
}

function firstSentence(message: string): string {
  return message.split(/ at line \d+|\n/)[0]!.replace(/\.$/, '');
}
