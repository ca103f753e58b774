/**
 * Dates as the front matter writes them. Kept apart from frontmatter.ts (which needs the YAML parser) because the
 * publisher orders posts by these dates too (cross-post.ts) and must not bundle the parser.
 */

/** `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time with `Z` or an offset; rejects impossible dates like 2024-02-30. */
export function parseDate(value: string): string | undefined {
  const trimmed = value.trim();
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (dateOnly) {
    const [, y, m, d] = dateOnly.map(Number) as [number, number, number, number];
    const instant = new Date(Date.UTC(y, m - 1, d));
    return instant.getUTCFullYear() === y && instant.getUTCMonth() === m - 1 && instant.getUTCDate() === d
      ? instant.toISOString() : undefined;
  }
  const dateTime = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.exec(trimmed);
  if (!dateTime) return undefined;
  const instant = new Date(trimmed.replace(' ', 'T'));
  return Number.isNaN(instant.getTime()) || parseDate(trimmed.slice(0, 10)) === undefined ? undefined : instant.toISOString();
}
