/**
 * The scheduled posts' wake-ups as EventBridge Scheduler one-time schedules, against the SDK's real
 * `SchedulerClient` (REST-JSON serialisation, signing, retries, error parsing) with a stubbed transport that
 * records each HTTP request and answers as the service does. There is no EventBridge Scheduler emulator.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { atExpressionTime, EventBridgePostScheduler, scheduleName } from '../../lambdas/adapters/eventbridge-scheduler.js';
import { quietSdkLogger } from '../../lambdas/adapters/sdk-options.js';
import { scheduledPostMessage } from '../../lambdas/contract.js';
import { PermanentError, TransientError } from '../../lambdas/core/errors.js';
import { parseIngestMessage } from '../../lambdas/handlers/s3-events.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const GROUP = 'content-pipeline-posts';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:content-ingest';
const ROLE = 'arn:aws:iam::123456789012:role/content-scheduler';
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: Record<string, unknown> | undefined;
  readonly authorization: string | undefined;
}

/** EventBridge Scheduler as the transport sees it: `answers` in turn (status and error type), then success. */
class StubScheduler {
  readonly requests: Recorded[] = [];
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private next = 0;

  constructor(private readonly answers: readonly { readonly status: number; readonly type?: string }[] = []) {}

  async handle(request: { method: string; path: string; query?: Record<string, string>; headers: Record<string, string>; body?: unknown }) {
    const text = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array | undefined);
    this.requests.push({
      method: request.method, path: request.path, query: request.query ?? {}, body: text === '' ? undefined : JSON.parse(text) as Record<string, unknown>,
      authorization: request.headers.authorization,
    });
    const answer = this.answers[this.next++] ?? { status: 200 };
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': `req-${this.requests.length}` };
    if (answer.type !== undefined) headers['x-amzn-errortype'] = answer.type;
    const body = answer.type !== undefined
      ? { Message: `${answer.type} (stub)` }
      : request.method === 'DELETE' ? {} : { ScheduleArn: `arn:aws:scheduler:eu-west-1:123456789012:schedule/${GROUP}/x` };
    return { response: { statusCode: answer.status, reason: undefined, headers, body: Readable.from([Buffer.from(JSON.stringify(body))]) } };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}

function schedulerOver(stub: StubScheduler): EventBridgePostScheduler {
  const client = new SchedulerClient({
    region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 5, retryMode: 'adaptive', logger: quietSdkLogger, requestHandler: stub,
  });
  return new EventBridgePostScheduler(client, { groupName: GROUP, queueArn: QUEUE, roleArn: ROLE, now: () => NOW });
}

describe('EventBridgePostScheduler (SchedulerClient over a stubbed transport)', () => {
  it('creates one signed one-time schedule per post in the group, sending the wake-up to the ingest queue, deleted after it fired', async () => {
    const stub = new StubScheduler();
    await schedulerOver(stub).wakeAt('2025/hello world+é.md', '2025-06-01T13:00:30.000Z', 'SEQ1');
    expect(stub.requests).toHaveLength(1);
    const [request] = stub.requests;
    const name = scheduleName('2025/hello world+é.md');
    expect(name).toMatch(/^[0-9a-zA-Z._-]{1,64}$/);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe(`/schedules/${name}`);
    expect(request!.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/scheduler\/aws4_request/);
    expect(request!.body).toMatchObject({
      GroupName: GROUP,
      // The next whole minute: the scheduler fires within the minute it is set to, never before the post's date.
      ScheduleExpression: 'at(2025-06-01T13:01:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: { Arn: QUEUE, RoleArn: ROLE, Input: scheduledPostMessage('2025/hello world+é.md', 'SEQ1') },
    });
    // What the queue will carry is what the ingest handler reads as a wake-up.
    expect(parseIngestMessage((request!.body!['Target'] as { Input: string }).Input)).toEqual({ scheduledPost: { key: '2025/hello world+é.md', sequencer: 'SEQ1' } });
  });

  it('moves an existing schedule: CreateSchedule answers ConflictException, UpdateSchedule replaces time and message', async () => {
    const stub = new StubScheduler([{ status: 409, type: 'ConflictException' }]);
    await schedulerOver(stub).wakeAt('a.md', '2025-07-01T00:00:00.000Z', 'SEQ2');
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /schedules/${scheduleName('a.md')}`, `PUT /schedules/${scheduleName('a.md')}`]);
    expect(stub.requests[1]!.body).toMatchObject({ ScheduleExpression: 'at(2025-07-01T00:00:00)', Target: { Input: scheduledPostMessage('a.md', 'SEQ2') } });
  });

  it('cancels by deleting the schedule in the group; one already gone is fine', async () => {
    const stub = new StubScheduler([{ status: 200 }, { status: 404, type: 'ResourceNotFoundException' }]);
    const scheduler = schedulerOver(stub);
    await scheduler.cancel('a.md');
    await scheduler.cancel('a.md');
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(Array(2).fill(`DELETE /schedules/${scheduleName('a.md')}`));
    expect(stub.requests[0]!.query).toMatchObject({ groupName: GROUP });
  });

  it('leaves throttling to the SDK retries, and fails permanently on what a retry cannot fix', async () => {
    const throttled = new StubScheduler([{ status: 429, type: 'ThrottlingException' }]);
    await schedulerOver(throttled).wakeAt('a.md', '2025-07-01T00:00:00.000Z', 'SEQ3');
    expect(throttled.requests).toHaveLength(2);
    const denied = new StubScheduler([{ status: 403, type: 'AccessDeniedException' }]);
    await expect(schedulerOver(denied).wakeAt('a.md', '2025-07-01T00:00:00.000Z', 'SEQ3')).rejects.toBeInstanceOf(PermanentError);
    const down = new StubScheduler(Array.from({ length: 5 }, () => ({ status: 500, type: 'InternalServerException' })));
    await expect(schedulerOver(down).cancel('a.md')).rejects.toBeInstanceOf(TransientError);
  });

  it('never sets a time in the past: a post due now (a wake-up that came early) is set for the minute to come', () => {
    expect(atExpressionTime(NOW - 5000, NOW)).toBe('2025-06-01T12:01:00');
    expect(atExpressionTime(NOW + 60_000, NOW)).toBe('2025-06-01T12:01:00');
    expect(atExpressionTime(NOW + 60_001, NOW)).toBe('2025-06-01T12:02:00');
  });
});
