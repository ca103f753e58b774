import { formatMessage } from '../core/messages.js';
import { ignoredFieldCounts } from '../core/seo-report.js';
import type { PostReport } from '../services/report.js';

/**
 * Terminal lines for an author: one per post, then its warnings (repeats removed or linked, SEO, FAQ…). A rejected
 * post prints each error as `file:line: error: what to fix`, the form editors and CI logs link to.
 */
export function formatReports(reports: ReadonlyMap<string, PostReport>, displayDir: string, showWarnings = true): string[] {
  const lines: string[] = [];
  for (const [key, report] of [...reports].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const file = `${displayDir}/${key}`;
    if (report.status === 'rejected') {
      for (const message of report.errors) lines.push(`✖ ${formatMessage(file, message)}`);
      if (report.stillLive) lines.push(`    the previous version stays published: ${report.stillLive.url}`);
      continue;
    }
    const warnings = report.warnings.length;
    const related = report.site?.related.length ? `, ${report.site.related.length} related` : '';
    const when = report.scheduledFor ? `  for ${report.scheduledFor}` : '';
    lines.push(`${report.status === 'published' ? '✔' : '•'} ${report.status.padEnd(9)} ${file}${report.url ? `  → ${report.url}` : ''}${when}  (${warnings} warning${warnings === 1 ? '' : 's'}${related})`);
    if (showWarnings) for (const message of report.warnings) lines.push(`    ${formatMessage(file, message)}`);
  }
  return lines;
}

/** Lines for the files of a content folder that are not posts: each once, with the reason. */
export function formatSkipped(skipped: readonly { readonly path: string; readonly reason: string }[], displayDir: string): string[] {
  return skipped.map(({ path, reason }) => `- skipped   ${displayDir}/${path}  (${reason})`);
}

/** One line naming the front matter fields the pipeline ignored across the site, with how many posts have each. */
export function formatIgnoredFields(reports: ReadonlyMap<string, PostReport>): string[] {
  const counts = Object.entries(ignoredFieldCounts([...reports.values()].map((report) => report.notes)));
  if (counts.length === 0) return [];
  return [`front matter fields not used by this pipeline (ignored): ${counts.map(([name, posts]) => `${name} (${posts} post${posts === 1 ? '' : 's'})`).join(', ')}`];
}
