import {
  DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { SiteFile } from '../core/types.js';
import { FIRST_PUBLISHED_METADATA, POSTS_PREFIX, REPORTS_PREFIX } from '../contract.js';
import type { FirstPublished } from '../model/records.js';
import type { ReportStore, SiteStore, SourcePost, SourceStore } from '../services/ports.js';
import { reportJson } from '../services/report.js';
import { classifyAwsError, isAwsErrorNamed } from './aws-errors.js';

export interface SourceLayout {
  /** Where authors upload posts; only this prefix (and `.md`) triggers the pipeline. @default 'posts/' */
  readonly postsPrefix: string;
  /** Where per-post processing reports go: private, and outside the notification filter. @default 'reports/' */
  readonly reportsPrefix: string;
}

export const DEFAULT_SOURCE_LAYOUT: SourceLayout = { postsPrefix: POSTS_PREFIX, reportsPrefix: REPORTS_PREFIX };

export interface SourceObject extends SourcePost {
  /** The object's bytes, or only its first `maxBytes + 1` when it is larger than that. */
  readonly bytes: Uint8Array;
  /** The object's full size in bytes. */
  readonly size: number;
  readonly etag?: string;
}

/** The source bucket: reads uploaded posts and writes the author-facing reports. */
export class S3SourceStore implements SourceStore, ReportStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly layout: SourceLayout = DEFAULT_SOURCE_LAYOUT,
  ) {}

  get postsPrefix(): string {
    return this.layout.postsPrefix;
  }

  /**
   * Read one post. With a `versionId` (versioned bucket in AWS) the exact uploaded version is read.
   * Returns `undefined` when the object is gone: the event is stale and a delete event follows or came first.
   */
  async getPost(key: string, versionId?: string, maxBytes?: number): Promise<SourceObject | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({
        Bucket: this.bucket, Key: this.layout.postsPrefix + key, ...(versionId && { VersionId: versionId }),
        // Read at most one byte past the limit: enough to reject an oversized post without downloading it.
        ...(maxBytes !== undefined && { Range: `bytes=0-${maxBytes}` }),
      }));
      const bytes = await out.Body!.transformToByteArray();
      const size = Number(/\/(\d+)$/.exec(out.ContentRange ?? '')?.[1] ?? bytes.byteLength);
      const firstPublished = firstPublishedOf(out.Metadata);
      return { bytes, size, ...(out.ETag && { etag: out.ETag }), ...(firstPublished && { firstPublished }) };
    } catch (cause) {
      if (isAwsErrorNamed(cause, 'NoSuchKey', 'NoSuchVersion', 'NotFound')) return undefined;
      if (isAwsErrorNamed(cause, 'InvalidRange')) return { bytes: new Uint8Array(), size: 0 }; // a range of a zero-byte object
      throw classifyAwsError(cause, `GetObject ${key}`);
    }
  }

  reportKey(key: string): string {
    return `${this.layout.reportsPrefix}${key}.json`;
  }

  async putReport(key: string, report: unknown): Promise<void> {
    await this.send(`PutObject report ${key}`, new PutObjectCommand({
      Bucket: this.bucket, Key: this.reportKey(key), Body: reportJson(report),
      ContentType: 'application/json; charset=utf-8',
    }));
  }

  /** The site-wide summary (`reports/_site.json`: no post key ends in `.json` alone, so it cannot clash with a post's report). */
  async putSiteReport(summary: unknown): Promise<void> {
    await this.send('PutObject site report', new PutObjectCommand({
      Bucket: this.bucket, Key: `${this.layout.reportsPrefix}_site.json`, Body: reportJson(summary),
      ContentType: 'application/json; charset=utf-8',
    }));
  }

  async deleteReport(key: string): Promise<void> {
    await this.send(`DeleteObject report ${key}`, new DeleteObjectCommand({ Bucket: this.bucket, Key: this.reportKey(key) }));
  }

  private async send(what: string, command: PutObjectCommand | DeleteObjectCommand): Promise<void> {
    try {
      await this.client.send(command as PutObjectCommand);
    } catch (cause) {
      throw classifyAwsError(cause, what);
    }
  }
}

/**
 * The first-published time an uploader put on the object (`FIRST_PUBLISHED_METADATA`), if it is a valid time. An
 * uploader that gives the time and not where it came from is taken to have read it from the file.
 */
export function firstPublishedOf(metadata: Record<string, string> | undefined): FirstPublished | undefined {
  const at = Date.parse(metadata?.[FIRST_PUBLISHED_METADATA.at] ?? '');
  if (!Number.isFinite(at)) return undefined;
  return { at: new Date(at).toISOString(), from: metadata?.[FIRST_PUBLISHED_METADATA.from] === 'commit' ? 'commit' : 'file' };
}

/** The public site bucket (behind CloudFront): written only by the publisher. */
export class S3SiteStore implements SiteStore {
  constructor(private readonly client: S3Client, readonly bucket: string) {}

  async put(file: SiteFile): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({
        Bucket: this.bucket, Key: file.path, Body: file.body, ContentType: file.contentType, CacheControl: file.cacheControl,
      }));
    } catch (cause) {
      throw classifyAwsError(cause, `PutObject ${file.path}`);
    }
  }

  async delete(path: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: path }));
    } catch (cause) {
      throw classifyAwsError(cause, `DeleteObject ${path}`);
    }
  }
}
