/**
 * Negative when ISO timestamp `a` is earlier than `b`, positive when later, 0 when the same instant.
 * Post dates are stored as `toISOString()` writes them (`2024-04-01T00:00:00.000Z`, years 0 to 9999): in that
 * form the text order is the time order, so listings of thousands of posts compare strings instead of parsing
 * dates at every comparison. Any other form (an extended year such as `+010000-…`) is parsed.
 */
export function compareTimestamps(a: string, b: string): number {
  if (isCanonicalTimestamp(a) && isCanonicalTimestamp(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Date.parse(a) - Date.parse(b);
}

/**
 * `YYYY-MM-DDTHH:mm:ss.sssZ`, the form `toISOString()` writes for years 0 to 9999. Checks the length and the
 * separators only (no regular expression: this runs at every comparison of a sort); the digits are the producer's
 * (`parseDate`) to guarantee.
 */
export function isCanonicalTimestamp(timestamp: string): boolean {
  return timestamp.length === 24 && timestamp.charCodeAt(23) === 90 /* Z */ && timestamp.charCodeAt(10) === 84 /* T */
    && timestamp.charCodeAt(4) === 45 /* - */ && timestamp.charCodeAt(7) === 45 /* - */ && timestamp.charCodeAt(19) === 46 /* . */;
}

/** An ISO timestamp in the canonical form (`toISOString()`), parsed only when it is in another form. */
export function canonicalTimestamp(timestamp: string): string {
  return isCanonicalTimestamp(timestamp) ? timestamp : new Date(timestamp).toISOString();
}
