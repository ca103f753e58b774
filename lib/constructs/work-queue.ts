import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface WorkQueueProps {
  /** Timeout of the function that consumes the queue: the visibility timeout is six times this, as AWS advises. */
  readonly consumerTimeout: Duration;
  /** Receives before a message goes to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** @default Duration.days(14) */
  readonly deadLetterRetention?: Duration;
  /** A FIFO queue (and dead-letter queue); producers set the group and deduplication ids. @default false */
  readonly fifo?: boolean;
  /** Every message waits this long before it can be received. @default none */
  readonly deliveryDelay?: Duration;
}

/**
 * A stage's work queue and its dead-letter queue, as every stage of the pipeline has them: SQS-managed encryption
 * (it works with S3 event notifications, where a KMS key would need a key policy for S3), SSL only, redrive after
 * `maxReceiveCount`. Made in `scope` as `Queue` and `DeadLetterQueue`.
 */
export function workQueue(scope: Construct, props: WorkQueueProps): { readonly queue: sqs.Queue; readonly deadLetterQueue: sqs.Queue } {
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    ...(props.fifo && { fifo: true }),
    retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const queue = new sqs.Queue(scope, 'Queue', {
    ...(props.fifo && { fifo: true, contentBasedDeduplication: false }),
    visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
    ...(props.deliveryDelay && { deliveryDelay: props.deliveryDelay }),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
  });
  return { queue, deadLetterQueue };
}
