import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';

/** The part of s3rver's filesystem store that PutObject goes through (s3rver 3.x, `lib/stores/filesystem.js`). */
export interface S3rverFilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
}
interface S3rverObject {
  readonly bucket: string;
  readonly key: string;
  readonly content: Readable | Buffer;
  readonly metadata: Record<string, string>;
  /** The request's Content-Length. */
  readonly size: number;
}

let temporaries = 0;

/**
 * Make s3rver's PutObject atomic, as S3's is. s3rver truncates the object's file before it reads the request,
 * answers before the file is flushed, and keeps whatever arrived when the client dies mid-upload (a publisher
 * killed by a Lambda timeout does exactly that). A GET can then read an empty or half-written object that S3 would
 * never serve: a report read right after it was written parsed as "Unexpected end of JSON input" in CI, and a page
 * cut short by a killed publisher stayed in the bucket. Here an object is stored whole or not at all: the request
 * is read to its announced length, written to a temporary file beside the object's, and renamed into place.
 */
export function makeObjectPutsAtomic(store: S3rverFilesystemStore): void {
  store.putObject = async (object) => {
    const bytes = await readWhole(object.content, object.size);
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    // Not a name s3rver lists: its listing only takes files that end in `._S3rver_object`.
    const temporary = `${objectPath}.${process.pid}-${++temporaries}.partial`;
    await mkdir(dirname(objectPath), { recursive: true });
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, objectPath);
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
    const md5 = createHash('md5').update(bytes).digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: bytes.length, md5 };
  };
}

async function readWhole(content: Readable | Buffer, announcedLength: number): Promise<Buffer> {
  if (Buffer.isBuffer(content)) return content;
  const chunks: Buffer[] = [];
  // Throws when the connection closes before the request ended (ERR_STREAM_PREMATURE_CLOSE / ECONNRESET).
  for await (const chunk of content) chunks.push(Buffer.from(chunk as Uint8Array));
  const bytes = Buffer.concat(chunks);
  if (Number.isFinite(announcedLength) && bytes.length !== announcedLength) {
    throw new Error(`upload cut short: ${bytes.length} of ${announcedLength} bytes arrived`);
  }
  return bytes;
}
