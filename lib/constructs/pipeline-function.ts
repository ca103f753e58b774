import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ESM_REQUIRE_BANNER } from '../contract.js';

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

/**
 * Packages the handler code loads lazily with `createRequire`, which esbuild does not follow, so they are not in the
 * bundle: each one's package.json, licence and main file are copied into the asset's `node_modules/`, where Node
 * finds them from the bundle (`/var/task/index.mjs`). `stopword`: the non-English stop-word lists (~200 KB
 * minified), read on the first post in another language (lambdas/core/terms.ts).
 */
export const LAZY_PACKAGES: readonly string[] = ['stopword'];

/** Shell commands (run after esbuild, locally or in the bundling container) that copy `LAZY_PACKAGES` into the asset. */
export function copyLazyPackages(inputDir: string, outputDir: string): string[] {
  return LAZY_PACKAGES.flatMap((name) => {
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { main?: string };
    const main = posix.normalize(manifest.main ?? 'index.js');
    const from = `${inputDir}/node_modules/${name}`;
    const to = `${outputDir}/node_modules/${name}`;
    return [
      `mkdir -p "${posix.dirname(`${to}/${main}`)}"`,
      `cp "${from}/package.json" "${from}/LICENSE" "${to}/"`,
      `cp "${from}/${main}" "${to}/${main}"`,
    ];
  });
}

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
        // needs nothing from the runtime (~0.65-0.86 MB minified, about 0.45 MB of it the SDK).
        bundleAwsSDK: true,
        // The lazily loaded packages go next to the bundle (see LAZY_PACKAGES).
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: copyLazyPackages,
        },
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
