import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PublishRequest, PublishRequester } from '../services/ports.js';
import { classifyAwsError } from './aws-errors.js';

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
  return { keys: strings(parsed.keys), rebuildAll: parsed.rebuildAll === true, refreshRelated: parsed.refreshRelated === true };
}
