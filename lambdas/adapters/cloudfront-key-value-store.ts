// The KeyValueStore API is signed with SigV4A (any region): importing the package registers its signer with the SDK.
import '@aws-sdk/signature-v4a';
import {
  DescribeKeyValueStoreCommand, ListKeysCommand, UpdateKeysCommand, type CloudFrontKeyValueStoreClient,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { PermanentError, TransientError } from '../core/errors.js';
import type { EdgeRedirects } from '../services/ports.js';
import { classifyAwsError, isAwsErrorNamed } from './aws-errors.js';

/**
 * CloudFront KeyValueStore's limits (CloudFront quotas, "Quotas on key value stores"; UpdateKeys: 50 keys or a 3 MB
 * payload per request; ListKeys: 50 items per page).
 */
export const KEY_VALUE_STORE_LIMITS = {
  keyBytes: 512,
  valueBytes: 1024,
  storeBytes: 5 * 1024 * 1024,
  itemsPerUpdate: 50,
  bytesPerUpdate: 3 * 1024 * 1024,
  itemsPerList: 50,
} as const;

export interface KeyValueStoreRedirectsOptions {
  /**
   * Attempts at most while the store answers `ConflictException` (its ETag moved between our read and our write:
   * another writer, or an update of ours the SDK retried after it had been applied). Each attempt reads the store
   * again and sends only what still differs. Throttling, 5xx and network errors are the SDK client's to retry.
   * @default 4
   */
  readonly attempts?: number;
  /** Wait before the second attempt, doubled for each next one (with jitter). @default 200 ms */
  readonly backoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The edge's redirect table as a CloudFront KeyValueStore, read by the viewer-request function. `replace` lists
 * what the store holds (ListKeys, 50 a page), and sends the difference in UpdateKeys requests of at most 50 keys,
 * deletions first (room under the store's 5 MB), each conditional on the ETag the previous one returned
 * (DescribeKeyValueStore for the first). A request is all or nothing, so a failure leaves the store with whole
 * batches applied: the next call reads it again and sends the rest.
 */
export class CloudFrontKeyValueStoreRedirects implements EdgeRedirects {
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly client: CloudFrontKeyValueStoreClient, private readonly storeArn: string, options: KeyValueStoreRedirectsOptions = {}) {
    this.attempts = Math.max(1, options.attempts ?? 4);
    this.backoffMs = options.backoffMs ?? 200;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async replace(entries: ReadonlyMap<string, string>): Promise<{ readonly puts: number; readonly deletes: number }> {
    checkLimits(entries);
    let puts = 0;
    let deletes = 0;
    for (let attempt = 1; ; attempt++) {
      const held = await this.list();
      const toPut = [...entries].filter(([key, value]) => held.get(key) !== value).map(([Key, Value]) => ({ Key, Value }));
      const toDelete = [...held.keys()].filter((key) => !entries.has(key)).map((Key) => ({ Key }));
      if (toPut.length + toDelete.length === 0) return { puts, deletes };
      try {
        let etag = await this.etag();
        for (const batch of batches(toDelete, toPut)) {
          const out = await this.client.send(new UpdateKeysCommand({
            KvsARN: this.storeArn, IfMatch: etag,
            ...(batch.deletes.length > 0 && { Deletes: batch.deletes }),
            ...(batch.puts.length > 0 && { Puts: batch.puts }),
          }));
          etag = out.ETag!;
          deletes += batch.deletes.length;
          puts += batch.puts.length;
        }
        return { puts, deletes };
      } catch (cause) {
        const what = `UpdateKeys of the redirect store (${toPut.length} puts, ${toDelete.length} deletes)`;
        if (!isAwsErrorNamed(cause, 'ConflictException')) throw classifyAwsError(cause, what);
        if (attempt >= this.attempts) throw new TransientError(`${what} failed after ${attempt} attempts: the store kept changing`, { cause });
        const wait = this.backoffMs * 2 ** (attempt - 1);
        await this.sleep(Math.round(wait / 2 + (Math.random() * wait) / 2));
      }
    }
  }

  /** Every key and value the store holds. */
  private async list(): Promise<Map<string, string>> {
    const held = new Map<string, string>();
    let NextToken: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListKeysCommand({ KvsARN: this.storeArn, MaxResults: KEY_VALUE_STORE_LIMITS.itemsPerList, ...(NextToken && { NextToken }) }));
      } catch (cause) {
        throw classifyAwsError(cause, 'ListKeys of the redirect store');
      }
      for (const item of page.Items ?? []) held.set(item.Key!, item.Value!);
      NextToken = page.NextToken;
    } while (NextToken);
    return held;
  }

  private async etag(): Promise<string> {
    try {
      return (await this.client.send(new DescribeKeyValueStoreCommand({ KvsARN: this.storeArn }))).ETag!;
    } catch (cause) {
      throw classifyAwsError(cause, 'DescribeKeyValueStore of the redirect store');
    }
  }
}

/** Refuse, before anything is sent, a table the store cannot hold: retrying would not change that. */
function checkLimits(entries: ReadonlyMap<string, string>): void {
  const limits = KEY_VALUE_STORE_LIMITS;
  let total = 0;
  for (const [key, value] of entries) {
    const keyBytes = byteLength(key);
    const valueBytes = byteLength(value);
    if (keyBytes === 0 || keyBytes > limits.keyBytes) throw new PermanentError(`redirect store: key \`${key.slice(0, 80)}…\` has ${keyBytes} bytes (1 to ${limits.keyBytes})`);
    if (valueBytes === 0 || valueBytes > limits.valueBytes) throw new PermanentError(`redirect store: the value of \`${key.slice(0, 80)}\` has ${valueBytes} bytes (1 to ${limits.valueBytes})`);
    total += keyBytes + valueBytes;
  }
  if (total > limits.storeBytes) throw new PermanentError(`redirect store: ${entries.size} redirects take ${total} bytes, more than the ${limits.storeBytes} a store holds`);
}

interface Batch {
  readonly deletes: { Key: string }[];
  readonly puts: { Key: string; Value: string }[];
}

/** Deletions, then puts, in requests of at most `itemsPerUpdate` items and `bytesPerUpdate` bytes (keys and values, with room for the JSON around them). */
function batches(deletes: readonly { Key: string }[], puts: readonly { Key: string; Value: string }[]): Batch[] {
  const { itemsPerUpdate, bytesPerUpdate } = KEY_VALUE_STORE_LIMITS;
  const all: Batch[] = [];
  let current: Batch = { deletes: [], puts: [] };
  let bytes = 0;
  const add = (item: { Key: string; Value?: string }, size: number) => {
    if (current.deletes.length + current.puts.length >= itemsPerUpdate || bytes + size > bytesPerUpdate) {
      all.push(current);
      current = { deletes: [], puts: [] };
      bytes = 0;
    }
    if (item.Value === undefined) current.deletes.push({ Key: item.Key });
    else current.puts.push({ Key: item.Key, Value: item.Value });
    bytes += size;
  };
  for (const item of deletes) add(item, byteLength(item.Key) + 16);
  for (const item of puts) add(item, byteLength(item.Key) + byteLength(item.Value) + 32);
  if (current.deletes.length + current.puts.length > 0) all.push(current);
  return all;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
