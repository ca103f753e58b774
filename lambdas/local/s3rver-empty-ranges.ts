import type { Readable } from 'node:stream';

/** The part of s3rver's filesystem store that GetObject goes through (s3rver 3.x, `lib/stores/filesystem.js`). */
export interface S3rverObjectReader {
  getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<S3rverStoredObject | null>;
}
interface S3rverStoredObject {
  content: Readable | null;
  readonly metadata: Record<string, string>;
  range?: { readonly start: number; readonly end: number };
}

/**
 * Answer a ranged GET of an empty object as S3 does: 416 InvalidRange (no byte of a zero-byte object can be served).
 * s3rver takes `bytes=0-N` of an empty object as the range 0–0, announces one byte (`Content-Range: bytes 0-0/0`,
 * `Content-Length: 1`) and sends none, so the client sees the response cut short and retries: an empty `.md` file
 * was retried through the embedded stack until it was dead-lettered, where S3 lets ingest reject it as empty
 * (`S3SourceStore.getPost` reads InvalidRange as an empty object). Here the store hands s3rver's GetObject the object
 * without content, which it answers with InvalidRange, as it does for any range past the end.
 */
export function answerRangesOfEmptyObjectsAsS3(store: S3rverObjectReader): void {
  const getObject = store.getObject.bind(store);
  store.getObject = async (bucket, key, options) => {
    const object = await getObject(bucket, key, options);
    if (object?.range && object.content && Number(object.metadata['content-length']) === 0) {
      object.content.destroy();
      object.content = null;
    }
    return object;
  };
}
