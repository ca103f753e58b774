import { describe, expect, it } from 'vitest';
import { newestTimestamp, sortNewestFirst } from '../../lambdas/core/site/order.js';
import { displayDate } from '../../lambdas/core/site/text.js';
import { canonicalTimestamp, compareTimestamps, isCanonicalTimestamp } from '../../lambdas/core/site/timestamps.js';
import { prng } from '../support/prng.js';
import { makePost } from './fixtures.js';

/** Instants from year 0 to past 9999 (where `toISOString` switches to the extended `+010000-…` form). */
function randomInstants(seed: number, count: number): string[] {
  const random = prng(seed);
  const min = Date.UTC(0, 0, 1) - 86_400_000;
  const max = Date.UTC(10001, 0, 1);
  const edges = [Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), Date.UTC(2024, 3, 1), min];
  return Array.from({ length: count }, () => {
    const at = random() < 0.2 ? edges[Math.floor(random() * edges.length)]! : min + Math.floor(random() * (max - min));
    return new Date(at).toISOString();
  });
}

const sign = (n: number) => (n > 0 ? 1 : n < 0 ? -1 : 0);

describe('compareTimestamps', () => {
  it('orders ISO timestamps as Date.parse does, across the switch to extended years', () => {
    const instants = randomInstants(11, 400);
    for (let i = 0; i < instants.length; i++) {
      const a = instants[i]!;
      const b = instants[(i * 7 + 3) % instants.length]!;
      expect(sign(compareTimestamps(a, b)), `${a} vs ${b}`).toBe(sign(Date.parse(a) - Date.parse(b)));
    }
  });

  it('parses timestamps not in the canonical form', () => {
    expect(isCanonicalTimestamp('2024-04-01T00:00:00.000Z')).toBe(true);
    expect(isCanonicalTimestamp('+010000-01-01T00:00:00.000Z')).toBe(false);
    expect(isCanonicalTimestamp('2024-04-01T02:00:00+02:00')).toBe(false);
    // Same instant in two forms: equal, though the strings differ.
    expect(compareTimestamps('2024-04-01T00:00:00.000Z', '2024-04-01T02:00:00+02:00')).toBe(0);
    expect(canonicalTimestamp('2024-04-01T02:00:00+02:00')).toBe('2024-04-01T00:00:00.000Z');
    expect(displayDate('2024-04-01T23:30:00-02:00')).toBe('2024-04-02');
  });

  it('gives the newest timestamp and the newest-first order that parsing every date gives', () => {
    const instants = randomInstants(12, 300);
    const reference = (xs: readonly string[]) => xs.reduce((newest, x) => (Date.parse(x) > Date.parse(newest) ? x : newest));
    expect(newestTimestamp(instants)).toBe(reference(instants));
    const posts = instants.map((date, i) => makePost({ key: `p${String(i % 50).padStart(2, '0')}-${i}.md`, slug: `p${i}`, date, updated: date }));
    const expected = [...posts].sort((a, b) => Date.parse(b.date!) - Date.parse(a.date!) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    expect(sortNewestFirst(posts).map((post) => post.key)).toEqual(expected.map((post) => post.key));
  });
});
