import { describe, expect, it } from 'vitest';
import { slugFromKey, toSlug } from '../../lambdas/core/slug.js';

describe('toSlug', () => {
  it('makes one safe URL segment of any string', () => {
    expect(toSlug('Ｈｅｌｌｏ　Ｗｏｒｌｄ')).toBe('hello-world');
    expect(toSlug('../../etc/passwd')).toBe('etc-passwd');
    expect(toSlug('C++ & Rust__tips')).toBe('c-rust-tips');
    expect(toSlug('!!!')).toBe('');
    expect(slugFromKey('2024/My Post.md')).toBe('my-post');
  });

  it('answers the same after its memo has started over, and for inputs too long to remember', () => {
    const inputs = Array.from({ length: 25_000 }, (_, i) => `Tag ${i} · ${'x'.repeat(i % 3 === 0 ? 250 : 3)}`);
    const first = inputs.map(toSlug);
    expect(first[7]).toBe('tag-7-xxx');
    expect(first[9]).toBe(`tag-9-${'x'.repeat(250)}`.slice(0, 120));
    // A second pass meets some inputs remembered and others forgotten when the memo filled up.
    expect(inputs.map(toSlug)).toEqual(first);
    expect([...inputs].reverse().map(toSlug)).toEqual([...first].reverse());
  });
});
