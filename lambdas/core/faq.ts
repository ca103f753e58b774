/**
 * FAQ pairs across pages: fingerprints and which page marks up a pair. Pure and parser-free, so the publisher
 * (post pages, ownership) can use it without bundling the markdown parser; extracting pairs from a post is
 * faq-extract.ts (ingest).
 */
import { createHash } from 'node:crypto';
import type { FaqPair } from './types.js';

export type { FaqPair } from './types.js';

/** Normalised text for comparing questions and answers: NFKC, lower case, punctuation and spacing ignored. */
export function normalizeFaqText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Short stable id of a question–answer pair: the same Q&A (up to case, spacing, punctuation) on two pages has the same one. */
export function faqFingerprint(pair: Pick<FaqPair, 'question' | 'answerText'>): string {
  return createHash('sha256').update(`${normalizeFaqText(pair.question)}\n${normalizeFaqText(pair.answerText)}`).digest('hex').slice(0, 16);
}

/** One page's claim on its FAQ pairs, for `chooseFaqOwners`. */
export interface FaqOwnerCandidate {
  readonly postKey: string;
  /** ISO 8601; undated pages come after dated ones. */
  readonly date?: string;
  readonly fingerprints: readonly string[];
}

/**
 * Google wants a Q&A marked up on one page only. Each fingerprint goes to the earliest page that has it: earliest
 * `date` first, undated pages after dated ones, then by `postKey`. Deterministic whatever the input order; when the
 * owner is deleted, running this again on the remaining pages hands the pair to the next-earliest.
 */
export function chooseFaqOwners(pages: readonly FaqOwnerCandidate[]): Map<string, string> {
  const time = (page: FaqOwnerCandidate) => (page.date === undefined ? Number.NaN : Date.parse(page.date));
  const ordered = [...pages].sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
    if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1;
    return a.postKey < b.postKey ? -1 : a.postKey > b.postKey ? 1 : 0;
  });
  const owners = new Map<string, string>();
  for (const page of ordered) {
    for (const fingerprint of page.fingerprints) if (!owners.has(fingerprint)) owners.set(fingerprint, page.postKey);
  }
  return owners;
}

/** A post's claim for `chooseFaqOwners`. */
export function faqOwnerCandidate(post: { readonly key: string; readonly date?: string; readonly faq?: readonly FaqPair[] }): FaqOwnerCandidate {
  return { postKey: post.key, ...(post.date !== undefined && { date: post.date }), fingerprints: (post.faq ?? []).map(faqFingerprint) };
}

/** Fingerprints of the post's pairs it may mark up: those `owners` gives to it, or to nobody. For `renderPostPage`'s `faqFingerprints`. */
export function ownedFaqFingerprints(post: { readonly key: string; readonly faq?: readonly FaqPair[] }, owners: ReadonlyMap<string, string>): string[] {
  return (post.faq ?? []).map(faqFingerprint).filter((fingerprint) => (owners.get(fingerprint) ?? post.key) === post.key);
}
