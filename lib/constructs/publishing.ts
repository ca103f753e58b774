import { Duration } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, LISTING_CHUNKS_PREFIX, LISTING_KEY, PUBLISHER_PARTITIONS, REPORTS_PREFIX } from '../contract.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { handlerEntry, PipelineFunction } from './pipeline-function.js';
import { workQueue } from './work-queue.js';

export interface PublishingProps {
  /** Posts table; the publisher only reads it (GetItem/BatchGetItem/Query on the table and its indexes). */
  readonly table: dynamodb.ITable;

  /** Bucket the generated site is written to (read, write and delete; list so missing keys are 404, not 403). */
  readonly siteBucket: s3.IBucket;

  /** Source bucket: the publisher writes the authors' reports under `reports/` (and nothing else there). */
  readonly sourceBucket: s3.IBucket;

  /**
   * The distribution serving the site bucket: after each run the publisher invalidates the paths whose bytes it
   * changed (`DISTRIBUTION_ID`; `cloudfront:CreateInvalidation` on this distribution only).
   * @default - no edge invalidation (pages are then only as fresh as their `s-maxage` allows)
   */
  readonly distribution?: cloudfront.IDistribution;

  /**
   * The KeyValueStore the viewer-request function reads old addresses from: after each run whose redirect table
   * changed, the publisher makes the store hold it (`REDIRECT_STORE_ARN`; DescribeKeyValueStore, ListKeys and
   * UpdateKeys on this store only).
   * @default - no edge redirects (old addresses answer whatever the site bucket has there)
   */
  readonly redirectStore?: cloudfront.IKeyValueStore;

  /**
   * Environment shared by the pipeline handlers (site settings, table and bucket names).
   * `SERVICE_NAME` is set by this construct.
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * Handler entry file.
   * @default lambdas/handlers/publish.ts
   */
  readonly entry?: string;

  /**
   * Publish function timeout. A run publishes as much of the pending work as fits, commit by commit, and asks for
   * another run for the rest. The queue's visibility timeout is six times this.
   * @default Duration.seconds(300)
   */
  readonly timeout?: Duration;

  /**
   * Publish function memory in MB.
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * Messages per invocation (FIFO queues allow at most 10).
   * @default 10
   */
  readonly batchSize?: number;

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
   * Retention of the publish function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Publish stage: FIFO queue (+ FIFO DLQ) → publish function, which renders pages, feeds and the sitemap
 * from the table into the site bucket.
 *
 * Producers must set `MessageGroupId` and `MessageDeduplicationId` (content-based deduplication is off).
 * No reserved concurrency is configured: Lambda never processes two batches of the same FIFO message
 * group at once, so sending every publish request with one group id already serialises site rebuilds,
 * while the function stays free to scale for other groups.
 */
export class Publishing extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly fn: lambda.Function;
  readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: PublishingProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(300);

    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = workQueue(this, {
      consumerTimeout: timeout,
      fifo: true,
      ...(props.maxReceiveCount !== undefined && { maxReceiveCount: props.maxReceiveCount }),
      ...(props.deadLetterRetention !== undefined && { deadLetterRetention: props.deadLetterRetention }),
    }));

    const pf = new PipelineFunction(this, 'Publish', {
      entry: props.entry ?? handlerEntry('publish'),
      description: 'Renders the site (pages, feeds, sitemap) from the posts table into the site bucket',
      timeout,
      memorySize: props.memorySize,
      logRetention: props.logRetention,
      // Its own queue: a run that leaves work pending (its time ran out) asks for the next run there.
      environment: {
        ...props.environment,
        [ENV.SERVICE_NAME]: 'content-publish',
        [ENV.PUBLISH_QUEUE_URL]: this.queue.queueUrl,
        ...(props.distribution && { [ENV.DISTRIBUTION_ID]: props.distribution.distributionId }),
        ...(props.redirectStore && { [ENV.REDIRECT_STORE_ARN]: props.redirectStore.keyValueStoreArn }),
      },
    });
    this.fn = pf.fn;
    this.role = pf.role;

    this.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        reportBatchItemFailures: true,
      }),
    );

    this.queue.grantSendMessages(this.fn);

    // The edge cache: CreateInvalidation on this distribution's ARN only (the publisher does not wait for an
    // invalidation to complete, so no GetInvalidation).
    props.distribution?.grantCreateInvalidation(this.fn);

    // The redirect store: read what it holds (its ETag, its keys) and update it, on this store's ARN only. No GetKey,
    // PutKey or DeleteKey: the publisher lists once and updates in batches.
    if (props.redirectStore) {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'RedirectStoreUpdate',
        actions: ['cloudfront-keyvaluestore:DescribeKeyValueStore', 'cloudfront-keyvaluestore:ListKeys', 'cloudfront-keyvaluestore:UpdateKeys'],
        resources: [props.redirectStore.keyValueStoreArn],
      }));
    }

    // Table: read everything. Write only what the publisher owns — index buckets (`IX#…`), its per-post state
    // (`POST#<key>` / INDEXED, TERMS, bodies it no longer shows, and the `view` attribute of META) and the change
    // markers (`CHANGES`) — never slug claims (`SLUG#…`), and in a post's META record only the `view` attribute,
    // guarded by the record's sequencer.
    props.table.grantReadData(this.fn);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublisherOwnItemsWrite',
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': PUBLISHER_PARTITIONS } },
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublisherViewUpdate',
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['POST#*'] },
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'view', 'seq'] },
        },
      }),
    );

    // Source bucket: the publisher completes each author's report (reports/*) and keeps the published state (a
    // manifest and the chunks of the listing it names; replaced chunks are deleted); it cannot read or write posts.
    // ListBucket, so a missing state (the first run) answers 404, not 403.
    const reports = props.sourceBucket.arnForObjects(`${REPORTS_PREFIX}*`);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReportsWrite', actions: ['s3:PutObject'], resources: [reports] }));
    const listingChunks = props.sourceBucket.arnForObjects(`${LISTING_CHUNKS_PREFIX}*`);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ListingSnapshotReadWrite',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [props.sourceBucket.arnForObjects(LISTING_KEY), listingChunks],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'SourceBucketList', actions: ['s3:ListBucket'], resources: [props.sourceBucket.bucketArn] }));

    // Site bucket: objects read/write/delete, and ListBucket so a missing object (e.g. the manifest on the
    // first run) answers 404 NoSuchKey instead of 403 AccessDenied, and stale pages can be found for pruning.
    const siteObjects = props.siteBucket.arnForObjects('*');
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SiteObjectsReadWrite',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [siteObjects],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SiteBucketList',
        actions: ['s3:ListBucket'],
        resources: [props.siteBucket.bucketArn],
      }),
    );

    acknowledgeWildcardResources(
      this.role,
      [siteObjects],
      'The publisher owns the whole generated site: it writes and deletes pages, feeds and assets under any key of ' +
        'the dedicated site bucket. The actions are listed explicitly (Get/Put/DeleteObject), no action wildcards.',
    );
    acknowledgeWildcardResources(
      this.role,
      [reports],
      'Reports are one object per post under reports/ (keys are only known at run time); PutObject only, never posts/.',
    );
    acknowledgeWildcardResources(
      this.role,
      [listingChunks],
      'The published listing\'s chunks are named by a hash of their content (known at run time) under state/listing/, ' +
        'a prefix only the publisher writes; never posts/ or reports/.',
    );
    acknowledgeWildcardResources(
      this.role,
      [`${props.table.tableArn}/index/*`],
      'grantReadData scopes Query to the indexes of the posts table (`<table>/index/*`); the only index is byDate.',
    );
  }
}
