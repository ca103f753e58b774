import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../contract.js';
import { handlerEntry, PipelineFunction } from './pipeline-function.js';
import { workQueue } from './work-queue.js';

export interface NotificationsProps {
  /**
   * The publish function: it is given the queue's URL (`NOTIFY_QUEUE_URL`) and `sqs:SendMessage` on it, nothing more.
   */
  readonly publisher: lambda.Function;

  /**
   * Where IndexNow submissions go (`INDEXNOW_ENDPOINT`).
   * @default https://api.indexnow.org/indexnow (the shared endpoint, forwarding to every participating engine)
   */
  readonly indexNowEndpoint?: string;

  /**
   * How long a message waits in the queue before the notifier sees it: the publisher queues the announcement once
   * CloudFront accepted the invalidation of the changed paths, which then takes a minute or so to complete; a hub
   * fetching the feed before that would be served the cached old copy.
   * @default Duration.seconds(90)
   */
  readonly deliveryDelay?: Duration;

  /**
   * Notify function timeout (a few HTTP requests of at most 10 s each). The queue's visibility timeout is six times this.
   * @default Duration.seconds(120)
   */
  readonly timeout?: Duration;

  /**
   * Receives before a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;

  /**
   * Retention of the dead-letter queue.
   * @default Duration.days(14)
   */
  readonly deadLetterRetention?: Duration;

  /**
   * Retention of the notify function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Announcements: standard queue (+ DLQ) → notify function, which pings the WebSub hubs and submits to IndexNow what
 * the publisher queued after a run. A queue of its own: a hub that is down is retried here (visibility timeout,
 * then the DLQ and its alarm) and never holds up publishing. The function has no AWS permission beyond its logs and
 * the queue it consumes; it only makes outbound HTTPS requests.
 */
export class Notifications extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(120);

    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = workQueue(this, {
      consumerTimeout: timeout,
      deliveryDelay: props.deliveryDelay ?? Duration.seconds(90),
      ...(props.maxReceiveCount !== undefined && { maxReceiveCount: props.maxReceiveCount }),
      ...(props.deadLetterRetention !== undefined && { deadLetterRetention: props.deadLetterRetention }),
    }));

    const pf = new PipelineFunction(this, 'Notify', {
      entry: handlerEntry('notify'),
      description: 'Pings the WebSub hubs and submits to IndexNow what a publish run changed',
      timeout,
      memorySize: 256,
      logRetention: props.logRetention,
      environment: {
        [ENV.SERVICE_NAME]: 'content-notify',
        ...(props.indexNowEndpoint && { [ENV.INDEXNOW_ENDPOINT]: props.indexNowEndpoint }),
      },
    });
    this.fn = pf.fn;

    this.fn.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }));

    // The publisher queues the announcements: SendMessage on this queue only.
    this.queue.grantSendMessages(props.publisher);
    props.publisher.addEnvironment(ENV.NOTIFY_QUEUE_URL, this.queue.queueUrl);
  }
}
