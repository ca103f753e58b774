import { formatMessage } from '../core/messages.js';
import type { IngestResult } from '../services/ingest.js';

/** The latest result per key: stale and ignored events do not replace a real outcome. */
export class ResultLog {
  private readonly latest = new Map<string, IngestResult>();

  record(result: IngestResult): void {
    if (result.action === 'stale' || result.action === 'ignored') return;
    this.latest.set(result.key, result);
  }

  take(): IngestResult[] {
    const results = [...this.latest.values()].sort((a, b) => a.key.localeCompare(b.key));
    this.latest.clear();
    return results;
  }
}

/**
 * Human-readable lines for the terminal: one per post, then the author-facing messages. For a rejected post,
 * each error is one `file:line: error: what to fix` line, the form editors and CI logs link to.
 */
export function formatResults(results: readonly IngestResult[], displayDir: string, showWarnings = true): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const file = `${displayDir}/${result.key}`;
    const errors = result.messages.filter((m) => m.severity === 'error');
    const warnings = result.messages.filter((m) => m.severity === 'warning');
    if (result.action === 'rejected') {
      for (const message of errors) lines.push(`✖ ${formatMessage(file, message)}`);
      continue;
    }
    lines.push(`${result.action === 'published' ? '✔' : '•'} ${result.action.padEnd(9)} ${file}${warnings.length ? `  (${warnings.length} warning${warnings.length > 1 ? 's' : ''})` : ''}`);
    if (showWarnings) for (const message of warnings) lines.push(`    ${formatMessage(file, message)}`);
  }
  return lines;
}
