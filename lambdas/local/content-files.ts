import {
  DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { forEachLimited } from '../core/limited.js';
import { firstPublishedMetadata, firstPublishedTimes } from './first-published.js';
import { listMarkdownFiles } from './markdown-files.js';

/** Uploads in flight at once (`aws s3 sync` sends 10 by default). */
const UPLOAD_CONCURRENCY = 8;

/**
 * Mirrors a content folder into the source bucket under a prefix, as an author's `aws s3 cp` would.
 * Remembers what it uploaded so a re-sync only touches files that changed, appeared or disappeared; with a
 * `manifestPath`, across runs too (`load` reads it, `save` writes what the stack has finished with).
 */
export class ContentUploader {
  private readonly uploaded = new Map<string, string>();

  constructor(
    private readonly s3: S3Client, private readonly bucket: string, private readonly prefix: string, private readonly dir: string,
    private readonly manifestPath?: string,
  ) {}

  /** What an earlier run uploaded (and saved): true when there was a manifest to read. */
  async load(): Promise<boolean> {
    if (this.manifestPath === undefined) return false;
    let saved: Record<string, string>;
    try {
      saved = JSON.parse(await readFile(this.manifestPath, 'utf8')) as Record<string, string>;
    } catch {
      return false;
    }
    this.uploaded.clear();
    for (const [key, hash] of Object.entries(saved)) this.uploaded.set(key, hash);
    return true;
  }

  /**
   * Remember what is uploaded, for the next run. Call it once the stack has ingested and published the uploads: a
   * run stopped before that leaves the older manifest, and the next run uploads those files again.
   */
  async save(): Promise<void> {
    if (this.manifestPath === undefined) return;
    await mkdir(dirname(this.manifestPath), { recursive: true });
    const temporary = `${this.manifestPath}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(Object.fromEntries([...this.uploaded].sort(([a], [b]) => (a < b ? -1 : 1))))}\n`);
    await rename(temporary, this.manifestPath);
  }

  /**
   * Upload new and changed files (several at a time, as `aws s3 sync` does), delete removed ones. Returns the keys
   * touched. Each object carries when its file was first published (first commit, else modification time), which
   * dates the post if it has no `date`.
   */
  async sync(): Promise<{ readonly put: string[]; readonly deleted: string[] }> {
    const keys = await listMarkdownFiles(this.dir);
    const changed: { readonly key: string; readonly body: Buffer; readonly hash: string }[] = [];
    await forEachLimited(keys, UPLOAD_CONCURRENCY, async (key) => {
      const body = await readFile(join(this.dir, key));
      const hash = createHash('sha256').update(body).digest('hex');
      if (this.uploaded.get(key) !== hash) changed.push({ key, body, hash });
    });
    const firstPublished = changed.length === 0 ? new Map() : await firstPublishedTimes(this.dir, changed.map(({ key }) => key));
    const put: string[] = [];
    await forEachLimited(changed, UPLOAD_CONCURRENCY, async ({ key, body, hash }) => {
      await this.s3.send(new PutObjectCommand({
        Bucket: this.bucket, Key: this.prefix + key, Body: body, ContentType: 'text/markdown; charset=utf-8',
        Metadata: firstPublishedMetadata(firstPublished.get(key)),
      }));
      this.uploaded.set(key, hash);
      put.push(key);
    });
    put.sort();
    const present = new Set(keys);
    const deleted = [...this.uploaded.keys()].filter((key) => !present.has(key));
    for (const key of deleted) {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      this.uploaded.delete(key);
    }
    return { put, deleted };
  }
}

/** Every key under a prefix (all pages of the listing). */
export async function listKeys(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of out.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/** Copy every object under `prefix` into `outDir` as plain files (prefix stripped). Returns the relative paths. */
export async function downloadPrefix(s3: S3Client, bucket: string, prefix: string, outDir: string): Promise<string[]> {
  const keys = await listKeys(s3, bucket, prefix);
  for (const key of keys) {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const target = join(outDir, ...key.slice(prefix.length).split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await out.Body!.transformToByteArray());
  }
  return keys.map((key) => key.slice(prefix.length));
}
