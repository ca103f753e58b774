/**
 * The announcements part of the stack (WebSub hubs, IndexNow): a notify queue with its DLQ and alarm, the notify
 * function, the publisher's SendMessage on that queue only; none of it without configuration; cdk-nag clean.
 */
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContentPipelineStack, type ContentPipelineStackProps } from '../../lib/content-pipeline-stack.js';

const SLOW = 60_000;
const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

function build(props: ContentPipelineStackProps = {}) {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stack = new ContentPipelineStack(app, 'TestPipeline', props);
  return { app, stack, template: Template.fromStack(stack) };
}

type Json = Record<string, any>;
const HUB = 'https://pubsubhubbub.appspot.com/';
const KEY = 'a1b2c3d4e5f6a7b8';

describe('with WebSub hubs and an IndexNow key', () => {
  let built: ReturnType<typeof build>;
  const idOf = (construct: { node: { defaultChild?: unknown } }) => built.stack.getLogicalId(construct.node.defaultChild as never);
  const resource = (id: string): Json => built.template.toJSON().Resources[id];

  beforeAll(() => {
    built = build({ websubHubs: [HUB], indexNowKey: KEY });
  }, SLOW);

  it('has a standard notify queue, encrypted, delayed, redriven to its DLQ after 5 receives', () => {
    const n = built.stack.notifications!;
    expect(n).toBeDefined();
    built.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      DelaySeconds: 90,
      VisibilityTimeout: 720,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [idOf(n.deadLetterQueue), 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(resource(idOf(n.queue)).Properties.FifoQueue).toBeUndefined();
    expect(resource(idOf(n.deadLetterQueue)).Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    // enforceSSL on both queues.
    for (const queue of [n.queue, n.deadLetterQueue]) {
      built.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: idOf(queue) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('feeds the notify function from the queue with partial batch failures', () => {
    const n = built.stack.notifications!;
    built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [idOf(n.queue), 'Arn'] },
      FunctionName: { Ref: idOf(n.fn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: { Variables: Match.objectLike({ SERVICE_NAME: 'content-notify' }) },
    });
  });

  it('gives the publisher the queue URL, the hubs and the key, and SendMessage on the notify queue only', () => {
    const n = built.stack.notifications!;
    const env = resource(idOf(built.stack.publishing.fn)).Properties.Environment.Variables as Json;
    expect(env).toMatchObject({ NOTIFY_QUEUE_URL: { Ref: idOf(n.queue) }, WEBSUB_HUBS: JSON.stringify([HUB]), INDEXNOW_KEY: KEY });
    const ingestEnv = resource(idOf(built.stack.ingest.fn)).Properties.Environment.Variables as Json;
    for (const name of ['NOTIFY_QUEUE_URL', 'WEBSUB_HUBS', 'INDEXNOW_KEY']) expect(ingestEnv[name], name).toBeUndefined();

    const publishRole = resource(idOf(built.stack.publishing.fn)).Properties.Role['Fn::GetAtt'][0] as string;
    built.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: Match.arrayWith([{ Ref: publishRole }]),
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: Match.arrayWith(['sqs:SendMessage']),
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [idOf(n.queue), 'Arn'] },
        })]),
      },
    });
    // The notify function sends to no queue and touches no bucket or table.
    const notifyRole = resource(idOf(n.fn)).Properties.Role['Fn::GetAtt'][0] as string;
    const statements = Object.values(built.template.findResources('AWS::IAM::Policy'))
      .filter((policy) => (policy.Properties.Roles as Json[]).some((role) => role.Ref === notifyRole))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[]);
    const actions = statements.flatMap((statement) => [statement.Action].flat() as string[]);
    expect(actions.filter((action) => !action.startsWith('logs:'))).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(actions.some((action) => /^(s3|dynamodb|cloudfront):|sqs:SendMessage/.test(action))).toBe(false);
  });

  it('alarms on the notify DLQ like the others', () => {
    const n = built.stack.notifications!;
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(n.deadLetterQueue), 'QueueName'] } }],
      Threshold: 1,
    });
    built.template.hasOutput('NotifyDeadLetterQueueUrl', {});
  });

  it('passes cdk-nag, acknowledging nothing but what every pipeline function does (its pinned runtime)', () => {
    const report = new AwsSolutionsChecks().validateScope(built.app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName}`)).toEqual([]);
    const acks = built.stack.notifications!.node.findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acks.map(([id]) => id)).toEqual(['Annotation::AwsSolutions-L1']);
    for (const [, reason] of acks) expect(reason.length).toBeGreaterThan(40);
  });
});

describe('without configuration', () => {
  it('has no notify queue or function, and the publisher no hubs, key or queue URL', () => {
    const { stack, template } = build();
    expect(stack.notifications).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::SQS::Queue'))).toHaveLength(4);
    const env = template.toJSON().Resources[stack.getLogicalId(stack.publishing.fn.node.defaultChild as never)].Properties.Environment.Variables as Json;
    for (const name of ['NOTIFY_QUEUE_URL', 'WEBSUB_HUBS', 'INDEXNOW_KEY']) expect(env[name], name).toBeUndefined();
  }, SLOW);

  it('refuses a key the IndexNow spec does not allow, and a hub that is not http(s)', () => {
    expect(() => build({ indexNowKey: 'short' })).toThrow(/IndexNow key/);
    expect(() => build({ websubHubs: ['mailto:hub@example.com'] })).toThrow(/http\(s\) URL/);
  }, SLOW);
});
