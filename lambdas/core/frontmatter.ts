import { parse as parseToml, TomlError } from 'smol-toml';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { parseDate } from './dates.js';
import { ignoredFieldsMessage, isRecognisedToolField, likelyTypoOf } from './frontmatter-fields.js';
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
  /**
   * Earlier addresses of the post, site-relative paths (`/2016/11/10/rust-1-13.html`), kept for redirects: Hugo's
   * `aliases` and `url`, Jekyll's `redirect_from` and `permalink`.
   */
  readonly aliases?: readonly string[];
  /** Why the post is a draft when another tool's field said so (`published: false`, `permalink: false`). */
  readonly draftBecause?: string;
}

/** How the front matter block is written: YAML between `---` lines, or TOML between `+++` lines (Hugo). */
export type FrontMatterFormat = 'yaml' | 'toml';

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
/**
 * Fields of Jekyll, Hugo and Eleventy read as one of ours, when ours is not set: `categories`/`category`/`tag` join
 * the tags; `lastmod`/`last_modified_at` are `updated`; `publishDate` is `date`; `summary`/`excerpt` are the
 * description; `authors` the author; `images` the image; `published: false` and `permalink: false` make a draft;
 * `aliases`, `redirect_from`, `url` and `permalink` are old addresses, kept for redirects.
 */
const READ_FROM_OTHER_TOOLS = new Set([
  'categories', 'category', 'tag', 'lastmod', 'last_modified_at', 'publishDate', 'summary', 'excerpt', 'authors', 'images',
  'published', 'permalink', 'aliases', 'redirect_from', 'url',
]);
const OTHER_TOOL_FIELD_BY_LOWER_CASE = new Map([...READ_FROM_OTHER_TOOLS].map((name) => [name.toLowerCase(), name]));
/** TOML tables nest as deep as this before the parser refuses (front matter needs 2: a `[[faq]]` entry). */
const MAX_TOML_DEPTH = 20;
/**
 * Eleventy's special `date:` values: the file's creation or last-modified time (or git's). The pure core has no
 * file times, so the post takes its date as if it had none (the file name's, if any), and the author is told.
 */
const ELEVENTY_FILE_DATES = new Set(['created', 'last modified', 'git created', 'git last modified']);
const MAX_FAQ_ENTRIES = 100;
const MAX_FAQ_QUESTION_LENGTH = 500;
const MAX_FAQ_ANSWER_LENGTH = 10_000;

/**
 * Parse and validate the front matter block. Besides this pipeline's own fields it reads what Jekyll, Hugo and
 * Eleventy write for the same things (`categories`, `lastmod`, `published: false`, `summary`, `aliases`…), so a
 * blog moves over as it is; fields it does not use are named once per post in one note (`front-matter:ignored-fields`),
 * which the site summary counts, and only a likely typo of a known field warns.
 * @param source the text between the fences
 * @param firstLine the file line of the first line of `source` (2 when the block opens on line 1), so messages point into the file
 */
export function parseFrontMatter(source: string, firstLine: number, format: FrontMatterFormat = 'yaml'): FrontMatterResult {
  const loaded = format === 'toml' ? loadToml(source, firstLine) : loadYaml(source, firstLine);
  if (!loaded.ok) return { data: emptyFrontMatter(), messages: loaded.messages };
  return readFields(loaded.raw, loaded.lineOf, loaded.faqLines);
}

type Loaded =
  | { readonly ok: true; readonly raw: Record<string, unknown>; readonly lineOf: (name: string) => number; readonly faqLines: FaqEntryLines }
  | { readonly ok: false; readonly messages: PostMessage[] };

function loadYaml(yamlSource: string, firstLine: number): Loaded {
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
  if (messages.length > 0) return { ok: false, messages };
  if (doc.contents === null) return { ok: true, raw: {}, lineOf: () => firstLine, faqLines: NO_FAQ_LINES };
  if (!isMap(doc.contents)) {
    return { ok: false, messages: [error('front-matter:shape', 'Front matter must be a list of `field: value` lines.', firstLine)] };
  }
  try {
    const raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
    return { ok: true, raw, lineOf: fieldLines(doc, fileLine), faqLines: faqEntryLines(doc, fileLine) };
  } catch {
    return { ok: false, messages: [error('front-matter:aliases', `Front matter expands too many YAML aliases (more than ${MAX_ALIAS_COUNT}); write the values out.`, firstLine)] };
  }
}

/** TOML front matter (Hugo's `+++`). Dates are TOML values there; they are read back as the text they were written as. */
function loadToml(tomlSource: string, firstLine: number): Loaded {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(tomlSource, { maxDepth: MAX_TOML_DEPTH }) as Record<string, unknown>;
  } catch (problem) {
    const line = problem instanceof TomlError ? firstLine - 1 + problem.line : firstLine;
    const what = problem instanceof Error ? firstSentence(problem.message.replace(/^Invalid TOML document: /, '')) : 'unreadable';
    return { ok: false, messages: [error('front-matter:toml', `Front matter is not valid TOML: ${what}. Fix the TOML on this line.`, line)] };
  }
  const raw: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(parsed)) raw[name] = value instanceof Date ? value.toISOString() : value;
  // Lines of the top-level keys: the ones before the first `[table]` header.
  const lines = new Map<string, number>();
  const sourceLines = tomlSource.split('\n');
  for (let index = 0; index < sourceLines.length; index++) {
    const line = sourceLines[index]!;
    if (/^\s*\[/.test(line)) break;
    const key = /^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=/.exec(line);
    const name = key?.[1] ?? key?.[2] ?? key?.[3];
    if (name !== undefined && !lines.has(name)) lines.set(name, firstLine + index);
  }
  return { ok: true, raw, lineOf: (name) => lines.get(name) ?? firstLine, faqLines: NO_FAQ_LINES };
}

function readFields(given: Record<string, unknown>, givenLineOf: (name: string) => number, faqLines: FaqEntryLines): FrontMatterResult {
  const messages: PostMessage[] = [];
  // Hugo reads its keys in any case (`lastMod`, `publishdate`): so do the fields read from it.
  const renamed = new Map<string, string>();
  // No prototype: a `__proto__:` field is data here, never the object's prototype.
  const raw: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(given)) {
    const other = KNOWN_FIELDS.has(name) ? undefined : OTHER_TOOL_FIELD_BY_LOWER_CASE.get(name.toLowerCase());
    const as = other !== undefined && !Object.hasOwn(given, other) ? other : name;
    if (as !== name) renamed.set(as, name);
    raw[as] = value;
  }
  const lineOf = (name: string) => givenLineOf(renamed.get(name) ?? name);
  const field = <T>(name: string, read: (value: unknown, line: number) => T | undefined): T | undefined => {
    if (!Object.hasOwn(raw, name) || raw[name] === null) return undefined;
    return read(raw[name], lineOf(name));
  };

  const ignored: string[] = [];
  for (const name of Object.keys(raw)) {
    if (KNOWN_FIELDS.has(name) || READ_FROM_OTHER_TOOLS.has(name)) continue;
    const original = renamed.get(name) ?? name;
    const meant = isRecognisedToolField(original) ? undefined : likelyTypoOf(name, [...KNOWN_FIELDS, ...READ_FROM_OTHER_TOOLS]);
    if (meant !== undefined) {
      messages.push(warning('front-matter:unknown-field',
        `Unknown front matter field \`${original}\` is ignored; did you mean \`${meant}\`?`, lineOf(name)));
    } else {
      ignored.push(original);
    }
  }
  if (ignored.length > 0) messages.push(ignoredFieldsMessage(ignored, givenLineOf(ignored[0]!)));

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
    if (typeof value === 'string' && ELEVENTY_FILE_DATES.has(value.trim().toLowerCase())) {
      messages.push(info(`front-matter:${name}`, `\`${name}: ${value}\` (Eleventy's file time) is not available here; `
        + 'the post is treated as having no date there. Write the date (`YYYY-MM-DD`) to set it.', line));
      return undefined;
    }
    const parsed = typeof value === 'string' ? parseDate(value) : undefined;
    // Jekyll reads dates leniently (Ruby's Time.parse): a real day followed by a time it cannot make out still dates
    // the post, so the post is dated that day and the author told, rather than the post lost.
    const day = parsed === undefined && typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2})[T\s]/.exec(value.trim())?.[1] : undefined;
    const dayOnly = day === undefined ? undefined : parseDate(day);
    if (dayOnly !== undefined) {
      messages.push(warning(`front-matter:${name}`,
        `The time in \`${name}: ${String(value)}\` is not understood; the post is dated ${day} (midnight UTC). Write it as \`${day} 09:30:00 -0800\` to keep the time.`, line));
      return dayOnly;
    }
    if (!parsed) {
      messages.push(error(`front-matter:${name}`,
        `\`${name}: ${String(value)}\` is not a valid date; write it as YYYY-MM-DD (or a date and time such as \`2024-04-01 09:30:00 -0800\`).`, line));
    }
    return parsed;
  };

  const title = field('title', text('title'));
  const description = field('description', text('description')) ?? field('summary', text('summary')) ?? field('excerpt', text('excerpt'));
  const author = field('author', (value, line) => {
    if (value && typeof value === 'object' && !Array.isArray(value) && typeof (value as { name?: unknown }).name === 'string') {
      return text('author')((value as { name: string }).name, line);
    }
    return text('author')(value, line);
  }) ?? field('authors', (value, line) => (Array.isArray(value) && value.every((name) => typeof name === 'string')
    ? text('authors')(value.join(', '), line) : text('authors')(value, line)));
  const dateValue = field('date', date('date')) ?? field('publishDate', date('publishDate'));
  const updated = field('updated', date('updated')) ?? field('lastmod', date('lastmod')) ?? field('last_modified_at', date('last_modified_at'));
  if (updated && dateValue && updated < dateValue) {
    messages.push(warning('front-matter:updated', '`updated` is earlier than `date`; it should be the date of the last change.', lineOf('updated')));
  }
  if (updated && !dateValue) {
    messages.push(warning('front-matter:updated', '`updated` is set but `date` is not; add `date:` (the first publication date).', lineOf('updated')));
  }
  const tags = mergeTags([
    field('tags', (value, line) => readTags(value, line, messages, /,/)),
    // Jekyll splits a `categories: a b` string at spaces; `category` and `tag` name one.
    field('categories', (value, line) => readTags(value, line, messages, typeof value === 'string' && value.includes(',') ? /,/ : /\s+/)),
    field('category', (value, line) => readTags(value, line, messages, /,/)),
    field('tag', (value, line) => readTags(value, line, messages, /,/)),
  ], lineOf('tags'), messages);
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
  const flag = (name: string) => (value: unknown, line: number): boolean | undefined => {
    if (typeof value === 'boolean') return value;
    messages.push(error(`front-matter:${name}`, `\`${name}\` must be \`true\` or \`false\`.`, line));
    return undefined;
  };
  const draftField = field('draft', flag('draft'));
  const published = field('published', flag('published'));
  // Eleventy writes no file for `permalink: false`; a string is an address (an alias, below).
  const unwritten = raw.permalink === false;
  const draft = draftField === true || published === false || unwritten;
  const draftBecause = draftField === true ? undefined
    : published === false ? '`published: false` (Jekyll)' : unwritten ? '`permalink: false` (Eleventy writes no page for it)' : undefined;
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
  const imageValue = (value: unknown): unknown => {
    // jekyll-seo-tag's `image: {path: …}`; Hugo's `images: [first, …]`.
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const map = value as Record<string, unknown>;
      return map.path ?? map.url ?? map.src ?? value;
    }
    return Array.isArray(value) && value.length > 0 ? value[0] : value;
  };
  const image = field('image', (value, line) => {
    const given = text('image')(imageValue(value), line);
    if (given !== undefined && !isHttpUrl(given) && !given.startsWith('/')) {
      messages.push(error('front-matter:image', '`image` must be an absolute http(s) URL or a path starting with `/`.', line));
      return undefined;
    }
    return given;
  }) ?? field('images', (value, line) => {
    const given = text('images')(imageValue(value), line);
    return given !== undefined && (isHttpUrl(given) || given.startsWith('/')) ? given : undefined;
  });
  const aliases = readAliases(raw, lineOf, messages);
  const dedupe = field('dedupe', (value, line) => {
    if (value === 'keep' || value === 'link' || value === 'remove') return value;
    messages.push(error('front-matter:dedupe', `\`dedupe: ${String(value)}\` is not understood; use \`keep\`, \`link\` or \`remove\` (what to do with a section that repeats an earlier post).`, line));
    return undefined;
  });
  const faq = field('faq', (value, line) => readFaq(value, line, faqLines, messages));

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
      ...(aliases.length > 0 && { aliases }),
      ...(draftBecause !== undefined && { draftBecause }),
    },
    messages,
  };
}

/** The date rule of `date:` and `updated:`; lives in dates.ts so the publisher can order posts without the YAML parser. */
export { parseDate };

export function emptyFrontMatter(): FrontMatter {
  return { tags: [], draft: false };
}

function readTags(value: unknown, line: number, messages: PostMessage[], separator: RegExp): string[] | undefined {
  const list = typeof value === 'string' ? value.split(separator) : typeof value === 'number' ? [value] : value;
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
  return tags;
}

/** Tags, then categories (the order they are listed in), de-duplicated by slug, at most `MAX_TAGS`. */
function mergeTags(lists: readonly (readonly string[] | undefined)[], line: number, messages: PostMessage[]): string[] {
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const tag of lists.flatMap((list) => list ?? [])) {
    const id = toSlug(tag);
    if (seen.has(id)) continue;
    seen.add(id);
    tags.push(tag);
  }
  if (tags.length > MAX_TAGS) {
    messages.push(warning('front-matter:tags', `Only the first ${MAX_TAGS} of ${tags.length} tags are used.`, line));
    return tags.slice(0, MAX_TAGS);
  }
  return tags;
}

/** Longest alias kept; an address longer than this is not one a reader has. */
const MAX_ALIAS_LENGTH = 500;
const MAX_ALIASES = 50;

/**
 * Old addresses of the post, as site-relative paths: Hugo's `aliases` (a list) and `url`, Jekyll's `redirect_from`
 * (a path or a list) and `permalink`. Absolute URLs keep their path; Jekyll permalink patterns (`/:year/:title/`)
 * are not addresses and are left out.
 */
function readAliases(raw: Record<string, unknown>, lineOf: (name: string) => number, messages: PostMessage[]): string[] {
  const aliases: string[] = [];
  for (const name of ['aliases', 'redirect_from', 'url', 'permalink']) {
    const value = raw[name];
    if (value === undefined || value === null || typeof value === 'boolean') continue;
    const list = Array.isArray(value) ? value : [value];
    for (const item of list) {
      const path = typeof item === 'string' ? aliasPath(item) : undefined;
      if (path === undefined) {
        if (!(typeof item === 'string' && item.includes(':'))) {
          messages.push(warning(`front-matter:${name}`, `\`${name}\` should be a path like \`/2016/11/10/old-name.html\`; \`${String(item)}\` is not kept.`, lineOf(name)));
        }
        continue;
      }
      if (!aliases.includes(path) && aliases.length < MAX_ALIASES) aliases.push(path);
    }
  }
  return aliases;
}

function aliasPath(value: string): string | undefined {
  const trimmed = value.trim();
  let path = trimmed;
  if (isHttpUrl(trimmed)) path = new URL(trimmed).pathname;
  else if (trimmed.includes(':') || trimmed === '' || trimmed.length > MAX_ALIAS_LENGTH) return undefined;
  if (!path.startsWith('/')) path = `/${path}`;
  return /[\s<>"\\]/.test(path) ? undefined : path;
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

/** Where entry lines are not known (TOML): messages point at the `faq` field. */
const NO_FAQ_LINES: FaqEntryLines = { entry: () => undefined, field: () => undefined };

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
