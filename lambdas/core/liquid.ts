import { info, warning } from './messages.js';
import { slugFromKey } from './slug.js';
import type { PostMessage } from './types.js';

/**
 * What Jekyll's Liquid tags (and Hugo's shortcodes) leave in a post's markdown when the post moves here, where no
 * template language runs (it would run code). Pure: text in, text out, and a message for every change.
 *
 * - `{% highlight ruby %}…{% endhighlight %}` becomes a fenced code block (the language kept);
 * - `{% raw %}` and `{% endraw %}` are dropped, and what they wrap is kept as written, unreported;
 * - `{% link _posts/2016-07-26-x.markdown %}` and `{% post_url 2016-07-26-x %}` become the URL of the post they name;
 * - `{{ site.baseurl }}` becomes nothing and `{{ site.url }}` the site's URL (what Jekyll writes for a site at the root);
 * - any other `{% … %}` or `{{ … }}` (`{{< figure >}}` too) outside code is kept as text and reported with its line.
 * Line numbers stay those of the file (a converted tag takes the line it was on), so later messages point right; only
 * code written on the same line as a `{% highlight %}` tag gets a line of its own.
 */
export interface LiquidOptions {
  /** The site's absolute URL, for `{{ site.url }}`. */
  readonly siteUrl: string;
  /** The absolute URL of the post with this slug. */
  readonly postUrl: (slug: string) => string;
  /** Lines before this one (the front matter) are left alone. @default 1 */
  readonly firstLine?: number;
}

export interface LiquidResult {
  readonly text: string;
  readonly messages: readonly PostMessage[];
}

/** Reports of unprocessed tags per post: the first few with their lines, then a count. */
const MAX_REPORTED = 5;

const HIGHLIGHT_OPEN = /^(\s*)\{%-?\s*highlight(?:\s+([\w+#.-]+))?[^%]*-?%\}(.*)$/;
const HIGHLIGHT_CLOSE = /^(.*?)\{%-?\s*endhighlight\s*-?%\}\s*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
// Tags are looked for at most `MAX_TAG_LENGTH` characters long, so a line of a megabyte of `{{{{` costs linear time.
const TAG = /\{%-?\s*(raw|endraw|link|post_url)\b\s*([^%]{0,500}?)\s*-?%\}|\{\{-?\s*site\.(baseurl|url)\s*-?\}\}/g;
const LEFTOVER = /\{%[^\n]{0,500}?%\}|\{\{[^\n]{0,500}?\}\}/g;

/** Quick test before any work: most posts have no `{%` or `{{` at all. */
export function hasTemplateTags(text: string): boolean {
  return text.includes('{%') || text.includes('{{');
}

export function convertLiquid(text: string, options: LiquidOptions): LiquidResult {
  if (!hasTemplateTags(text)) return { text, messages: [] };
  const lines = text.split('\n');
  const out: string[] = [];
  const counts = { highlight: 0, raw: 0, link: 0, site: 0 };
  const firstOf: Partial<Record<keyof typeof counts, number>> = {};
  const note = (kind: keyof typeof counts, line: number) => {
    counts[kind]++;
    firstOf[kind] ??= line;
  };
  const messages: PostMessage[] = [];
  let unprocessed = 0;
  let fence: string | undefined;
  let inRaw = false;
  const firstLine = options.firstLine ?? 1;

  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index]!;
    if (lineNumber < firstLine) {
      out.push(line);
      continue;
    }
    // A `{% highlight %}` block: its content is code, kept as written, in a fence longer than any inside it.
    const open = fence === undefined && !inRaw ? HIGHLIGHT_OPEN.exec(line) : null;
    const close = open ? findHighlightClose(lines, index) : -1;
    if (open && close >= 0) {
      const body = lines.slice(index + 1, close);
      const lastLine = HIGHLIGHT_CLOSE.exec(lines[close]!)![1]!;
      const rest = open[3]!.trim();
      let longest = 2;
      for (const code of [rest, ...body, lastLine]) for (const run of code.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
      const marks = '`'.repeat(longest + 1);
      // The opening tag's line becomes the fence; code on the same line as a tag keeps a line of its own.
      out.push(`${open[1]}${marks}${open[2] ?? ''}`);
      if (rest !== '') out.push(rest);
      out.push(...body);
      if (lastLine.trim() !== '') out.push(lastLine);
      out.push(`${open[1]}${marks}`);
      note('highlight', lineNumber);
      index = close;
      continue;
    }
    const fenceMark = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length && line.trim() === fenceMark) fence = undefined;
      out.push(replaceRawTags(line, () => note('raw', lineNumber)));
      continue;
    }
    if (fenceMark && !inRaw) {
      fence = fenceMark;
      out.push(replaceRawTags(line, () => note('raw', lineNumber)));
      continue;
    }

    // Text: convert the known tags, keep raw regions verbatim, report the rest (outside inline code).
    let converted = '';
    let last = 0;
    const leftoverIn = (segment: string) => {
      if (inRaw || !hasTemplateTags(segment)) return;
      for (const found of withoutInlineCode(segment).match(LEFTOVER) ?? []) {
        unprocessed++;
        if (unprocessed <= MAX_REPORTED) {
          messages.push(warning('liquid:unprocessed',
            `\`${truncate(found)}\` is a template tag of another tool (Jekyll's Liquid or a Hugo shortcode); nothing runs it here, so it is shown as text. Replace it with markdown.`, lineNumber));
        }
      }
    };
    for (const match of line.matchAll(TAG)) {
      const [whole, tag, argument, siteField] = match;
      const before = line.slice(last, match.index);
      leftoverIn(before);
      converted += before;
      last = match.index + whole.length;
      if (tag === 'raw' && inRaw) {
        converted += whole; // `{% raw %}{% raw %}{% endraw %}` shows "{% raw %}"
        continue;
      }
      if (tag === 'raw' || tag === 'endraw') {
        inRaw = tag === 'raw';
        note('raw', lineNumber);
        continue;
      }
      if (inRaw) {
        converted += whole;
        continue;
      }
      if (siteField !== undefined) {
        converted += siteField === 'url' ? options.siteUrl.replace(/\/+$/, '') : '';
        note('site', lineNumber);
        continue;
      }
      const slug = linkedSlug(tag!, argument ?? '');
      if (slug === undefined) {
        converted += whole;
        leftoverIn(whole);
        continue;
      }
      converted += options.postUrl(slug);
      note('link', lineNumber);
    }
    const tail = line.slice(last);
    leftoverIn(tail);
    out.push(converted + tail);
  }

  if (unprocessed > MAX_REPORTED) {
    const more = unprocessed - MAX_REPORTED;
    messages.push(warning('liquid:unprocessed', `${more} more template tag${more === 1 ? '' : 's'} of another tool ${more === 1 ? 'is' : 'are'} shown as text (the first ${MAX_REPORTED} are reported above).`));
  }
  const said: Record<keyof typeof counts, (n: number) => string> = {
    highlight: (n) => `${n} Jekyll \`{% highlight %}\` block${n === 1 ? ' was' : 's were'} turned into fenced code blocks`,
    raw: (n) => `${n} \`{% raw %}\`/\`{% endraw %}\` tag${n === 1 ? ' was' : 's were'} removed (what they wrap is kept as written)`,
    link: (n) => `${n} \`{% link %}\`/\`{% post_url %}\` tag${n === 1 ? ' was' : 's were'} replaced by the URL of the post named`,
    site: (n) => `${n} \`{{ site.url }}\`/\`{{ site.baseurl }}\` ${n === 1 ? 'was' : 'were'} replaced by the site's URL (or nothing, for baseurl)`,
  };
  for (const kind of Object.keys(counts) as (keyof typeof counts)[]) {
    if (counts[kind] > 0) messages.push(info('liquid:converted', `${said[kind](counts[kind])}; the first is here.`, firstOf[kind]));
  }
  return { text: out.join('\n'), messages };
}

/** The line of the `{% endhighlight %}` closing the block opened at `start`, or -1 (then the tag is left as text). */
function findHighlightClose(lines: readonly string[], start: number): number {
  const sameLine = HIGHLIGHT_OPEN.exec(lines[start]!)![3]!;
  if (HIGHLIGHT_CLOSE.test(sameLine)) return -1;
  for (let index = start + 1; index < lines.length; index++) {
    if (HIGHLIGHT_CLOSE.test(lines[index]!)) return index;
    if (HIGHLIGHT_OPEN.test(lines[index]!)) return -1;
  }
  return -1;
}

function replaceRawTags(line: string, seen: () => void): string {
  return line.replace(/\{%-?\s*(?:raw|endraw)\s*-?%\}/g, () => {
    seen();
    return '';
  });
}

/**
 * The slug of the post a `{% link %}` or `{% post_url %}` names, as its file name gives it (a post whose front
 * matter sets another `slug` is not known here: the link is then reported as broken by the site-wide check).
 * Undefined for a link to something that is not a post (a page, an image).
 */
function linkedSlug(tag: string, argument: string): string | undefined {
  const target = argument.trim().replace(/^["']|["']$/g, '');
  if (target === '') return undefined;
  if (tag === 'post_url') return slugFromKey(`${target}.md`) || undefined;
  // `{% link %}` names any file of a Jekyll site; only the posts (in `_posts/`) are posts here.
  return /(^|\/)_posts\/.+\.(md|markdown|mdown|mkd)$/i.test(target) ? slugFromKey(target) || undefined : undefined;
}

/**
 * The text with inline code spans blanked (a tag written as code is an example, not a leftover). Spans are matched
 * by runs of equal length, each run looked up once: linear in the line.
 */
function withoutInlineCode(text: string): string {
  const runs = [...text.matchAll(/`+/g)];
  // The next run of the same length after each run, found from the end in one pass.
  const next = new Array<number>(runs.length).fill(-1);
  const seen = new Map<number, number>();
  for (let i = runs.length - 1; i >= 0; i--) {
    next[i] = seen.get(runs[i]![0].length) ?? -1;
    seen.set(runs[i]![0].length, i);
  }
  let out = '';
  let last = 0;
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i]!;
    const closeAt = next[i]!;
    if (closeAt < 0) continue;
    const close = runs[closeAt]!;
    out += text.slice(last, open.index) + ' '.repeat(close.index + close[0].length - open.index);
    last = close.index + close[0].length;
    i = closeAt;
  }
  return out + text.slice(last);
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
