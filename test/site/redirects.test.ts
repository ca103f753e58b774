import { describe, expect, it } from 'vitest';
import {
  edgeEntries, GONE_PAGE, goneAddresses, lookupRedirect, MAX_REDIRECT_KEY_BYTES, planRedirects, redirectKey, redirectsByPost,
  type RedirectPost, type RedirectTable,
} from '../../lambdas/core/site/redirects.js';
import { prng } from '../support/prng.js';

/** The site's other files, as the state lists them. */
const FILES = ['index.html', 'feed.xml', 'atom.xml', 'feed.json', 'sitemap.xml', 'robots.txt', 'styles.css', 'tags/index.html', 'tags/rust/index.html', 'page/2/index.html'];

const post = (key: string, slug: string, contentHash = `h-${key}-${slug}`, aliases?: string[]): RedirectPost =>
  ({ key, slug, contentHash, ...(aliases && { aliases }) });

/** One commit: the table after going from `before` to `after`. */
function commit(previous: RedirectTable | undefined, before: RedirectPost[], after: RedirectPost[], files = FILES) {
  return planRedirects({ previous, before, after, files });
}

/** A history of listings, committed one after the other: the last table and messages. */
function history(...listings: RedirectPost[][]) {
  let table: RedirectTable | undefined;
  let plan = commit(undefined, [], listings[0]!);
  table = plan.table;
  for (let i = 1; i < listings.length; i++) {
    plan = commit(table, listings[i - 1]!, listings[i]!);
    table = plan.table;
  }
  return plan;
}

const answer = (table: RedirectTable, requested: string) => lookupRedirect(requested, (key) => edgeEntries(table).get(key));

describe('redirectKey: one lookup key for every form of an address', () => {
  it.each([
    ['/posts/x/', '/posts/x'],
    ['/posts/x', '/posts/x'],
    ['/posts/x/index.html', '/posts/x'],
    ['/posts/x//', '/posts/x'],
    ['/posts/x/?utm_source=feed', '/posts/x'],
    ['/posts/x#section', '/posts/x'],
    ['/', '/'],
    ['/index.html', '/'],
    ['/2016/11/10/rust-1.13.html', '/2016/11/10/rust-1.13.html'],
    ['/caf%C3%A9/', '/café'],
    ['/café/', '/café'],
    ['/bad%E0%A4%A/', '/bad%E0%A4%A'],
    ['/Posts/X/', '/Posts/X'],
  ])('%s → %s', (address, key) => {
    expect(redirectKey(address)).toBe(key);
  });
});

describe('planRedirects', () => {
  it('a slug edited: the old page answers 301 with the new one; feeds and listings are never redirected', () => {
    const { table } = history([post('a.md', 'first')], [post('a.md', 'second')]);
    expect(table).toEqual({ '/posts/first': { status: 301, to: '/posts/second/', key: 'a.md', why: 'moved' } });
    for (const form of ['/posts/first/', '/posts/first', '/posts/first/index.html']) {
      expect(answer(table, form)).toEqual({ status: 301, location: '/posts/second/' });
    }
    expect(answer(table, '/posts/first/?ref=mastodon&x=1')).toEqual({ status: 301, location: '/posts/second/?ref=mastodon&x=1' });
    expect(answer(table, '/posts/second/')).toBeUndefined();
    expect(answer(table, '/feed.xml')).toBeUndefined();
  });

  it('chains are collapsed: A → B → C serves A → C and B → C, never A → B', () => {
    const { table } = history([post('a.md', 'a')], [post('a.md', 'b')], [post('a.md', 'c')]);
    expect(edgeEntries(table)).toEqual(new Map([['/posts/a', '301 /posts/c/'], ['/posts/b', '301 /posts/c/']]));
  });

  it('moved back to A: A is a live page again (never redirected), B leads to A, and no loop can form', () => {
    const { table } = history([post('a.md', 'a')], [post('a.md', 'b')], [post('a.md', 'a')]);
    expect(edgeEntries(table)).toEqual(new Map([['/posts/b', '301 /posts/a/']]));
  });

  it('a deleted post answers 410, with every address that led to it, aliases included', () => {
    const { table } = history(
      [post('a.md', 'a', 'h1', ['/2016/old.html']), post('b.md', 'b')],
      [post('a.md', 'a2', 'h2', ['/2016/old.html']), post('b.md', 'b')],
      [post('b.md', 'b')],
    );
    expect(table).toEqual({
      '/2016/old.html': { status: 410, key: 'a.md', hash: 'h2' },
      '/posts/a': { status: 410, key: 'a.md', hash: 'h2' },
      '/posts/a2': { status: 410, key: 'a.md', hash: 'h2' },
    });
    expect(answer(table, '/posts/a2/')).toEqual({ status: 410 });
    expect(goneAddresses(table)).toEqual(['/2016/old.html', '/posts/a', '/posts/a2']);
    expect(GONE_PAGE).toContain('<title>Gone</title>');
  });

  it('a post deleted and uploaded again (same file) takes its old addresses back', () => {
    const { table } = history([post('a.md', 'a')], [post('a.md', 'a2')], [], [post('a.md', 'a3', 'new text')]);
    expect(edgeEntries(table)).toEqual(new Map([['/posts/a', '301 /posts/a3/'], ['/posts/a2', '301 /posts/a3/']]));
  });

  it('a file renamed (same text under another key, its slug from the new name) redirects from the old page, in one commit or two', () => {
    const oneCommit = history([post('old-name.md', 'old-name', 'same')], [post('new-name.md', 'new-name', 'same')]);
    expect(edgeEntries(oneCommit.table)).toEqual(new Map([['/posts/old-name', '301 /posts/new-name/']]));
    // As S3 delivers `aws s3 mv`: the deletion published first, the copy later.
    const twoCommits = history([post('old-name.md', 'old-name', 'same')], [], [post('new-name.md', 'new-name', 'same')]);
    expect(twoCommits.table).toEqual(oneCommit.table);
    // Renamed with a `slug` in the front matter: the address does not change, nothing to redirect.
    expect(history([post('old-name.md', 'kept', 'same')], [post('new-name.md', 'kept', 'same')]).table).toEqual({});
  });

  it('an address a new post takes leaves the table (a redirect never shadows a live page)', () => {
    const { table } = history([post('a.md', 'a'), post('b.md', 'b')], [post('a.md', 'a2'), post('b.md', 'b')], [post('a.md', 'a2'), post('b.md', 'b'), post('c.md', 'a')]);
    expect(table).toEqual({});
    // …and a gone address too.
    expect(history([post('a.md', 'a')], [], [post('c.md', 'a')]).table).toEqual({});
  });

  it('aliases lead to their post; one naming a live page or a site file is ignored, and its author told why', () => {
    const { table, messages } = history([
      post('a.md', 'a', 'ha', ['/2016/11/10/old.html', '/old/path/', '/posts/b/', '/feed.xml', '/tags/rust/', '/posts/a/', '/?p=12']),
      post('b.md', 'b'),
    ]);
    expect(edgeEntries(table)).toEqual(new Map([['/2016/11/10/old.html', '301 /posts/a/'], ['/old/path', '301 /posts/a/']]));
    expect(table['/old/path']).toMatchObject({ why: 'alias', key: 'a.md' });
    const told = messages.get('a.md')!;
    expect(told.map((message) => [message.severity, message.ruleId])).toEqual(Array(4).fill(['warning', 'redirect:alias-ignored']));
    expect(told.map((message) => message.reason)).toEqual([
      'The old address `/posts/b/` is not redirected here: it is taken: the page of `b.md` is published there.',
      'The old address `/feed.xml` is not redirected here: it is taken: `/feed.xml` is published there.',
      'The old address `/tags/rust/` is not redirected here: it is taken: `/tags/rust/index.html` is published there.',
      'The old address `/?p=12` is not redirected here: it has a query string or a fragment, which the edge does not match: give the path alone.',
    ]);
    expect(messages.has('b.md')).toBe(false);
  });

  it('an alias two posts claim goes to the first by key, and the second is told', () => {
    const { table, messages } = history([post('b.md', 'b', 'hb', ['/old/']), post('a.md', 'a', 'ha', ['/old'])]);
    expect(edgeEntries(table)).toEqual(new Map([['/old', '301 /posts/a/']]));
    expect(messages.get('b.md')![0]!.reason).toBe('The old address `/old/` is not redirected here: it is also an old address of `a.md`, which claimed it first.');
  });

  it('an alias beats history, which comes back when the front matter stops naming it; an address too long for the edge is refused', () => {
    const long = `/${'x'.repeat(MAX_REDIRECT_KEY_BYTES)}`;
    const { table, messages } = history([post('a.md', 'a'), post('b.md', 'b')], [post('a.md', 'a2'), post('b.md', 'b', 'hb2', ['/posts/a/', long])]);
    expect(edgeEntries(table)).toEqual(new Map([['/posts/a', '301 /posts/b/']]));
    expect(table['/posts/a']).toEqual({ status: 301, to: '/posts/b/', key: 'b.md', why: 'alias', shadows: { status: 301, to: '/posts/a2/', key: 'a.md', why: 'moved' } });
    expect(messages.get('b.md')![0]!.reason).toMatch(/longer than the 512 bytes/);
    const later = commit(table, [post('a.md', 'a2'), post('b.md', 'b', 'hb2', ['/posts/a/'])], [post('a.md', 'a2'), post('b.md', 'b', 'hb3')]);
    expect(edgeEntries(later.table)).toEqual(new Map([['/posts/a', '301 /posts/a2/']]));
    // A gone page too: an alias over it, then none.
    const gone = history([post('a.md', 'a'), post('b.md', 'b')], [post('b.md', 'b')], [post('b.md', 'b', 'hb2', ['/posts/a/'])], [post('b.md', 'b', 'hb3')]);
    expect(gone.table).toEqual({ '/posts/a': { status: 410, key: 'a.md', hash: 'h-a.md-a' } });
  });

  it('is deterministic: the same table whatever the order of the posts, sorted by address', () => {
    const before = [post('a.md', 'a'), post('b.md', 'b', 'hb', ['/x/', '/y/']), post('c.md', 'c'), post('d.md', 'd')];
    const after = [post('a.md', 'a9'), post('b.md', 'b', 'hb', ['/x/', '/y/']), post('d.md', 'd', 'hd', ['/y/'])];
    const plan = commit(undefined, before, after);
    const shuffled = commit(undefined, [...before].reverse(), [...after].reverse());
    expect(JSON.stringify(shuffled.table)).toBe(JSON.stringify(plan.table));
    expect(Object.keys(plan.table)).toEqual(['/posts/a', '/posts/c', '/x', '/y']);
    expect(redirectsByPost(plan.table)).toEqual(new Map([
      ['a.md', [{ from: '/posts/a', why: 'moved' }]],
      ['b.md', [{ from: '/x', why: 'alias' }, { from: '/y', why: 'alias' }]],
    ]));
  });
});

/**
 * A model of what readers are owed, against the table over random histories: an address a live post's front matter
 * claims (first by key, where nothing is published) leads to that post; any other address that was ever a post's
 * page, or claimed by a post since deleted, answers `301` with the page of the post it last belonged to when that
 * post is live, else `410`; nothing else is in the table, and nothing the site publishes. Posts move between a few
 * slugs (so addresses are taken and given back), are deleted, come back, are renamed (same text, new key) and change
 * aliases.
 */
describe('planRedirects against a model, over random histories', () => {
  const KEYS = ['a.md', 'b.md', 'c.md', 'd.md', 'e.md', 'f.md'];
  const SLUGS = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'];
  const ALIASES = ['/old/1/', '/old/2.html', '/posts/s1/', '/posts/s3/', '/feed.xml', '/old/3/'];

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: 60 commits of one or two changes each', (seed) => {
    const random = prng(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const freeSlug = (posts: ReadonlyMap<string, RedirectPost>, except?: string) => {
      const taken = new Set([...posts.values()].filter((p) => p.key !== except).map((p) => p.slug));
      return pick(SLUGS.filter((slug) => !taken.has(slug)));
    };
    const someAliases = () => ALIASES.filter(() => random() < 0.2);
    let live = new Map<string, RedirectPost>();
    let table: RedirectTable | undefined;
    let version = 0;
    /** Per address: the post it last belonged to as its page, or as a claimed alias of a post since gone. */
    const history = new Map<string, string>();
    /** The aliases claimed at the last commit, and by whom. */
    let claims = new Map<string, string>();
    const seen = new Map<string, number>();

    for (let step = 0; step < 60; step++) {
      const before = [...live.values()];
      const next = new Map(live);
      // A post renamed in this commit is not edited or deleted in it too, nor its old key used again: the commit
      // would not show the rename (a file stays its key's).
      const renamed = new Set<string>();
      const renamedTo = new Map<string, string>();
      for (let c = 1 + Math.floor(random() * 2); c > 0; c--) {
        const action = random();
        const editable = [...next.keys()].filter((key) => !renamed.has(key));
        const absent = KEYS.filter((key) => !next.has(key) && !renamed.has(key));
        if (action < 0.3 && absent.length > 0) {
          const key = pick(absent);
          next.set(key, post(key, freeSlug(next), `v${++version}`, someAliases()));
        } else if (action < 0.6 && editable.length > 0) {
          const key = pick(editable);
          next.set(key, post(key, random() < 0.6 ? freeSlug(next, key) : next.get(key)!.slug, `v${++version}`, someAliases()));
        } else if (action < 0.8 && editable.length > 0) {
          next.delete(pick(editable));
        } else if (absent.length > 0 && [...next.values()].some((p) => live.get(p.key) === p)) {
          // The same text under another key, its slug from the new name (or kept by `slug:` in the front matter):
          // a post as the site showed it (one made in this commit has no addresses to hand over).
          const from = pick([...next.values()].filter((p) => live.get(p.key) === p));
          const to = pick(absent);
          next.delete(from.key);
          next.set(to, post(to, random() < 0.5 ? freeSlug(next) : from.slug, from.contentHash, from.aliases && [...from.aliases]));
          renamed.add(to).add(from.key);
          renamedTo.set(from.key, to);
          for (const [address, key] of history) if (key === from.key) history.set(address, to);
        }
      }
      live = next;
      table = commit(table, before, [...live.values()]).table;

      // The model after the commit.
      for (const [address, key] of claims) if (!live.has(key)) history.set(address, renamedTo.get(key) ?? key);
      for (const p of live.values()) history.set(redirectKey(`/posts/${p.slug}/`), p.key);
      const published = new Set([...FILES.map((file) => redirectKey(`/${file}`)), ...[...live.values()].map((p) => redirectKey(`/posts/${p.slug}/`))]);
      claims = new Map();
      for (const p of [...live.values()].sort((x, y) => (x.key < y.key ? -1 : 1))) {
        for (const address of (p.aliases ?? []).map(redirectKey)) {
          if (!published.has(address) && !claims.has(address)) claims.set(address, p.key);
        }
      }
      const owed = new Map([...history].filter(([address]) => !published.has(address)));
      for (const [address, key] of claims) owed.set(address, key);
      const expected = [...owed].map(([address, key]): [string, string] => [address, live.has(key) ? `301 /posts/${live.get(key)!.slug}/` : '410'])
        .sort(([x], [y]) => (x < y ? -1 : 1));
      expect(edgeEntries(table), `step ${step}`).toEqual(new Map(expected));
      for (const entry of Object.values(table)) {
        const kind = entry.status === 301 ? `301 ${entry.why}${entry.shadows ? ' over history' : ''}` : '410';
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
      }
      // No target is an address of the table: no chains, no loops.
      for (const value of edgeEntries(table).values()) {
        if (value !== '410') expect(table[redirectKey(value.slice(4))]).toBeUndefined();
      }
    }
    // The histories do exercise what they are for.
    expect(seen.get('301 moved')).toBeGreaterThan(5);
    expect(seen.get('301 alias')).toBeGreaterThan(5);
    expect(seen.get('301 alias over history')).toBeGreaterThan(0);
    expect(seen.get('410')).toBeGreaterThan(5);
  });
});
