import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Repository root (this file lives in `lib/constructs/`). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a handler entry under `lambdas/handlers/`. */
export function handlerEntry(name: string): string {
  return join(PROJECT_ROOT, 'lambdas', 'handlers', `${name}.ts`);
}

/**
 * Runtime of every pipeline function. Pinned (not `NODEJS_LATEST`) because the esbuild target below
 * and the handler code are written for it; bump both together.
 */
export const PIPELINE_RUNTIME = lambda.Runtime.NODEJS_22_X;

/** Lets CommonJS dependencies that call `require` work inside the ESM bundle. */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface PipelineFunctionProps {
  /**
   * Handler entry file (TypeScript), exporting `handler`.
   */
  readonly entry: string;

  /** One-line description shown in the Lambda console. */
  readonly description: string;

  /**
   * Environment variables for the handler. `NODE_OPTIONS=--enable-source-maps` is always added.
   * @default - none besides NODE_OPTIONS
   */
  readonly environment?: Record<string, string>;

  /**
   * Function timeout. Queues feeding this function must use a visibility timeout of at least six times this.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;

  /**
   * Memory in MB (also scales CPU).
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.DESTROY (the logs are short-lived operational data)
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * A Node.js 22 / arm64 Lambda bundled locally with esbuild as an ESM module, with its own
 * log group (JSON logs, bounded retention) and its own execution role.
 *
 * The role starts with exactly one permission — write to this function's log group — instead of the
 * `AWSLambdaBasicExecutionRole` managed policy (which allows writing to every log group in the account).
 * Owners add the rest with `grant*` / `addToRolePolicy` on `fn`.
 */
export class PipelineFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}`,
    });
    // logs:CreateLogStream + logs:PutLogEvents on this log group only.
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: PIPELINE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(60),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        forceDockerBundling: false,
        // Bundle the AWS SDK v3 clients from package-lock.json instead of using the runtime's copy: the
        // handlers get the versions they were tested with (incl. @aws-sdk/util-dynamodb), and the bundle
        // is self-contained (~0.5-0.9 MB minified).
        bundleAwsSDK: true,
      },
    });

    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The runtime is pinned to nodejs22.x on purpose: the esbuild target (node22) and the handler code are ' +
        'tested against it. Newer runtimes are adopted deliberately by changing PIPELINE_RUNTIME and the target together.',
    });
  }
}
