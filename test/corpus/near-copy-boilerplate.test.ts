/**
 * A near copy of a post (canonical to it) is that post published again, not one more post using a template: a section
 * found in an original, its near copy and one more post is a section repeated from the original (linked), not
 * boilerplate. Through the publisher's corpus step, in both engines, whatever order the posts arrive in.
 */
import { describe, expect, it } from 'vitest';
import { config, emulated, expectSame, inProcess } from '../support/equivalence.js';
import { markdown, prose } from './fixtures.js';

const SHARED = prose(4242, 80);
const posts = new Map([
  ['original.md', markdown({ key: 'original.md', title: 'The original', date: '2024-01-01', sections: [['Shared part', SHARED], ['Own one', prose(11, 120)], ['Own two', prose(12, 120)], ['Own three', prose(13, 120)]] })],
  // The same post again, one section's wording changed a little: a near copy.
  ['original-again.md', markdown({ key: 'original-again.md', title: 'The original, again', date: '2024-02-01', sections: [['Shared part', SHARED], ['Own one', prose(11, 120)], ['Own two', prose(12, 120)], ['Own three', `${prose(13, 110)} A few words changed here.`]] })],
  ['later.md', markdown({ key: 'later.md', title: 'A later post', date: '2024-03-01', sections: [['Its own', prose(21, 120)], ['Pasted', SHARED]] })],
]);

describe('a near copy does not make a shared section boilerplate', () => {
  it('links the later post\'s pasted section to the original, in both engines, in any order', async () => {
    const built = await inProcess(posts);
    const report = (key: string) => JSON.parse(built.reports.get(`${key}.json`)!);
    expect(report('original-again.md').site.canonicalUrl).toBe(`${config.siteUrl}/posts/original/`);
    const later = report('later.md');
    expect(later.site.boilerplateBlocks).toBe(0);
    expect(later.site.decisions).toContainEqual(expect.objectContaining({ kind: 'section-linked' }));
    expect(built.site.get('posts/later/index.html')).toContain(`href="${config.siteUrl}/posts/original/#shared-part"`);
    // The later post first, then the copy, then the original: every decision is taken again as posts arrive.
    const history = ['later.md', 'original-again.md', 'original.md'].map((key) => ({ key, text: posts.get(key)! }));
    expectSame(await emulated(history, 1), built);
  }, 120_000);
});
