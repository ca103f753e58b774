import type { PostMessage } from './types.js';

/** Small constructors so every module reports problems the same way (unified's `file.message` model). */
export const error = (ruleId: string, reason: string, line?: number, column?: number): PostMessage =>
  ({ severity: 'error', ruleId, reason, ...(line !== undefined && { line }), ...(column !== undefined && { column }) });

export const warning = (ruleId: string, reason: string, line?: number, column?: number): PostMessage =>
  ({ severity: 'warning', ruleId, reason, ...(line !== undefined && { line }), ...(column !== undefined && { column }) });

export const info = (ruleId: string, reason: string, line?: number): PostMessage =>
  ({ severity: 'info', ruleId, reason, ...(line !== undefined && { line }) });

export const hasErrors = (messages: readonly PostMessage[]): boolean => messages.some((m) => m.severity === 'error');

/** `posts/a.md:3: front matter: ...` — the one-line form the CLI prints for an author. */
export function formatMessage(file: string, message: PostMessage): string {
  const where = message.line ? `${file}:${message.line}${message.column ? `:${message.column}` : ''}` : file;
  return `${where}: ${message.severity}: ${message.reason} [${message.ruleId}]`;
}
