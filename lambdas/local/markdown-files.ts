import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isPostFile, skipReason } from '../core/post-files.js';

/**
 * What a content folder holds: its posts (every markdown file, see `core/post-files.ts`), and every other file with
 * the reason it is not published, so nothing in the folder is left out without a word. Hidden folders (`.git`,
 * `.obsidian`) are listed once, not file by file, and not descended into.
 * A module of its own, without the AWS SDK: the in-process build starts faster without loading it.
 */
export interface ContentFolder {
  /** Keys relative to the folder, with `/` separators, sorted. */
  readonly posts: readonly string[];
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

export async function listContentFolder(dir: string): Promise<ContentFolder> {
  const posts: string[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const walk = async (folder: string) => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      const path = relativeKey(dir, join(folder, entry.name));
      if (entry.isDirectory()) {
        if (entry.name.startsWith('.')) skipped.push({ path: `${path}/`, reason: skipReason(path) });
        else await walk(join(folder, entry.name));
      } else if (entry.isFile()) {
        if (isPostFile(entry.name) && !entry.name.startsWith('.')) posts.push(path);
        else skipped.push({ path, reason: skipReason(path) });
      }
    }
  };
  await walk(dir);
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { posts: posts.sort(byPath), skipped: skipped.sort((a, b) => byPath(a.path, b.path)) };
}

/** Every post under `dir`, recursively, as keys relative to `dir` with `/` separators, sorted. */
export async function listMarkdownFiles(dir: string): Promise<string[]> {
  return [...(await listContentFolder(dir)).posts];
}

/** The entries under `dir` (recursively) that `keep` accepts, as paths relative to `dir` with `/` separators. */
export async function listEntries(dir: string, keep: (entry: Dirent) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter(keep).map((entry) => relativeKey(dir, join(entry.parentPath, entry.name)));
}

function relativeKey(dir: string, path: string): string {
  return relative(dir, path).split(sep).join('/');
}
