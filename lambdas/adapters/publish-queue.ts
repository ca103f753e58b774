import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { classifyAwsError } from './aws-errors.js';

/** What the ingest step asks the single publisher to do. */
export interface PublishRequest {
  /** Source keys whose live version changed (published, edited, unpublished or deleted). */
  readonly keys: readonly string[];
  /** Slugs no post claims any more: their pages are deleted unless a live post uses them again. */
  readonly removedSlugs: readonly string[];
  /** Re-decide and re-render every post (after a site setting such as the URL changed). @default false */
  readonly rebuildAll?: boolean;
  /**
   * Re-rank every post's related list against the current document frequencies, which drift as posts arrive.
   * Cheaper than `rebuildAll`; pages are re-rendered only where a list changed. @default false
   */
  readonly refreshRelated?: boolean;
}

/** Port: how ingest hands work to the publisher. SQS FIFO in AWS, an in-process serial queue locally. */
export interface PublishRequester {
  /** `deduplicationId` makes a redelivered ingest message not queue a second publish. */
  request(request: PublishRequest, deduplicationId: string): Promise<void>;
}

/**
 * All publish requests share one FIFO message group: SQS hands them to one publisher invocation at a time,
 * so two uploads can never interleave writes to the feed or the index.
 */
export const PUBLISH_MESSAGE_GROUP = 'site';

export class SqsPublishRequester implements PublishRequester {
  constructor(private readonly client: SQSClient, private readonly queueUrl: string) {}

  async request(request: PublishRequest, deduplicationId: string): Promise<void> {
    try {
      await this.client.send(new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(request),
        MessageGroupId: PUBLISH_MESSAGE_GROUP,
        MessageDeduplicationId: deduplicationId.slice(0, 128),
      }));
    } catch (cause) {
      throw classifyAwsError(cause, 'SendMessage publish request');
    }
  }
}

export function parsePublishRequest(body: string): PublishRequest {
  const parsed = JSON.parse(body) as Partial<PublishRequest>;
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  return {
    keys: strings(parsed.keys), removedSlugs: strings(parsed.removedSlugs),
    rebuildAll: parsed.rebuildAll === true, refreshRelated: parsed.refreshRelated === true,
  };
}
