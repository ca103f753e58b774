import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContentPipelineStack, type ContentPipelineStackProps } from '../../lib/content-pipeline-stack.js';
import { VIEWER_REQUEST_FUNCTION_CODE, CONTENT_SECURITY_POLICY } from '../../lib/constructs/site-delivery.js';
import { SITE_FILE_TYPES } from '../../lambdas/core/site/files.js';

// Synthesis of the whole stack takes a few seconds; keep hooks and tests well clear of vitest's defaults.
const SLOW = 60_000;

/** Same feature flags as `cdk synth` (cdk.json), without Lambda bundling (no esbuild run in unit tests). */
const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<
  string,
  unknown
>;

function newApp(): App {
  return new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
}

function build(props: ContentPipelineStackProps = {}): { app: App; stack: ContentPipelineStack; template: Template } {
  const app = newApp();
  const stack = new ContentPipelineStack(app, 'TestPipeline', props);
  return { app, stack, template: Template.fromStack(stack) };
}

type Json = Record<string, any>;

const resourcesOf = (template: Template, type: string): Record<string, Json> => template.findResources(type);

const logicalIdOf = (template: Template, type: string, props: Json): string => {
  const found = Object.keys(template.findResources(type, { Properties: props }));
  expect(found, `exactly one ${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0]!;
};

const toArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

/** Every Allow statement granted to the role behind a function: inline policies and attached AWS::IAM::Policy. */
function statementsOfFunction(template: Template, functionLogicalId: string): Statement[] {
  const fn = template.toJSON().Resources[functionLogicalId];
  const roleId: string = fn.Properties.Role['Fn::GetAtt'][0];
  const role = template.toJSON().Resources[roleId];
  const statements: Statement[] = [];
  for (const policy of toArray<Json>(role.Properties.Policies)) statements.push(...policy.PolicyDocument.Statement);
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const roles = toArray<Json>(policy.Properties.Roles);
    if (roles.some((r) => r.Ref === roleId)) statements.push(...policy.Properties.PolicyDocument.Statement);
  }
  expect(role.Properties.ManagedPolicyArns, 'no managed policies on pipeline roles').toBeUndefined();
  return statements.filter((s) => s.Effect === 'Allow');
}

/** Logical ids referenced (Ref / Fn::GetAtt) anywhere inside a value. */
function referencedIds(value: unknown): Set<string> {
  const ids = new Set<string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if (typeof o.Ref === 'string') ids.add(o.Ref);
      if (Array.isArray(o['Fn::GetAtt'])) ids.add(o['Fn::GetAtt'][0]);
      Object.values(o).forEach(visit);
    }
  };
  visit(value);
  return ids;
}

/** `{ "Fn::Join": ["", [{ "Fn::GetAtt": ["Bucket", "Arn"] }, "/posts/*"]] }` → `Bucket.Arn/posts/*`. */
function flattenArn(value: unknown): string {
  if (typeof value === 'string') return value;
  const o = value as Json;
  if (o['Fn::GetAtt']) return `${o['Fn::GetAtt'][0]}.${o['Fn::GetAtt'][1]}`;
  if (o.Ref) return o.Ref;
  if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(flattenArn).join(o['Fn::Join'][0]);
  return JSON.stringify(value);
}

describe('ContentPipelineStack', () => {
  let app: App;
  let stack: ContentPipelineStack;
  let template: Template;
  let ids: {
    table: string;
    sourceBucket: string;
    siteBucket: string;
    logsBucket: string;
    ingestQueue: string;
    ingestDlq: string;
    publishQueue: string;
    publishDlq: string;
    ingestFn: string;
    publishFn: string;
    distribution: string;
  };

  beforeAll(() => {
    ({ app, stack, template } = build());
    const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
    ids = {
      table: logicalId(stack.storage.table),
      sourceBucket: logicalId(stack.storage.sourceBucket),
      siteBucket: logicalId(stack.site.siteBucket),
      logsBucket: logicalId(stack.storage.logsBucket),
      ingestQueue: logicalId(stack.ingest.queue),
      ingestDlq: logicalId(stack.ingest.deadLetterQueue),
      publishQueue: logicalId(stack.publishing.queue),
      publishDlq: logicalId(stack.publishing.deadLetterQueue),
      ingestFn: logicalId(stack.ingest.fn),
      publishFn: logicalId(stack.publishing.fn),
      distribution: logicalId(stack.site.distribution),
    };
  }, SLOW);

  describe('resource inventory', () => {
    it('has exactly the expected resources', () => {
      const counts: Record<string, number> = {
        'AWS::S3::Bucket': 3, // source, site, logs
        'AWS::DynamoDB::Table': 1,
        'AWS::SQS::Queue': 4, // ingest + DLQ, publish FIFO + FIFO DLQ
        'AWS::Lambda::EventSourceMapping': 2,
        'AWS::Logs::LogGroup': 2,
        'Custom::S3BucketNotifications': 1,
        'AWS::CloudFront::Distribution': 1,
        'AWS::CloudFront::OriginAccessControl': 1,
        'AWS::CloudFront::Function': 1,
        'AWS::CloudFront::KeyValueStore': 1, // the redirect table the function reads
        'AWS::CloudFront::ResponseHeadersPolicy': 1,
        'AWS::CloudFront::CachePolicy': 1,
        'AWS::CloudWatch::Alarm': 4,
        // the two pipeline functions + CDK's singleton BucketNotificationsHandler
        'AWS::Lambda::Function': 3,
        'AWS::Scheduler::ScheduleGroup': 1,
        // No schedule is in the template: the ingest function makes one per post dated in the future.
        'AWS::Scheduler::Schedule': 0,
      };
      for (const [type, count] of Object.entries(counts)) template.resourceCountIs(type, count);
      template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x' }, 2);
      // No SNS topics, KMS keys, VPCs or auto-delete custom resources sneak in.
      for (const type of ['AWS::SNS::Topic', 'AWS::KMS::Key', 'AWS::EC2::VPC', 'Custom::S3AutoDeleteObjects']) {
        template.resourceCountIs(type, 0);
      }
    });

    it('emits no CDK warnings or errors', () => {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    });
  });

  describe('Storage', () => {
    it('posts table: pk/sk, byDate GSI (ALL), on-demand, PITR, AWS-managed SSE, retained', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: Match.arrayWith([
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
            { AttributeName: 'gsi1pk', AttributeType: 'S' },
            { AttributeName: 'gsi1sk', AttributeType: 'S' },
          ]),
          GlobalSecondaryIndexes: [
            {
              IndexName: 'byDate',
              KeySchema: [
                { AttributeName: 'gsi1pk', KeyType: 'HASH' },
                { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          StreamSpecification: Match.absent(),
          TimeToLiveSpecification: Match.absent(),
        },
      });
    });

    it('every bucket is private, encrypted and retained; every bucket policy denies non-TLS access', () => {
      for (const bucket of Object.values(resourcesOf(template, 'AWS::S3::Bucket'))) {
        expect(bucket.DeletionPolicy).toBe('Retain');
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(bucket.Properties.BucketEncryption).toEqual({
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        });
      }
      for (const bucketId of [ids.sourceBucket, ids.siteBucket, ids.logsBucket]) {
        template.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: { Ref: bucketId },
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Action: 's3:*',
                Principal: { AWS: '*' },
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        });
      }
    });

    it('source bucket is versioned and logs to the logs bucket', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: ids.logsBucket }, LogFilePrefix: 's3/source/' },
      });
      expect(template.toJSON().Resources[ids.sourceBucket].Properties.VersioningConfiguration).toEqual({
        Status: 'Enabled',
      });
    });

    it('logs bucket keeps ACLs enabled for CloudFront standard logs and expires logs', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90 })]) },
      });
      expect(template.toJSON().Resources[ids.logsBucket].Properties.OwnershipControls.Rules[0].ObjectOwnership).toBe(
        'BucketOwnerPreferred',
      );
    });
  });

  describe('Queues', () => {
    it('ingest queue: standard, SSE-SQS, 6x timeout visibility, redrive to DLQ after 5 receives', () => {
      const queue = template.toJSON().Resources[ids.ingestQueue].Properties;
      expect(queue.FifoQueue).toBeUndefined();
      expect(queue.SqsManagedSseEnabled).toBe(true);
      expect(queue.VisibilityTimeout).toBe(720);
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [ids.ingestDlq, 'Arn'] },
        maxReceiveCount: 5,
      });
      const dlq = template.toJSON().Resources[ids.ingestDlq].Properties;
      expect(dlq).toEqual({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
    });

    it('publish queue: FIFO without content-based dedup, FIFO DLQ, 6x timeout visibility', () => {
      const queue = template.toJSON().Resources[ids.publishQueue].Properties;
      expect(queue).toMatchObject({
        FifoQueue: true,
        ContentBasedDeduplication: false,
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 1800,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.publishDlq, 'Arn'] }, maxReceiveCount: 5 },
      });
      const dlq = template.toJSON().Resources[ids.publishDlq].Properties;
      expect(dlq).toEqual({ FifoQueue: true, MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
    });

    it('every queue denies non-TLS access', () => {
      for (const queueId of [ids.ingestQueue, ids.ingestDlq, ids.publishQueue, ids.publishDlq]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: queueId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Action: 'sqs:*',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        });
      }
    });
  });

  describe('S3 → SQS notifications', () => {
    it('source bucket sends created and removed events of posts/ markdown files (.md, .markdown, .mdown, .mkd, lower or upper case) to the ingest queue', () => {
      const notifications = Object.values(resourcesOf(template, 'Custom::S3BucketNotifications'));
      expect(notifications).toHaveLength(1);
      const { BucketName, NotificationConfiguration } = notifications[0]!.Properties;
      expect(BucketName).toEqual({ Ref: ids.sourceBucket });
      expect(Object.keys(NotificationConfiguration)).toEqual(['QueueConfigurations']);
      const configs = (NotificationConfiguration.QueueConfigurations as Json[]).map((c) => ({
        events: c.Events,
        queue: c.QueueArn,
        // rule order is a CDK detail; compare as a sorted set
        rules: [...c.Filter.Key.FilterRules].sort((a: Json, b: Json) => a.Name.localeCompare(b.Name)),
      }));
      const queue = { 'Fn::GetAtt': [ids.ingestQueue, 'Arn'] };
      const rules = (suffix: string) => [
        { Name: 'prefix', Value: 'posts/' },
        { Name: 'suffix', Value: suffix },
      ];
      expect(configs).toEqual(['.md', '.markdown', '.mdown', '.mkd', '.MD', '.MARKDOWN', '.MDOWN', '.MKD'].flatMap((suffix) => [
        { events: ['s3:ObjectCreated:*'], queue, rules: rules(suffix) },
        { events: ['s3:ObjectRemoved:*'], queue, rules: rules(suffix) },
      ]));
    });

    it('the ingest queue lets S3 (this bucket only) send messages', () => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: ids.ingestQueue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 's3.amazonaws.com' },
              Action: Match.arrayWith(['sqs:SendMessage']),
              Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [ids.sourceBucket, 'Arn'] } } },
            }),
          ]),
        },
      });
    });

    it('the site bucket has no event notifications (publishing can never trigger itself)', () => {
      expect(template.toJSON().Resources[ids.siteBucket].Properties.NotificationConfiguration).toBeUndefined();
      for (const bucket of Object.values(resourcesOf(template, 'AWS::S3::Bucket'))) {
        expect(bucket.Properties.NotificationConfiguration).toBeUndefined();
      }
      const notifications = Object.values(resourcesOf(template, 'Custom::S3BucketNotifications'));
      expect(notifications.map((n) => n.Properties.BucketName)).toEqual([{ Ref: ids.sourceBucket }]);
    });
  });

  describe('Functions', () => {
    const common = (fnId: () => string, timeout: number) => () => {
      const fn = template.toJSON().Resources[fnId()].Properties;
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 1024,
        Timeout: timeout,
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
      });
      const logGroup = template.toJSON().Resources[fn.LoggingConfig.LogGroup.Ref];
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays).toBe(30);
    };

    it('ingest: nodejs22.x, arm64, 1024 MB, 120 s, JSON logs to its own log group', common(() => ids.ingestFn, 120));
    it('publish: nodejs22.x, arm64, 1024 MB, 300 s, JSON logs to its own log group', common(() => ids.publishFn, 300));

    it('environment variables follow the handler contract', () => {
      const shared = {
        POSTS_TABLE: { Ref: ids.table },
        SOURCE_BUCKET: { Ref: ids.sourceBucket },
        SITE_BUCKET: { Ref: ids.siteBucket },
        SITE_URL: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }]] },
        SITE_TITLE: 'Clinic Blog',
        SITE_DESCRIPTION: expect.any(String),
        SITE_LANGUAGE: 'en',
        POSTS_PREFIX: 'posts/',
        REPORTS_PREFIX: 'reports/',
        REPEAT_POLICY: 'link',
        NODE_OPTIONS: '--enable-source-maps',
      };
      const env = (id: string) => template.toJSON().Resources[id].Properties.Environment.Variables;
      expect(env(ids.ingestFn)).toEqual({
        ...shared,
        PUBLISH_QUEUE_URL: { Ref: ids.publishQueue },
        SERVICE_NAME: 'content-ingest',
        SCHEDULE_GROUP: Object.values(resourcesOf(template, 'AWS::Scheduler::ScheduleGroup'))[0]!.Properties.Name,
        SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [stack.getLogicalId(stack.schedules.role.node.defaultChild as never), 'Arn'] },
        INGEST_QUEUE_ARN: { 'Fn::GetAtt': [ids.ingestQueue, 'Arn'] },
      });
      expect(env(ids.publishFn)).toEqual({
        ...shared, PUBLISH_QUEUE_URL: { Ref: ids.publishQueue }, SERVICE_NAME: 'content-publish', DISTRIBUTION_ID: { Ref: ids.distribution },
        REDIRECT_STORE_ARN: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::CloudFront::KeyValueStore', {}), 'Arn'] },
      });
      // The same, as a template assertion: the publisher knows the distribution whose cache it invalidates.
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ SERVICE_NAME: 'content-publish', DISTRIBUTION_ID: { Ref: ids.distribution } }) },
      });
    });

    it('event source mappings report batch item failures', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: ids.ingestFn },
        EventSourceArn: { 'Fn::GetAtt': [ids.ingestQueue, 'Arn'] },
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: ids.publishFn },
        EventSourceArn: { 'Fn::GetAtt': [ids.publishQueue, 'Arn'] },
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: Match.absent(), // not supported on FIFO queues
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('no reserved concurrency (the single FIFO message group serialises publishing)', () => {
      for (const id of [ids.ingestFn, ids.publishFn]) {
        expect(template.toJSON().Resources[id].Properties.ReservedConcurrentExecutions).toBeUndefined();
      }
    });
  });

  describe('least privilege', () => {
    const actionsOn = (statements: Statement[], predicate: (arn: string) => boolean) =>
      statements.flatMap((s) =>
        toArray(s.Resource as unknown[])
          .map(flattenArn)
          .filter(predicate)
          .flatMap((arn) => toArray(s.Action).map((a) => `${a} ${arn}`)),
      );

    it('ingest: reads posts/*, writes reports/*, cannot touch the site bucket', () => {
      const statements = statementsOfFunction(template, ids.ingestFn);
      const source = `${ids.sourceBucket}.Arn`;
      expect(actionsOn(statements, (arn) => arn.startsWith(source)).sort()).toEqual(
        [`s3:GetObject ${source}/posts/*`, `s3:GetObjectVersion ${source}/posts/*`, `s3:PutObject ${source}/reports/*`].sort(),
      );
      const touched = new Set(statements.flatMap((s) => [...referencedIds(s.Resource)]));
      expect(touched.has(ids.siteBucket)).toBe(false);
      expect(touched.has(ids.distribution)).toBe(false);
      // Publish queue: send only.
      expect(actionsOn(statements, (arn) => arn === `${ids.publishQueue}.Arn`)).toEqual(
        expect.arrayContaining([`sqs:SendMessage ${ids.publishQueue}.Arn`]),
      );
      expect(
        actionsOn(statements, (arn) => arn === `${ids.publishQueue}.Arn`).filter((a) =>
          /sqs:(ReceiveMessage|DeleteMessage|PurgeQueue)/.test(a),
        ),
      ).toEqual([]);
      // Table: read/write data, no table management.
      const tableActions = actionsOn(statements, (arn) => arn.startsWith(`${ids.table}.Arn`));
      expect(tableActions).toEqual(expect.arrayContaining([`dynamodb:PutItem ${ids.table}.Arn`]));
      expect(tableActions.filter((a) => /dynamodb:(DeleteTable|UpdateTable|CreateTable)/.test(a))).toEqual([]);
    });

    it('scheduled posts: ingest manages schedules of its group only and passes only the scheduler role, which may only send to the ingest queue', () => {
      const group: string = Object.values(resourcesOf(template, 'AWS::Scheduler::ScheduleGroup'))[0]!.Properties.Name;
      expect(group).toMatch(/^[0-9a-zA-Z._-]{1,64}$/);
      const roleId = stack.getLogicalId(stack.schedules.role.node.defaultChild as never);
      const statements = statementsOfFunction(template, ids.ingestFn);
      const scheduler = statements.filter((s) => toArray(s.Action).some((a) => a.startsWith('scheduler:')));
      expect(scheduler).toHaveLength(1);
      expect(toArray(scheduler[0]!.Action).sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule', 'scheduler:UpdateSchedule']);
      expect(toArray(scheduler[0]!.Resource).map(flattenArn)).toEqual([
        `arn:AWS::Partition:scheduler:AWS::Region:AWS::AccountId:schedule/${group}/*`,
      ]);
      const passRole = statements.filter((s) => toArray(s.Action).includes('iam:PassRole'));
      expect(passRole).toEqual([expect.objectContaining({
        Action: 'iam:PassRole', Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      })]);
      // The role: assumed by EventBridge Scheduler for this account only; SendMessage to the ingest queue, nothing else.
      const role = template.toJSON().Resources[roleId].Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({
        Action: 'sts:AssumeRole', Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      })]);
      expect(role.ManagedPolicyArns).toBeUndefined();
      const roleStatements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
        .filter((policy) => toArray<Json>(policy.Properties.Roles).some((r) => r.Ref === roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
      expect(roleStatements).toEqual([expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [ids.ingestQueue, 'Arn'] } })]);
      template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', {});
    });

    it('publish: reads the table, reads/writes the site bucket; in the source bucket writes reports/* and keeps the published state, never posts', () => {
      const statements = statementsOfFunction(template, ids.publishFn);
      const touched = new Set(statements.flatMap((s) => [...referencedIds(s.Resource)]));
      expect(touched.has(ids.logsBucket)).toBe(false);
      expect(touched.has(ids.ingestQueue)).toBe(false);
      // Its own queue: to ask for the next run when time runs out with work left.
      expect(actionsOn(statements, (arn) => arn.startsWith(`${ids.publishQueue}.Arn`))).toEqual(expect.arrayContaining([`sqs:SendMessage ${ids.publishQueue}.Arn`]));
      const source = `${ids.sourceBucket}.Arn`;
      expect(actionsOn(statements, (arn) => arn.startsWith(source)).sort()).toEqual([
        `s3:PutObject ${source}/reports/*`, `s3:ListBucket ${source}`,
        ...['state/listing.json', 'state/listing/*'].flatMap((key) => ['GetObject', 'PutObject', 'DeleteObject'].map((action) => `s3:${action} ${source}/${key}`)),
      ].sort());
      const site = `${ids.siteBucket}.Arn`;
      expect(actionsOn(statements, (arn) => arn.startsWith(site)).sort()).toEqual(
        [`s3:DeleteObject ${site}/*`, `s3:GetObject ${site}/*`, `s3:PutObject ${site}/*`, `s3:ListBucket ${site}`].sort(),
      );
      const tableActions = actionsOn(statements, (arn) => arn.startsWith(`${ids.table}.Arn`));
      expect(tableActions).toEqual(expect.arrayContaining([`dynamodb:Query ${ids.table}.Arn/index/*`]));
      // Writes only to the publisher's own partitions (never SLUG# claims); UpdateItem only of the view attribute.
      const writes = statements.filter((s) => toArray<string>(s.Action).some((a) => /dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/.test(a)));
      expect(writes).toHaveLength(2);
      const put = writes.find((s) => toArray<string>(s.Action).includes('dynamodb:PutItem'))!;
      expect(put.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IX#*', 'POST#*', 'CHANGES'] } });
      const update = writes.find((s) => toArray<string>(s.Action).includes('dynamodb:UpdateItem'))!;
      expect(update.Action).toBe('dynamodb:UpdateItem');
      expect(update.Condition).toMatchObject({ 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'view', 'seq'] } });
    });

    it('publish: CreateInvalidation on this distribution only (its ARN, no wildcard), and nothing else of CloudFront', () => {
      const roleId = template.toJSON().Resources[ids.publishFn].Properties.Role['Fn::GetAtt'][0];
      const distributionArn = {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: ids.distribution }]],
      };
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: Match.arrayWith([{ Action: 'cloudfront:CreateInvalidation', Effect: 'Allow', Resource: distributionArn }]),
        },
      });
      const cloudfrontActions = (id: string) => statementsOfFunction(template, id)
        .flatMap((s) => toArray(s.Action).map((action) => `${action} ${flattenArn(s.Resource)}`))
        .filter((entry) => entry.startsWith('cloudfront:'));
      expect(cloudfrontActions(ids.publishFn)).toEqual([`cloudfront:CreateInvalidation ${flattenArn(distributionArn)}`]);
      expect(cloudfrontActions(ids.ingestFn)).toEqual([]);
    });

    it('pipeline roles use no wildcard actions at all', () => {
      for (const id of [ids.ingestFn, ids.publishFn]) {
        const actions = statementsOfFunction(template, id).flatMap((s) => toArray(s.Action));
        expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      }
    });

    it('no IAM policy in the stack grants `*` or `service:*`', () => {
      const all = [
        ...Object.values(resourcesOf(template, 'AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument),
        ...Object.values(resourcesOf(template, 'AWS::IAM::Role')).flatMap((r) =>
          toArray<Json>(r.Properties.Policies).map((p) => p.PolicyDocument),
        ),
      ];
      const allowed = all.flatMap((doc) => toArray<Json>(doc.Statement)).filter((s) => s.Effect === 'Allow');
      expect(allowed.length).toBeGreaterThan(0);
      const bad = allowed.flatMap((s) => toArray<string>(s.Action)).filter((a) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a));
      expect(bad).toEqual([]);
    });

    it('log permissions are scoped to each function’s own log group', () => {
      for (const id of [ids.ingestFn, ids.publishFn]) {
        const fn = template.toJSON().Resources[id].Properties;
        const logStatements = statementsOfFunction(template, id).filter((s) =>
          toArray(s.Action).some((a) => a.startsWith('logs:')),
        );
        expect(logStatements).toEqual([
          expect.objectContaining({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [fn.LoggingConfig.LogGroup.Ref, 'Arn'] },
          }),
        ]);
      }
    });
  });

  describe('SiteDelivery', () => {
    it('distribution: OAC S3 origin, HTTPS redirect, index.html root, HTTP/2+3, logging, rewrite function, headers', () => {
      const oacId = logicalIdOf(template, 'AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
      });
      const fnId = Object.keys(resourcesOf(template, 'AWS::CloudFront::Function'))[0]!;
      const headersId = Object.keys(resourcesOf(template, 'AWS::CloudFront::ResponseHeadersPolicy'))[0]!;
      const cacheId = Object.keys(resourcesOf(template, 'AWS::CloudFront::CachePolicy'))[0]!;
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          DefaultRootObject: 'index.html',
          HttpVersion: 'http2and3',
          Enabled: true,
          Origins: [
            Match.objectLike({
              DomainName: { 'Fn::GetAtt': [ids.siteBucket, 'RegionalDomainName'] },
              OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
            }),
          ],
          DefaultCacheBehavior: Match.objectLike({
            ViewerProtocolPolicy: 'redirect-to-https',
            AllowedMethods: ['GET', 'HEAD'],
            Compress: true,
            CachePolicyId: { Ref: cacheId },
            ResponseHeadersPolicyId: { Ref: headersId },
            FunctionAssociations: [
              { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } },
            ],
          }),
          Logging: { Bucket: { 'Fn::GetAtt': [ids.logsBucket, 'RegionalDomainName'] }, Prefix: 'cloudfront/' },
          Aliases: Match.absent(),
        }),
      });
    });

    it('site bucket only readable by this distribution (OAC), objects only', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: ids.siteBucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudfront.amazonaws.com' },
              Action: 's3:GetObject',
              Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.siteBucket, 'Arn'] }, '/*']] },
              Condition: {
                StringEquals: {
                  'AWS:SourceArn': Match.objectLike({
                    'Fn::Join': ['', Match.arrayWith([':distribution/', { Ref: ids.distribution }])],
                  }),
                },
              },
            },
          ]),
        },
      });
    });

    it('response headers policy: CSP, HSTS 2y + subdomains, nosniff, referrer policy, frame DENY', () => {
      template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: Match.objectLike({
          SecurityHeadersConfig: {
            ContentSecurityPolicy: {
              ContentSecurityPolicy:
                "default-src 'none'; style-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
              Override: true,
            },
            StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
            ContentTypeOptions: { Override: true },
            ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
            FrameOptions: { FrameOption: 'DENY', Override: true },
          },
        }),
      });
      expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe/);
    });

    it('cache policy honours origin Cache-Control (min TTL 0, default 300 s, max above the pages\' s-maxage)', () => {
      // What the publisher writes on pages, feeds, sitemap and robots.txt: a long s-maxage, which the policy's max TTL
      // must not cut short (CloudFront caps s-maxage at MaxTTL), and a short browser max-age.
      const sMaxAge = Number(/s-maxage=(\d+)/.exec(SITE_FILE_TYPES.html.cacheControl)?.[1]);
      expect(sMaxAge).toBeGreaterThanOrEqual(86_400);
      for (const kind of ['html', 'rss', 'atom', 'jsonFeed', 'sitemap', 'robots'] as const) {
        expect(SITE_FILE_TYPES[kind].cacheControl, kind).toMatch(/(^|, )max-age=(\d{1,3})(,|$)/);
      }
      const [policy] = Object.values(resourcesOf(template, 'AWS::CloudFront::CachePolicy'));
      expect(policy!.Properties.CachePolicyConfig.MaxTTL).toBeGreaterThanOrEqual(sMaxAge);
      template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
        CachePolicyConfig: Match.objectLike({
          MinTTL: 0,
          DefaultTTL: 300,
          ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
            EnableAcceptEncodingGzip: true,
            EnableAcceptEncodingBrotli: true,
            CookiesConfig: { CookieBehavior: 'none' },
            QueryStringsConfig: { QueryStringBehavior: 'none' },
          }),
        }),
      });
    });

    it('ETag and Last-Modified reach readers (nothing removes them), so feed readers and browsers get 304s', () => {
      for (const policy of Object.values(resourcesOf(template, 'AWS::CloudFront::ResponseHeadersPolicy'))) {
        expect(policy.Properties.ResponseHeadersPolicyConfig.RemoveHeadersConfig).toBeUndefined();
        expect(JSON.stringify(policy.Properties.ResponseHeadersPolicyConfig.CustomHeadersConfig ?? {})).not.toMatch(/etag|last-modified|cache-control/i);
      }
      // No origin request policy or function that could drop them either: the S3 origin answers with its own.
      const behavior = template.toJSON().Resources[ids.distribution].Properties.DistributionConfig.DefaultCacheBehavior;
      expect(behavior.OriginRequestPolicyId).toBeUndefined();
      expect(behavior.FunctionAssociations.map((association: Json) => association.EventType)).toEqual(['viewer-request']);
    });

    it('viewer-request function is the tested code (redirects, then the index rewrite) on cloudfront-js-2.0, reading the redirect store', () => {
      const storeId = logicalIdOf(template, 'AWS::CloudFront::KeyValueStore', {});
      template.hasResourceProperties('AWS::CloudFront::Function', {
        AutoPublish: true,
        FunctionConfig: Match.objectLike({
          Runtime: 'cloudfront-js-2.0',
          KeyValueStoreAssociations: [{ KeyValueStoreARN: { 'Fn::GetAtt': [storeId, 'Arn'] } }],
        }),
        FunctionCode: VIEWER_REQUEST_FUNCTION_CODE,
      });
      template.hasOutput('RedirectStoreArn', { Value: { 'Fn::GetAtt': [storeId, 'Arn'] } });
    });

    it('publish: DescribeKeyValueStore, ListKeys and UpdateKeys on the redirect store only (its ARN), and its ARN in the environment', () => {
      const storeId = logicalIdOf(template, 'AWS::CloudFront::KeyValueStore', {});
      const storeArn = { 'Fn::GetAtt': [storeId, 'Arn'] };
      const kvs = statementsOfFunction(template, ids.publishFn).filter((s) => toArray<string>(s.Action).some((a) => a.startsWith('cloudfront-keyvaluestore:')));
      expect(kvs).toEqual([expect.objectContaining({
        Action: ['cloudfront-keyvaluestore:DescribeKeyValueStore', 'cloudfront-keyvaluestore:ListKeys', 'cloudfront-keyvaluestore:UpdateKeys'],
        Resource: storeArn,
      })]);
      const fn = template.toJSON().Resources[ids.publishFn].Properties;
      expect(fn.Environment.Variables.REDIRECT_STORE_ARN).toEqual(storeArn);
      // Nobody else may touch it.
      for (const id of [ids.ingestFn]) {
        expect(statementsOfFunction(template, id).flatMap((s) => toArray<string>(s.Action)).filter((a) => a.startsWith('cloudfront-keyvaluestore:'))).toEqual([]);
      }
    });
  });

  describe('Monitoring', () => {
    it.each([
      ['ingest', () => ids.ingestDlq],
      ['publish', () => ids.publishDlq],
    ])('alarms on any message in the %s DLQ', (_name, dlq) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq(), 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it.each([
      ['ingest', () => ids.ingestFn],
      ['publish', () => ids.publishFn],
    ])('alarms on %s function errors', (_name, fn) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn() } }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });
  });

  it('outputs buckets, distribution, table, DLQ URLs and an upload command', () => {
    template.hasOutput('SourceBucketName', { Value: { Ref: ids.sourceBucket } });
    template.hasOutput('SiteBucketName', { Value: { Ref: ids.siteBucket } });
    template.hasOutput('DistributionId', { Value: { Ref: ids.distribution } });
    template.hasOutput('DistributionDomainName', { Value: { 'Fn::GetAtt': [ids.distribution, 'DomainName'] } });
    template.hasOutput('SiteUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }]] },
    });
    template.hasOutput('PostsTableName', { Value: { Ref: ids.table } });
    template.hasOutput('IngestDeadLetterQueueUrl', { Value: { Ref: ids.ingestDlq } });
    template.hasOutput('PublishDeadLetterQueueUrl', { Value: { Ref: ids.publishDlq } });
    template.hasOutput('UploadCommand', {
      Value: { 'Fn::Join': ['', ['aws s3 cp post.md s3://', { Ref: ids.sourceBucket }, '/posts/post.md']] },
    });
  });

  describe('cdk-nag (AwsSolutions)', () => {
    it('reports no unacknowledged errors or warnings', () => {
      const report = new AwsSolutionsChecks().validateScope(app);
      expect(report.violations.map((v) => `${v.severity} ${v.ruleName}`)).toEqual([]);
      expect(report.success).toBe(true);
    });

    it('passes as a validation plugin during synthesis (what `cdk synth` runs)', () => {
      const fresh = newApp();
      new ContentPipelineStack(fresh, 'NagPipeline');
      Validations.of(fresh).addPlugins(new AwsSolutionsChecks(fresh));
      expect(() => fresh.synth()).not.toThrow();
    }, SLOW);

    it('is not vacuous: an unacknowledged insecure bucket is reported', () => {
      const fresh = newApp();
      const bad = new Stack(fresh, 'Bad');
      new s3.Bucket(bad, 'Plain', { enforceSSL: false });
      const rules = new AwsSolutionsChecks().validateScope(fresh).violations.map((v) => v.ruleName);
      expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
      // ...and the plugin path fails synthesis for it.
      Validations.of(fresh).addPlugins(new AwsSolutionsChecks(fresh));
      expect(() => fresh.synth()).toThrow(/AwsSolutions-S1/);
    });

    it('every acknowledgement carries a written reason', () => {
      const acks = stack.node
        .findAll()
        .flatMap((c) => c.node.metadata)
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>));
      expect(acks.length).toBeGreaterThan(0);
      for (const [id, reason] of acks) {
        expect(id).toMatch(/AwsSolutions-/);
        expect(reason.length, id).toBeGreaterThan(40);
      }
    });
  });
});

describe('ContentPipelineStack with a custom domain', () => {
  const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
  let template: Template;
  let app: App;

  beforeAll(() => {
    ({ app, template } = build({ domainName: 'blog.example.com', certificateArn, siteUrl: 'https://ignored.example' }));
  }, SLOW);

  it('serves the domain with the certificate, SNI and TLS 1.2 (2021) minimum', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['blog.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: certificateArn,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
  });

  it('uses https://<domainName> as SITE_URL', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Environment: { Variables: Match.objectLike({ SITE_URL: 'https://blog.example.com' }) } },
      2,
    );
    template.hasOutput('SiteUrl', { Value: 'https://blog.example.com' });
  });

  it('passes cdk-nag without the CFR4 acknowledgement', () => {
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
    const acked = app.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as object));
    expect(acked.some((id) => id.includes('AwsSolutions-CFR4'))).toBe(false);
  });
});

describe('ContentPipelineStack configuration', () => {
  it('uses the siteUrl context without a custom domain (trailing slash removed)', () => {
    const { template } = build({ siteUrl: 'https://www.example.org/', siteTitle: 'T', siteLanguage: 'de' });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({ SITE_URL: 'https://www.example.org', SITE_TITLE: 'T', SITE_LANGUAGE: 'de' }),
        },
      },
      2,
    );
  }, SLOW);

  it('rejects a certificate outside us-east-1 and a domain without certificate', () => {
    expect(() =>
      build({
        domainName: 'blog.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
      }),
    ).toThrow(/us-east-1/);
    expect(() => build({ domainName: 'blog.example.com' })).toThrow(/certificate/);
    expect(() => build({ siteUrl: 'ftp://example.org' })).toThrow(/http/);
  }, SLOW);

  it('wires alarms to an existing SNS topic when given', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:alerts';
    const { template } = build({ alarmTopicArn: topicArn });
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { AlarmActions: [topicArn], OKActions: [topicArn] },
      4,
    );
  }, SLOW);
});

describe('contract with the handlers', () => {
  it('sets every environment variable the handlers read (lambdas/contract.ts)', async () => {
    const { ENV: HANDLER_ENV } = await import('../../lambdas/contract.js');
    // The handlers fall back to defaults for these (DEFAULT_SITE_CONFIG.maxPostBytes, the render worker's settings).
    const optional = new Set(['MAX_POST_BYTES', 'RENDER_TIMEOUT_MS', 'RENDER_WORKERS', 'RENDER_MAX_HEAP_MB', 'PUBLISH_QUIET_MS', 'PUBLISH_MAX_WAIT_MS',
      // Only with WebSub hubs or an IndexNow key configured (test/infra/notifications.test.ts); the notifier's endpoint.
      'WEBSUB_HUBS', 'INDEXNOW_KEY', 'NOTIFY_QUEUE_URL', 'INDEXNOW_ENDPOINT',
      // Only when set (the next test); unset, the handlers use the site's favicon and no logo.
      'FEED_ICON', 'FEED_LOGO']);
    // Read by the publisher only (no distribution or redirect store locally: no edge invalidation, no edge redirects).
    const publisherOnly = new Set(['DISTRIBUTION_ID', 'REDIRECT_STORE_ARN']);
    // Read by ingest only: where it schedules posts dated in the future.
    const ingestOnly = new Set(['SCHEDULE_GROUP', 'SCHEDULER_ROLE_ARN', 'INGEST_QUEUE_ARN']);
    const { stack, template } = build();
    const env = (fn: { node: { defaultChild?: unknown } }) => {
      const id = stack.getLogicalId(fn.node.defaultChild as never);
      return Object.keys(template.toJSON().Resources[id].Properties.Environment.Variables);
    };
    const wanted = Object.values(HANDLER_ENV as Record<string, string>).filter((name) => !optional.has(name));
    expect(env(stack.ingest.fn)).toEqual(expect.arrayContaining(wanted.filter((name) => !publisherOnly.has(name))));
    for (const name of publisherOnly) expect(env(stack.ingest.fn)).not.toContain(name);
    expect(env(stack.publishing.fn)).toEqual(expect.arrayContaining(wanted.filter((name) => !ingestOnly.has(name))));
    for (const name of ingestOnly) expect(env(stack.publishing.fn)).not.toContain(name);
    expect(env(stack.publishing.fn)).not.toContain('FEED_ICON');
  }, SLOW);

  it('passes the feed icon and logo to both functions when set, and refuses one that is no http(s) URL or site path', async () => {
    const { siteConfigFromEnv } = await import('../../lambdas/handlers/environment.js');
    const { stack, template } = build({ feedIcon: '/icon.png', feedLogo: 'https://cdn.example/logo.png' });
    for (const fn of [stack.ingest.fn, stack.publishing.fn]) {
      const variables = template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)].Properties.Environment.Variables;
      expect(variables).toMatchObject({ FEED_ICON: '/icon.png', FEED_LOGO: 'https://cdn.example/logo.png' });
      const config = siteConfigFromEnv({ ...variables, SITE_URL: 'https://blog.example.com' });
      expect([config.feedIcon, config.feedLogo]).toEqual(['/icon.png', 'https://cdn.example/logo.png']);
    }
    expect(() => build({ feedLogo: 'logo.png' })).toThrow(/feedLogo must be an http\(s\) URL or a site path/);
  }, SLOW);
});
