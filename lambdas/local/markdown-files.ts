import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * Every `.md` file under `dir`, recursively, as keys relative to `dir` with `/` separators, sorted.
 * A module of its own, without the AWS SDK: the in-process build starts faster without loading it.
 */
export async function listMarkdownFiles(dir: string): Promise<string[]> {
  return (await listEntries(dir, (entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.md'))).sort();
}

/** The entries under `dir` (recursively) that `keep` accepts, as paths relative to `dir` with `/` separators. */
export async function listEntries(dir: string, keep: (entry: Dirent) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter(keep).map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}
