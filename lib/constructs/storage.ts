import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { POSTS_TABLE_SCHEMA } from '../contract.js';

export interface StorageProps {
  /**
   * Removal policy of the posts table, the source bucket and the logs bucket.
   * With `RETAIN`, deleting the stack leaves them (and their data) behind.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long S3 server access logs and CloudFront standard logs are kept in the logs bucket.
   * @default Duration.days(90)
   */
  readonly logsRetention?: Duration;

  /**
   * How long superseded versions of source objects (older revisions of a post, deleted posts) are kept.
   * @default - kept forever (the version history is the edit history of the blog)
   */
  readonly noncurrentVersionExpiration?: Duration;
}

/**
 * Durable state of the pipeline: the posts table, the (versioned) markdown source bucket and the
 * bucket that receives S3 server access logs and CloudFront standard logs.
 */
export class Storage extends Construct {
  /** Posts table: `pk`/`sk`, GSI `byDate` on `gsi1pk`/`gsi1sk`. */
  readonly table: dynamodb.Table;
  /** Markdown sources under `posts/`, validation reports under `reports/`. */
  readonly sourceBucket: s3.Bucket;
  /** Destination of S3 server access logs and CloudFront standard logs. */
  readonly logsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.table = new dynamodb.Table(this, 'PostsTable', {
      partitionKey: { name: POSTS_TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: POSTS_TABLE_SCHEMA.byDateIndex.name,
      partitionKey: { name: POSTS_TABLE_SCHEMA.byDateIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: POSTS_TABLE_SCHEMA.byDateIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    this.logsBucket = new s3.Bucket(this, 'LogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard (legacy) logging delivers through bucket ACLs, so ACLs must stay enabled.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-logs', expiration: props.logsRetention ?? Duration.days(90) }],
      removalPolicy,
    });

    this.sourceBucket = new s3.Bucket(this, 'SourceBucket', {
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 's3/source/',
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ...(props.noncurrentVersionExpiration
          ? [{ id: 'expire-old-versions', noncurrentVersionExpiration: props.noncurrentVersionExpiration }]
          : []),
      ],
      removalPolicy,
    });
  }
}
