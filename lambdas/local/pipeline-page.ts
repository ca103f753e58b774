import { formatMessage } from '../core/messages.js';
import { escapeHtml } from '../core/site/html.js';
import type { PostMessage } from '../core/types.js';
import type { PostReport } from '../services/report.js';

/**
 * The author's page of the local preview (`/_pipeline/`, never published): what the pipeline did to each post and why,
 * read from the reports it writes (`reports/<file>.json`, `reports/_site.json`) and the posts' source, nothing
 * computed again. Pure: data in, HTML out.
 */

/** The site summary as the publisher writes it (`reports/_site.json`). */
export interface SiteSummary {
  readonly posts: number;
  readonly summary: readonly { readonly key: string; readonly warnings: number; readonly rules: Readonly<Record<string, number>> }[];
  readonly ignoredFields?: Readonly<Record<string, number>>;
  /** Addresses that answer `410 Gone`: the pages (and old addresses) of deleted posts. */
  readonly gone?: readonly string[];
}

export const PIPELINE_PATH = '/_pipeline/';

/** Columns the post list sorts by (`?sort=`), each with its order. */
const SORTS = {
  file: (a: Row, b: Row) => compare(a.key, b.key),
  status: (a: Row, b: Row) => compare(a.report.status, b.report.status) || compare(a.key, b.key),
  errors: (a: Row, b: Row) => b.report.errors.length - a.report.errors.length || compare(a.key, b.key),
  warnings: (a: Row, b: Row) => b.report.warnings.length - a.report.warnings.length || compare(a.key, b.key),
  notes: (a: Row, b: Row) => b.report.notes.length - a.report.notes.length || compare(a.key, b.key),
} as const;
export type PipelineSort = keyof typeof SORTS;

interface Row { readonly key: string; readonly report: PostReport }

/** `/_pipeline/`: every post with its status and counts (sortable), and the site-wide summary with a chart of warnings by rule. */
export function renderPipelineIndex(reports: ReadonlyMap<string, PostReport>, site: SiteSummary | undefined, sort: string | null): string {
  const order: PipelineSort = sort !== null && sort in SORTS ? (sort as PipelineSort) : 'warnings';
  const rows = [...reports].map(([key, report]) => ({ key, report })).sort(SORTS[order]);
  const count = (status: string) => rows.filter((row) => row.report.status === status).length;
  const byRule = new Map<string, number>();
  for (const { report } of rows) for (const message of report.warnings) byRule.set(message.ruleId, (byRule.get(message.ruleId) ?? 0) + 1);
  const rules = [...byRule].sort(([a, m], [b, n]) => n - m || compare(a, b));
  const most = rules[0]?.[1] ?? 1;
  const header = (column: PipelineSort, label: string) =>
    `<th scope="col"${column === order ? ' aria-sort="descending"' : ''}><a href="${PIPELINE_PATH}?sort=${column}">${label}</a></th>`;
  return page('What the pipeline did', `
<h1>What the pipeline did</h1>
<p class="totals">${rows.length} posts: <strong>${count('published')}</strong> published, ${count('draft')} drafts,
<strong>${count('rejected')}</strong> rejected; ${rows.reduce((n, row) => n + row.report.warnings.length, 0)} warnings.</p>
<section aria-labelledby="rules"><h2 id="rules">Warnings by rule</h2>
${rules.length === 0 ? '<p>No warnings.</p>' : `<table class="chart"><tbody>
${rules.map(([rule, n]) => `<tr><th scope="row">${escapeHtml(rule)}</th><td><span class="bar" style="width:${Math.max(2, Math.round((85 * n) / most))}%"></span>${n}</td></tr>`).join('\n')}
</tbody></table>`}
${site?.ignoredFields && Object.keys(site.ignoredFields).length > 0
    ? `<p>Front matter fields not used (ignored): ${Object.entries(site.ignoredFields).map(([name, n]) => `<code>${escapeHtml(name)}</code> (${n})`).join(', ')}.</p>` : ''}
${site?.gone && site.gone.length > 0
    ? `<p>Addresses of deleted posts, answered <code>410 Gone</code>: ${site.gone.map((path) => `<code>${escapeHtml(path)}</code>`).join(', ')}.</p>` : ''}
</section>
<section aria-labelledby="posts"><h2 id="posts">Posts</h2>
<table class="posts"><thead><tr>${header('file', 'File')}${header('status', 'Status')}<th scope="col">Title</th>${header('errors', 'Errors')}${header('warnings', 'Warnings')}${header('notes', 'Notes')}<th scope="col">Related</th></tr></thead>
<tbody>
${rows.map(({ key, report }) => `<tr class="${report.status}"><td><a href="${postPagePath(key)}">${escapeHtml(key)}</a></td><td>${report.status}${report.scheduledFor ? ` for ${escapeHtml(readableTime(report.scheduledFor))}` : ''}</td>`
    + `<td>${report.url ? `<a href="${escapeHtml(new URL(report.url).pathname)}">${escapeHtml(report.title ?? '')}</a>` : escapeHtml(report.title ?? '')}</td>`
    + `<td>${report.errors.length}</td><td>${report.warnings.length}</td><td>${report.notes.length}</td><td>${report.site?.related.length ?? 0}</td></tr>`).join('\n')}
</tbody></table></section>`);
}

/** `/_pipeline/post?file=…`: one post's messages with `file:line`, its repeats beside what they repeat, FAQ, related posts, canonical. */
export function renderPipelinePost(key: string, report: PostReport, source: string | undefined, sources: ReadonlyMap<string, string>): string {
  const lines = source?.split('\n') ?? [];
  const messages = [...report.errors, ...report.warnings, ...report.notes];
  const compared = messages.filter((message) => message.related !== undefined && message.line !== undefined);
  const faq = messages.filter((message) => message.ruleId.startsWith('faq:'));
  const site = report.site;
  return page(`${key}: what the pipeline did`, `
<p><a href="${PIPELINE_PATH}">All posts</a></p>
<h1>${escapeHtml(report.title ?? key)}</h1>
<p>File <code>${escapeHtml(report.file)}</code>: <strong>${report.status}</strong>${report.url ? `, at <a href="${escapeHtml(new URL(report.url).pathname)}">${escapeHtml(new URL(report.url).pathname)}</a>` : ''}.
${site?.canonicalUrl ? `A near copy of an earlier post: its canonical URL is <a href="${escapeHtml(site.canonicalUrl)}">${escapeHtml(site.canonicalUrl)}</a>.` : ''}
${report.stillLive ? `The previous version stays published: <a href="${escapeHtml(report.stillLive.url)}">${escapeHtml(report.stillLive.title)}</a>.` : ''}
${report.scheduledFor ? `Scheduled: published at <time datetime="${escapeHtml(report.scheduledFor)}">${escapeHtml(readableTime(report.scheduledFor))}</time>, not before.` : ''}
${report.datedByFirstPublished ? `No <code>date</code>: dated <time datetime="${escapeHtml(report.datedByFirstPublished.at)}">${escapeHtml(readableTime(report.datedByFirstPublished.at))}</time>, when it was first published (${FIRST_PUBLISHED_SOURCES[report.datedByFirstPublished.from]}).` : ''}</p>
<section aria-labelledby="messages"><h2 id="messages">Messages</h2>
${messages.length === 0 ? '<p>None.</p>' : `<table class="messages"><thead><tr><th scope="col">Where</th><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">What to do</th></tr></thead><tbody>
${messages.map((message) => `<tr class="${message.severity}"><td><code>${escapeHtml(where(report.file, message))}</code></td><td>${message.severity}</td><td>${escapeHtml(message.ruleId)}</td><td>${escapeHtml(message.reason)}</td></tr>`).join('\n')}
</tbody></table>`}
</section>
${compared.length === 0 ? '' : `<section aria-labelledby="repeats"><h2 id="repeats">Repeats, beside what they repeat</h2>
${compared.map((message) => {
    const other = message.related!.file === undefined ? lines : sources.get(message.related!.file)?.split('\n') ?? [];
    const otherName = message.related!.file === undefined ? `line ${message.related!.line ?? '?'}` : `${message.related!.file}${message.related!.line ? `:${message.related!.line}` : ''}`;
    return `<figure class="pair"><figcaption>${escapeHtml(message.ruleId)}: ${escapeHtml(message.reason)}</figcaption>
<div><h3>Line ${message.line}</h3><pre>${escapeHtml(blockAt(lines, message.line!))}</pre></div>
<div><h3>${escapeHtml(otherName)}</h3><pre>${escapeHtml(message.related!.line === undefined ? headingOf(other) : blockAt(other, message.related!.line))}</pre></div></figure>`;
  }).join('\n')}</section>`}
<section aria-labelledby="redirects"><h2 id="redirects">Old addresses</h2>
${!report.redirects || report.redirects.length === 0 ? '<p>None: no other address leads here.</p>' : `<p>These answer <code>301</code> with this post's page (with or without a trailing slash, or <code>/index.html</code>):</p>
<ul>${report.redirects.map((redirect) => `<li><a href="${escapeHtml(redirect.from)}"><code>${escapeHtml(redirect.from)}</code></a>: ${redirect.why === 'moved' ? 'where its page was before' : 'named in its front matter'}</li>`).join('')}</ul>`}
</section>
<section aria-labelledby="faq"><h2 id="faq">FAQ</h2>
<p>${site ? `${site.faqPairs} question–answer pair${site.faqPairs === 1 ? '' : 's'} found, ${site.faqMarkedUp} marked up as <code>FAQPage</code>.` : 'Not published.'}
${site && site.faqPairs === 0 && faq.length === 0 ? 'The post has no FAQ section and no <code>faq:</code> in its front matter.' : ''}</p>
${faq.length === 0 ? '' : `<ul>${faq.map((message) => `<li><code>${escapeHtml(where(report.file, message))}</code> ${escapeHtml(message.reason)} <small>[${escapeHtml(message.ruleId)}]</small></li>`).join('')}</ul>`}
</section>
<section aria-labelledby="related"><h2 id="related">Related posts</h2>
${!site || site.related.length === 0 ? '<p>None.</p>' : `<table><thead><tr><th scope="col">Post</th><th scope="col">Score</th><th scope="col">Shared terms</th><th scope="col">Shared tags</th></tr></thead><tbody>
${site.related.map((entry) => `<tr><td>${entry.url ? `<a href="${escapeHtml(new URL(entry.url).pathname)}">${escapeHtml(entry.title ?? entry.file)}</a>` : escapeHtml(entry.file)}</td><td>${entry.score.toFixed(4)}</td><td>${escapeHtml(entry.sharedTerms.join(', '))}</td><td>${escapeHtml(entry.sharedTags.join(', '))}</td></tr>`).join('\n')}
</tbody></table>`}
</section>`);
}

/** Where a first-published time came from, in the author's words. */
const FIRST_PUBLISHED_SOURCES = { commit: 'the commit that added the file', file: 'the file\'s modification time', upload: 'its first upload' } as const;

/** `2024-04-01 09:30:00 UTC`. */
function readableTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function postPagePath(key: string): string {
  return `${PIPELINE_PATH}post?file=${encodeURIComponent(key)}`;
}

/** `posts/a.md:39` as the CLI prints it (the message's own words are in their column). */
function where(file: string, message: PostMessage): string {
  return formatMessage(file, message).split(': ')[0]!;
}

/**
 * The source text starting at `line` (1-based): a section when the line is its heading (up to the next heading of
 * the same or a higher level), else the block (up to the next blank line); at most 40 lines, then an ellipsis.
 */
function blockAt(lines: readonly string[], line: number): string {
  const level = /^(#{1,6})\s/.exec(lines[line - 1] ?? '')?.[1]!.length;
  const block: string[] = [];
  for (let index = line - 1; index < lines.length; index++) {
    const text = lines[index]!;
    if (block.length > 0) {
      if (level === undefined && text.trim() === '') break;
      const heading = /^(#{1,6})\s/.exec(text)?.[1]!.length;
      if (level !== undefined && heading !== undefined && heading <= level) break;
    }
    if (block.length === 40) {
      block.push('…');
      break;
    }
    block.push(text);
  }
  return block.join('\n').trimEnd();
}

function headingOf(lines: readonly string[]): string {
  return lines.find((line) => /^#{1,6}\s/.test(line)) ?? '';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:0 auto;padding:1rem 1.5rem;color:#1d1d1f}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
th a{display:inline-block;min-height:24px}.rejected td,.error td{background:#fdecea}.warning td{background:#fff8e1}
.chart th{width:16rem;font-weight:normal}.bar{display:inline-block;height:.8rem;background:#3a6ea5;margin-right:.5rem;vertical-align:middle}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin:1rem 0;border:1px solid #ddd;padding:.75rem}
.pair figcaption{grid-column:1/3}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem;margin:0}h3{font-size:1rem;margin:.25rem 0}
a{color:#0b57d0}
</style></head><body>
${body}
</body></html>
`;
}
