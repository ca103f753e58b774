import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { announcementMessages, type Announcement } from '../core/site/announce.js';
import type { AnnouncementQueue } from '../services/ports.js';
import { classifyAwsError } from './aws-errors.js';

/** The notify queue (SQS standard): one message per run, more only when the announcement exceeds a message. */
export class SqsAnnouncementQueue implements AnnouncementQueue {
  constructor(private readonly client: SQSClient, private readonly queueUrl: string) {}

  async send(announcement: Announcement): Promise<void> {
    for (const body of announcementMessages(announcement)) {
      try {
        await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
      } catch (cause) {
        throw classifyAwsError(cause, 'SendMessage announcement');
      }
    }
  }
}
