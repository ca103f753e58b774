/** Seeded random edit histories for the event-replay tests: uploads, broken edits, drafts, slug and tag changes, deletes. */
import { post } from '../integration/stack-helpers.js';

export const KEYS = ['replay/alpha.md', 'replay/beta.md', 'replay/gamma delta.md', 'replay/épsilon+zeta.md', 'replay/eta.md', 'replay/theta.md', 'replay/iota.md', 'replay/kappa.md'];
const WORDS = 'ketamine therapy depression sleep anxiety session clinic research dose patient mood brain study trial care plan week doctor nurse family music light walk breath calm focus'.split(' ');

export type Op = { readonly key: string; readonly action: 'put'; readonly text: string; readonly kind: 'valid' | 'broken' | 'draft' } | { readonly key: string; readonly action: 'delete' };

export function generate(random: () => number, count: number): Op[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  let version = 0;
  const content = (key: string, kind: 'valid' | 'broken' | 'draft'): string => {
    version++;
    const index = KEYS.indexOf(key);
    if (kind === 'broken') return `---\ntitle: Broken v${version}\ndate: 2024-13-45\n---\n\n${words(20)}\n`;
    const fields: Record<string, string> = {
      title: `Post ${index} version ${version}`,
      date: `2024-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 10)}`,
      tags: `[${['news', 'research', 'care', 'music'].filter(() => random() < 0.5).join(', ')}]`,
    };
    const slug = random();
    if (slug < 0.3) fields.slug = `post-${index}-a`;
    else if (slug < 0.6) fields.slug = `post-${index}-b`;
    if (kind === 'draft') fields.draft = 'true';
    return post(fields, `Version ${version} of post ${index}. ${words(40)}.\n\n## ${words(3)}\n\n${words(60)}.`);
  };
  const exists = new Set<string>();
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    const key = pick(KEYS);
    const roll = random();
    if (roll < 0.2 && exists.has(key)) {
      ops.push({ key, action: 'delete' });
      exists.delete(key);
      continue;
    }
    const kind = roll < 0.32 ? 'broken' : roll < 0.42 ? 'draft' : 'valid';
    ops.push({ key, action: 'put', text: content(key, kind), kind });
    exists.add(key);
  }
  // The final object of a key is never a broken edit: a broken edit keeps an earlier version live, and which one
  // depends on what was processed before, which the reference build (final objects only) cannot know.
  const last = new Map<string, Op>();
  for (const op of ops) last.set(op.key, op);
  for (const [key, op] of last) if (op.action === 'put' && op.kind === 'broken') ops.push({ key, action: 'put', text: content(key, 'valid'), kind: 'valid' });
  return ops;
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

