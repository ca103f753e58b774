import { CreateInvalidationCommand, type CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { createHash } from 'node:crypto';
import { TransientError } from '../core/errors.js';
import { compareStrings } from '../core/site/text.js';
import type { EdgeCache } from '../services/ports.js';
import { classifyAwsError, isAwsErrorNamed } from './aws-errors.js';

export interface CloudFrontEdgeCacheOptions {
  /**
   * Requests sent at most while CloudFront answers `TooManyInvalidationsInProgress` (the distribution's 3,000 files
   * or 15 wildcard paths in progress are taken: earlier invalidations must complete first). Throttling, 5xx and
   * network errors are the SDK client's to retry (its retry strategy), within each of these. @default 5
   */
  readonly attempts?: number;
  /** Wait before the second request, doubled for each next one (with jitter). @default 2000 ms (~30 s in all) */
  readonly backoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The edge cache as CloudFront: one CreateInvalidation per call. Its `CallerReference` is derived from the token and
 * the paths, so a request sent again (a retry here, or a run that sends what a stopped run may have sent) is taken
 * by CloudFront as the same invalidation, never a second one; the same paths under another token (a later change
 * of the same page) are a new one.
 */
export class CloudFrontEdgeCache implements EdgeCache {
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly client: CloudFrontClient, private readonly distributionId: string, options: CloudFrontEdgeCacheOptions = {}) {
    this.attempts = Math.max(1, options.attempts ?? 5);
    this.backoffMs = options.backoffMs ?? 2000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async invalidate(paths: readonly string[], token: string): Promise<void> {
    const items = [...new Set(paths)].sort(compareStrings);
    if (items.length === 0) return;
    const command = new CreateInvalidationCommand({
      DistributionId: this.distributionId,
      InvalidationBatch: { CallerReference: callerReference(items, token), Paths: { Quantity: items.length, Items: items } },
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(command);
        return;
      } catch (cause) {
        const what = `CreateInvalidation of ${items.length} paths`;
        if (isAwsErrorNamed(cause, 'TooManyInvalidationsInProgress')) {
          // A 400, but a passing one: earlier invalidations complete within minutes.
          if (attempt >= this.attempts) throw new TransientError(`${what} failed after ${attempt} attempts: too many invalidations in progress`, { cause });
          const wait = this.backoffMs * 2 ** (attempt - 1);
          await this.sleep(Math.round(wait / 2 + (Math.random() * wait) / 2));
          continue;
        }
        throw classifyAwsError(cause, what);
      }
    }
  }
}

/** `CallerReference` of an invalidation: a hash of the run's token and its sorted paths. */
export function callerReference(sortedPaths: readonly string[], token: string): string {
  const hash = createHash('sha256').update(token).update('\n').update(sortedPaths.join('\n')).digest('base64url');
  return `publish-${hash.slice(0, 32)}`;
}
