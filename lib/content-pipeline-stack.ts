import { CfnOutput, Fn, RemovalPolicy, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { DEFAULT_SITE_CONFIG, validFeedImage, validHubUrl, validIndexNowKey } from '../lambdas/core/config.js';
import { ENV, POSTS_PREFIX, REPORTS_PREFIX } from './contract.js';
import { Ingest } from './constructs/ingest.js';
import { PostSchedules } from './constructs/post-schedules.js';
import { Monitoring } from './constructs/monitoring.js';
import { Notifications } from './constructs/notifications.js';
import { Publishing } from './constructs/publishing.js';
import { SiteDelivery } from './constructs/site-delivery.js';
import { Storage } from './constructs/storage.js';

export interface ContentPipelineStackProps extends StackProps {
  /**
   * Public URL of the site, used in canonical links, feeds and the sitemap. Ignored when `domainName` is set.
   * @default - `https://<domainName>` if set, else `https://<distribution domain>`
   */
  readonly siteUrl?: string;

  /**
   * Custom domain of the site (e.g. `blog.example.com`). Requires `certificateArn`. DNS is not managed here.
   * @default - only the CloudFront domain
   */
  readonly domainName?: string;

  /**
   * ARN of an ACM certificate in us-east-1 covering `domainName`.
   * @default - none (required with `domainName`)
   */
  readonly certificateArn?: string;

  /**
   * Site title (`SITE_TITLE`).
   * @default 'Clinic Blog'
   */
  readonly siteTitle?: string;

  /**
   * Site description (`SITE_DESCRIPTION`).
   * @default 'Articles on ketamine-assisted therapy, depression and mental health.'
   */
  readonly siteDescription?: string;

  /**
   * BCP 47 language of the site (`SITE_LANGUAGE`).
   * @default 'en'
   */
  readonly siteLanguage?: string;

  /**
   * What to do with a section that repeats a section of an earlier post (`REPEAT_POLICY`); posts may override
   * it with `dedupe:` in their front matter.
   * @default 'link'
   */
  readonly repeatPolicy?: 'keep' | 'link' | 'remove';

  /**
   * WebSub hubs (`WEBSUB_HUBS`): feeds name them and changed feeds are announced to them after each publish.
   * @default - none
   */
  readonly websubHubs?: readonly string[];

  /**
   * IndexNow key (`INDEXNOW_KEY`): published as `/<key>.txt`; changed pages are submitted after each publish.
   * @default - none
   */
  readonly indexNowKey?: string;

  /**
   * The feeds' icon (`FEED_ICON`): Atom `<icon>`, JSON Feed `favicon`; an http(s) URL or a site path like `/icon.png`.
   * @default '/favicon.svg' (the site's own icon)
   */
  readonly feedIcon?: string;

  /**
   * The feeds' logo (`FEED_LOGO`): Atom `<logo>`, JSON Feed `icon`, RSS `<image>` (GIF, JPEG or PNG only).
   * @default - none
   */
  readonly feedLogo?: string;

  /**
   * Removal policy of the stateful resources (posts table, source, logs and site buckets).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * ARN of an existing SNS topic notified by the alarms.
   * @default - alarms without actions
   */
  readonly alarmTopicArn?: string;
}


/**
 * Serverless markdown blog:
 * source bucket `posts/*.md` → ingest queue → ingest λ → table → publish FIFO queue → publish λ → site bucket → CloudFront.
 */
export class ContentPipelineStack extends Stack {
  readonly storage: Storage;
  readonly site: SiteDelivery;
  readonly publishing: Publishing;
  readonly ingest: Ingest;
  readonly schedules: PostSchedules;
  readonly monitoring: Monitoring;
  /** The notify queue and function: only with WebSub hubs or an IndexNow key configured. */
  readonly notifications?: Notifications;
  /** The URL the handlers put into canonical links and feeds. */
  readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: ContentPipelineStackProps = {}) {
    super(scope, id, props);

    if (props.siteUrl && !Token.isUnresolved(props.siteUrl)) {
      const url = new URL(props.siteUrl); // throws on garbage
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new Error(`siteUrl must be an http(s) URL, got ${props.siteUrl}`);
      }
    }

    this.storage = new Storage(this, 'Storage', { removalPolicy: props.removalPolicy });

    this.site = new SiteDelivery(this, 'Site', {
      logsBucket: this.storage.logsBucket,
      domainName: props.domainName,
      certificate: props.certificateArn
        ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)
        : undefined,
      removalPolicy: props.removalPolicy,
    });

    this.siteUrl = props.domainName
      ? this.site.siteUrl
      : (props.siteUrl?.replace(/\/+$/, '') ?? this.site.siteUrl);

    const environment: Record<string, string> = {
      [ENV.POSTS_TABLE]: this.storage.table.tableName,
      [ENV.SOURCE_BUCKET]: this.storage.sourceBucket.bucketName,
      [ENV.SITE_BUCKET]: this.site.siteBucket.bucketName,
      [ENV.SITE_URL]: this.siteUrl,
      [ENV.SITE_TITLE]: props.siteTitle ?? DEFAULT_SITE_CONFIG.title,
      [ENV.SITE_DESCRIPTION]: props.siteDescription ?? DEFAULT_SITE_CONFIG.description,
      [ENV.SITE_LANGUAGE]: props.siteLanguage ?? DEFAULT_SITE_CONFIG.language,
      [ENV.POSTS_PREFIX]: POSTS_PREFIX,
      [ENV.REPORTS_PREFIX]: REPORTS_PREFIX,
      [ENV.REPEAT_POLICY]: props.repeatPolicy ?? DEFAULT_SITE_CONFIG.repeatPolicy,
      // Only when set: without them the functions' environment is as before, and the handlers use the default icon.
      ...(props.feedIcon && { [ENV.FEED_ICON]: validFeedImage(props.feedIcon, 'feedIcon') }),
      ...(props.feedLogo && { [ENV.FEED_LOGO]: validFeedImage(props.feedLogo, 'feedLogo') }),
    };
    // For the publisher (feeds name the hubs, the key file is published; it queues what to announce) and the
    // notifier. Only when configured: without them the functions' environment, and the site, are as before.
    const syndication: Record<string, string> = {
      ...(props.websubHubs && props.websubHubs.length > 0 && { [ENV.WEBSUB_HUBS]: JSON.stringify(props.websubHubs.map(validHubUrl)) }),
      ...(props.indexNowKey && { [ENV.INDEXNOW_KEY]: validIndexNowKey(props.indexNowKey) }),
    };

    this.publishing = new Publishing(this, 'Publishing', {
      table: this.storage.table,
      siteBucket: this.site.siteBucket,
      sourceBucket: this.storage.sourceBucket,
      distribution: this.site.distribution,
      redirectStore: this.site.redirectStore,
      environment: { ...environment, ...syndication },
    });

    this.ingest = new Ingest(this, 'Ingest', {
      sourceBucket: this.storage.sourceBucket,
      table: this.storage.table,
      publishQueue: this.publishing.queue,
      environment,
    });

    // Posts dated in the future: a one-time schedule each, which sends the post's wake-up to the ingest queue.
    this.schedules = new PostSchedules(this, 'PostSchedules', { ingestFunction: this.ingest.fn, ingestQueue: this.ingest.queue });

    // Announcements (WebSub, IndexNow) only when something is configured: otherwise no queue, no function.
    if (Object.keys(syndication).length > 0) {
      this.notifications = new Notifications(this, 'Notifications', { publisher: this.publishing.fn });
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      deadLetterQueues: {
        Ingest: this.ingest.deadLetterQueue, Publish: this.publishing.deadLetterQueue,
        ...(this.notifications && { Notify: this.notifications.deadLetterQueue }),
      },
      functions: { Ingest: this.ingest.fn, Publish: this.publishing.fn, ...(this.notifications && { Notify: this.notifications.fn }) },
      alarmTopic: props.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) : undefined,
    });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('SourceBucketName', this.storage.sourceBucket.bucketName, 'Upload markdown posts here under posts/');
    output('SiteBucketName', this.site.siteBucket.bucketName, 'Generated site (written by the publish function)');
    output('DistributionId', this.site.distribution.distributionId, 'CloudFront distribution id');
    output('DistributionDomainName', this.site.distribution.distributionDomainName, 'CloudFront domain name');
    output('RedirectStoreArn', this.site.redirectStore.keyValueStoreArn, 'Old addresses of posts (301/410), kept by the publish function');
    output('SiteUrl', this.siteUrl, 'Public URL of the site');
    output('PostsTableName', this.storage.table.tableName, 'DynamoDB posts table');
    output('IngestDeadLetterQueueUrl', this.ingest.deadLetterQueue.queueUrl, 'Failed ingest messages');
    output('PublishDeadLetterQueueUrl', this.publishing.deadLetterQueue.queueUrl, 'Failed publish messages');
    if (this.notifications) output('NotifyDeadLetterQueueUrl', this.notifications.deadLetterQueue.queueUrl, 'Announcements (WebSub, IndexNow) that failed five times');
    output('PublishQueueUrl', this.publishing.queue.queueUrl, 'Send {"keys":[],"removedSlugs":[],"rebuildAll":true} here to re-render every page');
    output(
      'UploadCommand',
      Fn.join('', ['aws s3 cp post.md s3://', this.storage.sourceBucket.bucketName, `/${POSTS_PREFIX}post.md`]),
      'Example: publish a post',
    );
  }
}
