import { PermanentError } from '../core/errors.js';
import type { ScheduledPostMessage } from '../contract.js';

/** One object change from an S3 event notification, decoded. */
export interface ObjectChange {
  readonly kind: 'created' | 'removed';
  readonly bucket: string;
  /** Full object key, URL-decoded. */
  readonly objectKey: string;
  readonly versionId?: string;
  readonly eTag?: string;
  /** Normalised so plain string comparison orders events of one key (see `normaliseSequencer`). */
  readonly sequencer: string;
  /** When S3 made the change (ISO 8601): the first-published time of an undated post uploaded without one. */
  readonly eventTime?: string;
}

interface S3EventRecord {
  eventSource?: string;
  eventName?: string;
  eventTime?: string;
  s3?: { bucket?: { name?: string }; object?: { key?: string; versionId?: string; eTag?: string; sequencer?: string } };
}

const SEQUENCER_WIDTH = 32;

/**
 * S3 sequencers are hex strings of varying length. AWS: to compare two, left-pad the shorter with zeros,
 * then compare lexicographically. Padding every one to a fixed width lets DynamoDB compare them in a condition.
 */
export function normaliseSequencer(sequencer: string): string {
  const hex = sequencer.toUpperCase();
  if (!/^[0-9A-F]{1,32}$/.test(hex)) throw new PermanentError(`S3 event has an invalid sequencer: ${sequencer}`);
  return hex.padStart(SEQUENCER_WIDTH, '0');
}

/** S3 puts keys into events form-URL-encoded (`my+post%C3%A9.md`). */
export function decodeEventKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    throw new PermanentError(`S3 event has a malformed object key: ${key}`);
  }
}

/**
 * What the ingest queue carries: S3 event notifications, and the wake-ups of scheduled posts (see
 * `scheduledPostMessage`). Anything else is a permanent error.
 */
export function parseIngestMessage(body: string): { readonly changes: ObjectChange[] } | ScheduledPostMessage {
  const wakeUp = scheduledPostOf(body);
  return wakeUp ?? { changes: parseS3EventMessage(body) };
}

function scheduledPostOf(body: string): ScheduledPostMessage | undefined {
  let parsed: { scheduledPost?: { key?: unknown; sequencer?: unknown } } | null;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined; // not JSON: the S3 event parser says so
  }
  if (parsed === null || typeof parsed !== 'object' || !('scheduledPost' in parsed)) return undefined;
  const { key, sequencer } = parsed.scheduledPost ?? {};
  if (typeof key !== 'string' || key === '' || typeof sequencer !== 'string' || sequencer === '') {
    throw new PermanentError('scheduled-post message lacks key or sequencer');
  }
  return { scheduledPost: { key, sequencer } };
}

/**
 * Parse the body of an SQS message that S3 sent. `s3:TestEvent` (sent once when the notification is set up)
 * and events we do not handle yield no changes. A body that is not an S3 event at all is a permanent error.
 */
export function parseS3EventMessage(body: string): ObjectChange[] {
  let parsed: { Records?: S3EventRecord[]; Event?: string };
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new PermanentError('message body is not JSON');
  }
  if (parsed.Event === 's3:TestEvent') return [];
  if (!Array.isArray(parsed.Records)) throw new PermanentError('message body is not an S3 event notification');
  const changes: ObjectChange[] = [];
  for (const record of parsed.Records) {
    const name = record.eventName ?? '';
    const kind = name.startsWith('ObjectCreated:') ? 'created' : name.startsWith('ObjectRemoved:') ? 'removed' : undefined;
    const object = record.s3?.object;
    if (record.eventSource !== 'aws:s3' || kind === undefined) continue;
    if (!object?.key || !object.sequencer || !record.s3?.bucket?.name) {
      throw new PermanentError(`S3 ${name} event lacks bucket, key or sequencer`);
    }
    changes.push({
      kind,
      bucket: record.s3.bucket.name,
      objectKey: decodeEventKey(object.key),
      sequencer: normaliseSequencer(object.sequencer),
      ...(object.versionId && { versionId: object.versionId }),
      ...(object.eTag && { eTag: object.eTag }),
      ...(validTime(record.eventTime) && { eventTime: new Date(record.eventTime!).toISOString() }),
    });
  }
  return changes;
}

function validTime(value: string | undefined): boolean {
  return value !== undefined && Number.isFinite(Date.parse(value));
}
