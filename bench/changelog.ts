/**
 * A long, well-formed, list-heavy post shaped like a Node.js release post's changelog: hundreds of
 * `## YYYY-MM-DD, Version X.Y.Z` sections, each with a few notable changes and a long `### Commits` list of
 * `* \[[`abc1234567`](…/commit/…)] - **module**: what changed (Author) [#12345](…/pull/…)` items (links, inline
 * code, strong emphasis, escaped brackets). Nothing pathological: what a real blog's longest posts look like.
 * Deterministic (a fixed seed gives the same bytes); used by the bench's `length` section and its test.
 */
import { prng } from '../test/support/prng.js';

const MODULES = ['assert', 'async_hooks', 'buffer', 'build', 'child_process', 'cli', 'crypto', 'deps', 'dgram', 'diagnostics_channel',
  'dns', 'doc', 'esm', 'events', 'fs', 'http', 'http2', 'https', 'inspector', 'lib', 'loader', 'meta', 'module', 'net', 'node-api',
  'os', 'path', 'perf_hooks', 'process', 'querystring', 'readline', 'repl', 'report', 'sea', 'src', 'stream', 'test', 'test_runner',
  'timers', 'tls', 'tools', 'url', 'util', 'v8', 'vm', 'wasi', 'watch', 'win', 'worker', 'zlib'];
const VERBS = ['fix', 'add', 'remove', 'update', 'improve', 'refactor', 'deprecate', 'document', 'support', 'validate', 'simplify',
  'expose', 'handle', 'avoid', 'use', 'reduce', 'skip', 'move', 'rename', 'clarify'];
const OBJECTS = ['error message for invalid input', 'memory leak in the session cache', 'flaky test on slow machines',
  'the `options.signal` argument', 'typo in the API docs', 'race when the stream closes early', 'handling of empty buffers',
  'performance of `Buffer.concat`', 'support for `AbortSignal.any()`', 'a crash on Windows paths', 'the default `highWaterMark`',
  'undici to 6.6.2', 'ada to 2.7.6', 'ICU to 74.1', 'c-ares to 1.26.0', 'npm to 10.3.0', 'simdutf to 4.0.8', 'V8 to 11.8.172.17',
  'the experimental warning', 'an unnecessary allocation', 'the `--watch` restart loop', 'the import attributes check',
  'a deprecated internal binding', 'permission model checks', 'the `fs.cp()` recursion', 'the inspector protocol message',
  'the `util.parseArgs()` default values', 'ESM loader hooks chaining', 'the reporter output for skipped tests', 'IPv6 address parsing'];
const AUTHORS = ['Antoine du Hamel', 'Joyee Cheung', 'Matteo Collina', 'Rafael Gonzaga', 'Yagiz Nizipli', 'James M Snell',
  'Colin Ihrig', 'Michaël Zasso', 'Node.js GitHub Bot', 'Richard Lau', 'Luigi Pinca', 'Chengzhong Wu', 'Marco Ippolito',
  'Moshe Atlow', 'Benjamin Gruenbaum', 'Tobias Nießen', 'Deokjin Kim', 'Jacob Smith', 'Geoffrey Booth', 'Ruy Adorno'];
const NOTABLE = ['This release adds support for', 'The experimental flag for', 'A new option lets you control', 'Performance of',
  'The default behaviour of', 'Documentation now explains'];

/** A changelog post of about `targetBytes` bytes (UTF-8, front matter included; never more than `targetBytes`). */
export function changelogPost(targetBytes: number, seed = 1): string {
  const next = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const hex = (length: number) => Array.from({ length }, () => '0123456789abcdef'[Math.floor(next() * 16)]).join('');
  const head = '---\ntitle: Node.js releases, the complete changelog\ndescription: Every change in every release of the year, with '
    + 'the commits, their authors and their pull requests.\nauthor: The Node.js Release Team\ndate: 2024-02-14\ntags: [release, changelog]\n---\n\n'
    + 'Every release of the year in one place: the notable changes first, then every commit.\n\n';
  const parts: string[] = [head];
  let size = Buffer.byteLength(head);
  const push = (text: string): boolean => {
    const bytes = Buffer.byteLength(text);
    if (size + bytes > targetBytes) return false;
    parts.push(text);
    size += bytes;
    return true;
  };
  let pr = 50000;
  for (let release = 0; ; release++) {
    const major = 21 - Math.floor(release / 40);
    const minor = 40 - (release % 40);
    const day = String(1 + (release % 28)).padStart(2, '0');
    const month = String(12 - Math.floor(release / 28) % 12).padStart(2, '0');
    const releaser = pick(AUTHORS);
    let section = `## 2023-${month}-${day}, Version ${major}.${minor}.0 (Current), @${releaser.split(' ')[0]!.toLowerCase()}\n\n### Notable Changes\n\n`;
    for (let i = 0; i < 3; i++) {
      const module = pick(MODULES);
      section += `#### ${pick(NOTABLE)} \`${module}\`\n\n${pick(NOTABLE)} ${pick(OBJECTS)} in \`node:${module}\`, `
        + `see [#${pr - i * 7}](https://github.com/nodejs/node/pull/${pr - i * 7}). Contributed by ${pick(AUTHORS)}.\n\n`;
    }
    section += '### Commits\n\n';
    const commits = 60 + Math.floor(next() * 80);
    for (let i = 0; i < commits; i++) {
      const sha = hex(10);
      const semver = next() < 0.08 ? '**(SEMVER-MINOR)** ' : '';
      pr -= 1 + Math.floor(next() * 5);
      section += `* \\[[\`${sha}\`](https://github.com/nodejs/node/commit/${sha})] - ${semver}**${pick(MODULES)}**: `
        + `${pick(VERBS)} ${pick(OBJECTS)} (${pick(AUTHORS)}) [#${pr}](https://github.com/nodejs/node/pull/${pr})\n`;
    }
    if (!push(`${section}\n`)) {
      // Fill what is left with whole commit lines of one last, shorter section, so sizes land close to the target.
      let tail = `## 2022-12-31, Version ${major - 1}.0.0\n\n### Commits\n\n`;
      if (!push(tail)) break;
      for (;;) {
        const sha = hex(10);
        pr -= 3;
        tail = `* \\[[\`${sha}\`](https://github.com/nodejs/node/commit/${sha})] - **${pick(MODULES)}**: ${pick(VERBS)} ${pick(OBJECTS)} (${pick(AUTHORS)}) [#${pr}](https://github.com/nodejs/node/pull/${pr})\n`;
        if (!push(tail)) break;
      }
      break;
    }
  }
  return parts.join('');
}
