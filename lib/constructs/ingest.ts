import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, POST_SUFFIXES, POSTS_PREFIX, REPORTS_PREFIX } from '../contract.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { handlerEntry, PipelineFunction } from './pipeline-function.js';
import { workQueue } from './work-queue.js';

export interface IngestProps {
  /** Source bucket: changes of `posts/**.md` (and `.markdown`, `.mdown`, `.mkd`) are queued for ingestion; reports go to `reports/`. */
  readonly sourceBucket: s3.IBucket;

  /** Posts table; the ingest function reads and writes items. */
  readonly table: dynamodb.ITable;

  /** Queue the ingest function sends publish requests to (the FIFO publish queue). */
  readonly publishQueue: sqs.IQueue;

  /**
   * Environment shared by the pipeline handlers. `PUBLISH_QUEUE_URL` and `SERVICE_NAME` are set here.
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * Handler entry file.
   * @default lambdas/handlers/ingest.ts
   */
  readonly entry?: string;

  /**
   * Ingest function timeout. The queue's visibility timeout is six times this. Two minutes: a batch of `batchSize`
   * posts may hold long ones (a 1 MiB release post takes 3–7 s on a 1 GB function and may take up to its 12 s
   * budget, see core/limits.ts), and a batch that times out is retried whole.
   * @default Duration.seconds(120)
   */
  readonly timeout?: Duration;

  /**
   * Ingest function memory in MB.
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * Messages (S3 events) per invocation.
   * @default 10
   */
  readonly batchSize?: number;

  /**
   * How long Lambda waits to fill a batch.
   * @default Duration.seconds(1)
   */
  readonly maxBatchingWindow?: Duration;

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
   * Retention of the ingest function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Ingest stage: S3 `posts/*.md` (and the other markdown extensions) created/removed events → standard SQS queue (+ DLQ) → ingest function,
 * which validates and renders the post, stores it in the table, writes a report to `reports/` and asks
 * the publish stage to rebuild.
 *
 * The ingest function can read only `posts/*` (including specific versions), write only `reports/*`,
 * and has no access to the site bucket.
 */
export class Ingest extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly fn: lambda.Function;
  readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(120);

    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = workQueue(this, {
      consumerTimeout: timeout,
      ...(props.maxReceiveCount !== undefined && { maxReceiveCount: props.maxReceiveCount }),
      ...(props.deadLetterRetention !== undefined && { deadLetterRetention: props.deadLetterRetention }),
    }));

    // S3 → SQS. SqsDestination adds the queue policy allowing s3.amazonaws.com from this bucket only.
    const destination = new s3n.SqsDestination(this.queue);
    // One filter per markdown extension (a filter has one suffix); the ingest service checks the same list.
    for (const suffix of POST_SUFFIXES) {
      const filter: s3.NotificationKeyFilter = { prefix: POSTS_PREFIX, suffix };
      props.sourceBucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, filter);
      props.sourceBucket.addEventNotification(s3.EventType.OBJECT_REMOVED, destination, filter);
    }
    acknowledgeBucketNotificationsHandler(Stack.of(this));

    const pf = new PipelineFunction(this, 'Ingest', {
      entry: props.entry ?? handlerEntry('ingest'),
      description: 'Validates and renders markdown posts from the source bucket into the posts table',
      timeout,
      memorySize: props.memorySize,
      logRetention: props.logRetention,
      environment: {
        ...props.environment,
        [ENV.PUBLISH_QUEUE_URL]: props.publishQueue.queueUrl,
        [ENV.SERVICE_NAME]: 'content-ingest',
      },
    });
    this.fn = pf.fn;
    this.role = pf.role;

    this.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );

    const postObjects = props.sourceBucket.arnForObjects(`${POSTS_PREFIX}*`);
    const reportObjects = props.sourceBucket.arnForObjects(`${REPORTS_PREFIX}*`);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadPostSources',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [postObjects],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteReports',
        actions: ['s3:PutObject'],
        resources: [reportObjects],
      }),
    );
    props.table.grantReadWriteData(this.fn);
    props.publishQueue.grantSendMessages(this.fn);

    acknowledgeWildcardResources(
      this.role,
      [postObjects],
      `Read access is scoped to the ${POSTS_PREFIX} prefix, which holds exactly the markdown sources the function ` +
        'ingests; the key of each post is only known at run time from the S3 event.',
    );
    acknowledgeWildcardResources(
      this.role,
      [reportObjects],
      `Write access is scoped to the ${REPORTS_PREFIX} prefix: one validation report per post, keyed by the post's ` +
        'key, so the exact keys are only known at run time. It cannot overwrite sources under posts/.',
    );
    acknowledgeWildcardResources(
      this.role,
      [`${props.table.tableArn}/index/*`],
      'grantReadWriteData scopes Query to the indexes of the posts table (`<table>/index/*`); the only index is byDate.',
    );
  }
}

/**
 * `addEventNotification` creates one stack-level singleton Lambda (BucketNotificationsHandler…) that
 * applies the NotificationConfiguration. Its role is created by CDK with fixed permissions.
 */
function acknowledgeBucketNotificationsHandler(stack: Stack): void {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  if (!handler || handler.node.metadata.some((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
    return;
  }
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'CDK-internal custom resource that writes the S3 bucket notification configuration at deploy time; its ' +
      'role (basic execution role) is defined by aws-cdk-lib and cannot be customised.',
  });
}
