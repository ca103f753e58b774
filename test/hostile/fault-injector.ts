import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Inject the storage faults an emulator cannot produce (throttling, 5xx, timeouts) into real AWS SDK v3 clients
 * with a middleware: the Nth matching call of a command fails with the given error, and everything else goes
 * through to s3rver / dynalite untouched. Reusable for any S3 or DynamoDB client.
 *
 * `stage: 'call'` (default) fails a whole `client.send` before the SDK's own retries, so the pipeline sees it
 * (and the queue's retry and dead-letter policy are exercised). `stage: 'attempt'` fails one HTTP attempt inside
 * the SDK's retry loop, as a real throttled request would be, so the SDK's retries are exercised.
 */

export type FaultKind =
  | 'ThrottlingException' | 'ProvisionedThroughputExceededException' | 'SlowDown' | 'InternalError'
  | 'InternalServerError' | 'ServiceUnavailable' | 'TimeoutError' | 'ConnectionReset';

export interface FaultRule {
  /** SDK command name, e.g. `PutItemCommand`, `GetObjectCommand`. */
  readonly command: string;
  /** Only calls whose input passes (e.g. a key or a bucket) are counted. @default every call */
  readonly match?: (input: Record<string, unknown>) => boolean;
  /** 1-based numbers of the matching calls that fail; `'always'` fails every one. */
  readonly calls: readonly number[] | 'always';
  /** The error to fail with; without one the call is only delayed by `delayMs` (to force an interleaving). */
  readonly fault?: FaultKind;
  /** @default 'call' */
  readonly stage?: 'call' | 'attempt';
  /** Wait this long before failing, or before going on when there is no `fault`. @default 0 */
  readonly delayMs?: number;
}

export interface InjectedFault {
  readonly command: string;
  readonly fault: FaultKind | 'delay';
  readonly call: number;
  readonly input: Record<string, unknown>;
}

/** Any SDK v3 client: what is used of its middleware stack, typed loosely so S3 and DynamoDB clients both fit. */
type Client = S3Client | DynamoDBClient;
interface LooseStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
  addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
  remove(name: string): boolean;
}
const stackOf = (client: Client) => client.middlewareStack as unknown as LooseStack;

/** The error shapes the SDK produces for these faults (name, HTTP status, fault side, retryability). */
export function sdkError(fault: FaultKind, detail = 'injected fault'): Error {
  const status: Partial<Record<FaultKind, number>> = {
    ThrottlingException: 400, ProvisionedThroughputExceededException: 400, SlowDown: 503,
    InternalError: 500, InternalServerError: 500, ServiceUnavailable: 503,
  };
  if (fault === 'TimeoutError') {
    return Object.assign(new Error(`${detail}: socket timed out`), { name: 'TimeoutError', $metadata: {} });
  }
  if (fault === 'ConnectionReset') {
    return Object.assign(new Error(`${detail}: read ECONNRESET`), { name: 'Error', code: 'ECONNRESET', $metadata: {} });
  }
  const httpStatusCode = status[fault]!;
  const throttling = fault === 'ThrottlingException' || fault === 'ProvisionedThroughputExceededException' || fault === 'SlowDown';
  return Object.assign(new Error(`${detail}: ${fault}`), {
    name: fault,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, requestId: 'injected', attempts: 1 },
    ...(throttling && { $retryable: { throttling: true } }),
  });
}

let nextId = 0;

/** Add the rules to `client`; returns the log of injected faults and a function that removes the middleware. */
export function injectFaults(client: Client, rules: readonly FaultRule[]): { readonly injected: InjectedFault[]; remove(): void } {
  const injected: InjectedFault[] = [];
  const counts = rules.map(() => 0);
  const names: string[] = [];
  for (const stage of ['call', 'attempt'] as const) {
    const staged = rules.map((rule, index) => ({ rule, index })).filter(({ rule }) => (rule.stage ?? 'call') === stage);
    if (staged.length === 0) continue;
    const name = `hostile-fault-injector-${stage}-${nextId++}`;
    names.push(name);
    const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      for (const { rule, index } of staged) {
        if (rule.command !== context.commandName || (rule.match && !rule.match(args.input))) continue;
        const call = ++counts[index]!;
        if (rule.calls === 'always' || rule.calls.includes(call)) {
          injected.push({ command: rule.command, fault: rule.fault ?? 'delay', call, input: args.input });
          if (rule.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
          if (rule.fault) throw sdkError(rule.fault, `${rule.command} call ${call}`);
          break;
        }
      }
      return next(args);
    };
    if (stage === 'call') stackOf(client).add(middleware, { step: 'initialize', priority: 'high', name });
    else stackOf(client).addRelativeTo(middleware, { relation: 'after', toMiddleware: 'retryMiddleware', name });
  }
  return {
    injected,
    remove() { for (const name of names) stackOf(client).remove(name); },
  };
}

/** Random faults: every matching call fails with probability `rate` (seeded), at most `maxPerTarget` times per target. */
export function injectRandomFaults(
  client: Client,
  options: {
    readonly random: () => number;
    readonly rate: number;
    readonly faults: readonly FaultKind[];
    readonly commands: readonly string[];
    /** What counts as one target (e.g. command + key); a target never fails more than `maxPerTarget` times. */
    readonly target: (command: string, input: Record<string, unknown>) => string | undefined;
    readonly maxPerTarget: number;
  },
): { readonly injected: InjectedFault[]; remove(): void } {
  const injected: InjectedFault[] = [];
  const perTarget = new Map<string, number>();
  const name = `hostile-random-faults-${nextId++}`;
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
    const command = context.commandName ?? '';
    const target = options.commands.includes(command) ? options.target(command, args.input) : undefined;
    if (target !== undefined && (perTarget.get(target) ?? 0) < options.maxPerTarget && options.random() < options.rate) {
      perTarget.set(target, (perTarget.get(target) ?? 0) + 1);
      const fault = options.faults[Math.floor(options.random() * options.faults.length)]!;
      injected.push({ command, fault, call: perTarget.get(target)!, input: args.input });
      throw sdkError(fault, `${command} ${target}`);
    }
    return next(args);
  };
  stackOf(client).add(middleware, { step: 'initialize', priority: 'high', name });
  return { injected, remove() { stackOf(client).remove(name); } };
}
