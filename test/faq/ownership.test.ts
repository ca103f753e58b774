import { describe, expect, it } from 'vitest';
import { chooseFaqOwners, faqFingerprint, faqOwnerCandidate, ownedFaqFingerprints } from '../../lambdas/core/faq.js';
import { renderPostPage } from '../../lambdas/core/site/post-page.js';
import { faqPages, markedUp, md, post, testConfig, visibleMain } from './helpers.js';

const sharedFaq = '## FAQ\n\n### Is ketamine therapy safe?\n\nYes, under medical supervision.\n\n### How long does it last?\n\nWeeks to months.';
const older = post(md('title: Older post\ndate: 2023-01-01', sharedFaq), 'older.md');
const newer = post(md('title: Newer post\ndate: 2024-01-01', `${sharedFaq}\n\n### Only here?\n\nYes, only on the newer post.`), 'newer.md');
const undated = post(md('title: Undated post', sharedFaq), 'a-undated.md');

describe('faqFingerprint', () => {
  it('is the same for the same Q&A up to case, spacing and punctuation', () => {
    const a = faqFingerprint({ question: 'Is it safe?', answerText: 'Yes, under supervision.' });
    expect(faqFingerprint({ question: '  is IT   safe ', answerText: 'yes under supervision' })).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });

  it('differs when the question or the answer differs', () => {
    const a = faqFingerprint({ question: 'Is it safe?', answerText: 'Yes.' });
    expect(faqFingerprint({ question: 'Is it safe?', answerText: 'No.' })).not.toBe(a);
    expect(faqFingerprint({ question: 'Is it legal?', answerText: 'Yes.' })).not.toBe(a);
    // Question and answer are kept apart: moving words between them changes the fingerprint.
    expect(faqFingerprint({ question: 'Is it', answerText: 'safe Yes.' })).not.toBe(a);
  });
});

describe('chooseFaqOwners', () => {
  it('gives each shared pair to the earliest post, undated posts last, then by key, whatever the input order', () => {
    const pages = [faqOwnerCandidate(undated), faqOwnerCandidate(newer), faqOwnerCandidate(older)];
    const owners = chooseFaqOwners(pages);
    const [safe, lasts] = older.faq!.map(faqFingerprint);
    expect(owners.get(safe!)).toBe('older.md');
    expect(owners.get(lasts!)).toBe('older.md');
    expect(owners.get(faqFingerprint(newer.faq![2]!))).toBe('newer.md');
    expect(chooseFaqOwners([...pages].reverse())).toEqual(owners);
    expect(owners.size).toBe(3);
  });

  it('breaks date ties by key and puts undated pages after dated ones', () => {
    expect(chooseFaqOwners([
      { postKey: 'b.md', date: '2024-01-01T00:00:00.000Z', fingerprints: ['f'] },
      { postKey: 'a.md', date: '2024-01-01T00:00:00.000Z', fingerprints: ['f'] },
    ]).get('f')).toBe('a.md');
    expect(chooseFaqOwners([
      { postKey: 'a.md', fingerprints: ['f'] },
      { postKey: 'z.md', date: '2030-01-01T00:00:00.000Z', fingerprints: ['f'] },
    ]).get('f')).toBe('z.md');
    expect(chooseFaqOwners([{ postKey: 'b.md', fingerprints: ['f'] }, { postKey: 'a.md', fingerprints: ['f'] }]).get('f')).toBe('a.md');
  });

  it('hands the pairs to the next-earliest post when the owner is deleted', () => {
    const before = chooseFaqOwners([older, newer, undated].map(faqOwnerCandidate));
    const after = chooseFaqOwners([newer, undated].map(faqOwnerCandidate));
    for (const fingerprint of older.faq!.map(faqFingerprint)) {
      expect(before.get(fingerprint)).toBe('older.md');
      expect(after.get(fingerprint)).toBe('newer.md');
    }
    // With the dated posts gone, the undated one owns them.
    const last = chooseFaqOwners([faqOwnerCandidate(undated)]);
    expect([...new Set(last.values())]).toEqual(['a-undated.md']);
  });
});

describe('renderPostPage faqFingerprints option', () => {
  const owners = chooseFaqOwners([older, newer, undated].map(faqOwnerCandidate));

  it('marks up only the pairs the page owns, and still shows the others', () => {
    const owned = ownedFaqFingerprints(newer, owners);
    expect(owned).toEqual([faqFingerprint(newer.faq![2]!)]);
    const page = renderPostPage(newer, testConfig, { faqFingerprints: owned }).body;
    expect(markedUp(page).map(([question]) => question)).toEqual(['Only here?']);
    expect(visibleMain(page)).toContain('Is ketamine therapy safe? Yes, under medical supervision.');
  });

  it('marks up everything by default, and nothing (no FAQPage at all) when it owns nothing', () => {
    expect(markedUp(renderPostPage(newer, testConfig).body)).toHaveLength(3);
    expect(markedUp(renderPostPage(older, testConfig, { faqFingerprints: ownedFaqFingerprints(older, owners) }).body)).toHaveLength(2);
    const page = renderPostPage(undated, testConfig, { faqFingerprints: ownedFaqFingerprints(undated, owners) }).body;
    expect(faqPages(page)).toEqual([]);
    expect(page).toContain('Is ketamine therapy safe?');
  });

  it('treats a pair no one has claimed as the page’s own', () => {
    expect(ownedFaqFingerprints(newer, new Map())).toHaveLength(3);
  });
});
