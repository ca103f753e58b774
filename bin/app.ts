import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseHubList } from '../lambdas/core/config.js';
import { ContentPipelineStack } from '../lib/content-pipeline-stack.js';

/**
 * Context keys (cdk.json or `-c key=value`):
 * - `stackName`      stack name (default `ContentPipeline`)
 * - `siteUrl`        public URL of the site when it is not the CloudFront domain and no `domainName` is set
 * - `domainName`     custom domain served by CloudFront (needs `certificateArn`)
 * - `certificateArn` ACM certificate in us-east-1 for `domainName`
 * - `siteTitle`, `siteDescription`, `siteLanguage`  site settings passed to the handlers
 * - `alarmTopicArn`  existing SNS topic for alarm notifications
 * - `repeatPolicy`   keep | link | remove: sections repeating an earlier post (default link)
 * - `websubHubs`     WebSub hub URLs, comma-separated or a JSON list: named in the feeds, told of changed feeds
 * - `indexNowKey`    IndexNow key: `/<key>.txt` is published and changed pages are submitted
 * - `feedIcon`, `feedLogo`  the feeds' icon (default `/favicon.svg`) and logo: http(s) URLs or site paths
 */
const app = new App();

function context(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
  return value;
}

/** `-c websubHubs=a,b` gives a string; cdk.json may give a JSON list. */
function hubsContext(): string[] | undefined {
  const value: unknown = app.node.tryGetContext('websubHubs');
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return parseHubList(JSON.stringify(value));
  if (typeof value !== 'string') throw new Error('context websubHubs must be a list of URLs or a comma-separated string');
  return parseHubList(value);
}

function repeatPolicy(value: string | undefined): 'keep' | 'link' | 'remove' | undefined {
  if (value === undefined || value === 'keep' || value === 'link' || value === 'remove') return value;
  throw new Error(`context repeatPolicy must be keep, link or remove, not ${value}`);
}

new ContentPipelineStack(app, context('stackName') ?? 'ContentPipeline', {
  description: 'Serverless markdown blog: S3 sources -> SQS -> Lambda -> DynamoDB -> S3 site -> CloudFront',
  // Only pin the environment when the CLI knows it; synth works offline without credentials.
  env: process.env.CDK_DEFAULT_ACCOUNT
    ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
    : undefined,
  siteUrl: context('siteUrl'),
  domainName: context('domainName'),
  certificateArn: context('certificateArn'),
  siteTitle: context('siteTitle'),
  siteDescription: context('siteDescription'),
  siteLanguage: context('siteLanguage'),
  alarmTopicArn: context('alarmTopicArn'),
  repeatPolicy: repeatPolicy(context('repeatPolicy')),
  websubHubs: hubsContext(),
  indexNowKey: context('indexNowKey'),
  feedIcon: context('feedIcon'),
  feedLogo: context('feedLogo'),
});

Tags.of(app).add('project', 'content-pipeline');

// cdk-nag 3.x is a policy-validation plugin (not an Aspect): violations that are not acknowledged with
// Validations.of(construct).acknowledge({ id, reason }) fail `cdk synth` and are listed in
// cdk.out/policy-validation-report.json.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
