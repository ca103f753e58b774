/**
 * The source and site ports on the local file system, for the in-process build: posts are read from the content
 * folder where they are, and the site is written into the output folder as it is published.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { POSTS_PREFIX } from '../contract.js';
import type { SiteFile } from '../core/types.js';
import type { FirstPublished } from '../model/records.js';
import type { SiteStore, SourcePost, SourceStore } from '../services/ports.js';

/**
 * Posts from a folder: post key `a/b.md` is the file `<dir>/a/b.md` (reports name it `posts/a/b.md`, as in AWS),
 * with the first-published time of each given (see local/first-published.ts), as an uploader puts it on the object.
 */
export class FsSourceStore implements SourceStore {
  readonly postsPrefix = POSTS_PREFIX;

  constructor(private readonly dir: string, private readonly firstPublished: ReadonlyMap<string, FirstPublished> = new Map()) {}

  // Synchronous reads, on purpose: a build reads thousands of small files while two workers keep both cores busy,
  // and each asynchronous open, stat, read and close is a round trip through libuv's thread pool that costs the
  // main thread ~8 times the CPU of the call itself (0.5 s against 0.06 s for 4,000 posts), taken from the workers.
  // Nothing else waits on the event loop meanwhile: a post of a few KiB is read in microseconds.
  async getPost(key: string, _versionId?: string, maxBytes?: number): Promise<SourcePost | undefined> {
    let fd: number;
    try {
      fd = openSync(join(this.dir, key), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const { size } = fstatSync(fd);
      // At most one byte past the limit, as the S3 adapter reads: enough to reject an oversized post.
      const length = maxBytes === undefined ? size : Math.min(size, maxBytes + 1);
      const bytes = new Uint8Array(length);
      let read = 0;
      while (read < length) {
        const bytesRead = readSync(fd, bytes, read, length - read, read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      const firstPublished = this.firstPublished.get(key);
      return { bytes: read === length ? bytes : bytes.subarray(0, read), size, ...(firstPublished && { firstPublished }) };
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * The site as files under a folder; remembers the paths it put. A file whose bytes the folder holds already is left
 * as it is (`unchanged`): a rebuild after one edit rewrites only the pages that edit changed, and keeps the others'
 * modification times, so a deploy that syncs by size and date sends only those.
 */
export class FsSiteStore implements SiteStore {
  /** Every path put (the site as this build made it), whether or not its file had to be written. */
  readonly paths = new Set<string>();
  /** The paths among `paths` whose file already had these bytes. */
  readonly unchanged = new Set<string>();
  private readonly folders = new Map<string, Promise<unknown>>();

  constructor(private readonly dir: string) {}

  async put(file: SiteFile): Promise<void> {
    const path = join(this.dir, file.path);
    const body = Buffer.from(file.body);
    // Absent (the usual case of a first build), unreadable or different: written.
    const current = await readFile(path).catch(() => undefined);
    if (current !== undefined && current.equals(body)) {
      this.unchanged.add(file.path);
    } else {
      const folder = dirname(path);
      let made = this.folders.get(folder);
      if (!made) this.folders.set(folder, made = mkdir(folder, { recursive: true }));
      await made;
      await writeFile(path, body);
      this.unchanged.delete(file.path);
    }
    this.paths.add(file.path);
  }

  async delete(path: string): Promise<void> {
    await rm(join(this.dir, path), { force: true });
    this.paths.delete(path);
    this.unchanged.delete(path);
  }
}
