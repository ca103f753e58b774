import type { S3Event } from 'aws-lambda';

/** The event s3rver emits (AWS-like, but with a raw key and a millisecond-clock sequencer). */
export interface S3rverEvent {
  Records: { eventName: string; eventTime: string; s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } } }[];
}

export interface NotificationFilter {
  readonly bucket: string;
  readonly prefix: string;
  /** Any of these, case-sensitive, as S3 filters match (one notification configuration per suffix). */
  readonly suffixes: readonly string[];
}

// Seeded from the clock only so a restarted process keeps ordering after an earlier one; never written to output.
let counter = BigInt(Date.now()) * 1000n;

/**
 * Make an s3rver event exactly what S3 sends: keys form-URL-encoded (s3rver leaves them raw) and a sequencer
 * that grows with every operation (s3rver's is the millisecond clock, so two writes in one millisecond tie).
 * Events outside the notification filter return `undefined`, as S3 would not send them.
 */
export function toAwsS3Event(event: S3rverEvent, filter: NotificationFilter): S3Event | undefined {
  const records = event.Records.filter((record) => record.s3.bucket.name === filter.bucket
    && record.s3.object.key.startsWith(filter.prefix) && filter.suffixes.some((suffix) => record.s3.object.key.endsWith(suffix)));
  if (records.length === 0) return undefined;
  return {
    Records: records.map((record) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: record.eventTime,
      eventName: record.eventName,
      userIdentity: { principalId: 'local' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'posts-md',
        bucket: { name: record.s3.bucket.name, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${record.s3.bucket.name}` },
        object: {
          key: encodeEventKey(record.s3.object.key),
          size: record.s3.object.size ?? 0,
          eTag: record.s3.object.eTag ?? '',
          sequencer: nextSequencer(),
        },
      },
    })),
  } as S3Event;
}

/** S3's encoding of keys in events: like an HTML form, spaces become `+`. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

function nextSequencer(): string {
  counter += 1n;
  return counter.toString(16).toUpperCase().padStart(16, '0');
}
