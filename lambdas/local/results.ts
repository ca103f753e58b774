import { GetObjectCommand } from '@aws-sdk/client-s3';
import { formatMessage } from '../core/messages.js';
import type { PostReport } from '../services/report.js';
import { listKeys } from './content-files.js';
import type { EmbeddedStack } from './embedded-stack.js';

/** The authors' reports as the pipeline left them in the source bucket (`reports/<file>.json`), by post key. */
export async function readReports(stack: EmbeddedStack, keys?: readonly string[]): Promise<Map<string, PostReport>> {
  const { reportsPrefix } = stack.source.layout;
  const wanted = keys ? keys.map((key) => stack.source.reportKey(key)) : await listKeys(stack.s3, stack.names.sourceBucket, reportsPrefix);
  const reports = new Map<string, PostReport>();
  // Post reports only (`<file>.md.json`); the site summary `_site.json` is read on its own.
  for (const objectKey of wanted.filter((name) => name.toLowerCase().endsWith('.md.json'))) {
    try {
      const out = await stack.s3.send(new GetObjectCommand({ Bucket: stack.names.sourceBucket, Key: objectKey }));
      reports.set(objectKey.slice(reportsPrefix.length, -'.json'.length), JSON.parse(await out.Body!.transformToString()) as PostReport);
    } catch (err) {
      if ((err as { name?: string }).name !== 'NoSuchKey') throw err;
    }
  }
  return reports;
}

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
    lines.push(`${report.status === 'published' ? '✔' : '•'} ${report.status.padEnd(9)} ${file}${report.url ? `  → ${report.url}` : ''}  (${warnings} warning${warnings === 1 ? '' : 's'}${related})`);
    if (showWarnings) for (const message of report.warnings) lines.push(`    ${formatMessage(file, message)}`);
  }
  return lines;
}
