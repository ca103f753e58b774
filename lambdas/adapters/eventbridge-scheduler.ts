import {
  CreateScheduleCommand, DeleteScheduleCommand, UpdateScheduleCommand, type CreateScheduleCommandInput, type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { createHash } from 'node:crypto';
import { scheduledPostMessage } from '../contract.js';
import type { PostScheduler } from '../services/ports.js';
import { classifyAwsError, isAwsErrorNamed } from './aws-errors.js';

export interface EventBridgePostSchedulerOptions {
  /** The stack's schedule group: the ingest function may manage schedules in it only. */
  readonly groupName: string;
  /** The ingest queue, where the wake-up is sent. */
  readonly queueArn: string;
  /** The role EventBridge Scheduler assumes to send it (may only `sqs:SendMessage` to that queue). */
  readonly roleArn: string;
  /** For the earliest time a schedule may still be created at. @default Date.now */
  readonly now?: () => number;
}

const MINUTE_MS = 60_000;

/**
 * Scheduled posts' wake-ups as EventBridge Scheduler one-time schedules, one per post (named by a hash of its key),
 * in the stack's group: at the post's time the scheduler sends `scheduledPostMessage` to the ingest queue, then
 * deletes the schedule (`ActionAfterCompletion: DELETE`).
 */
export class EventBridgePostScheduler implements PostScheduler {
  private readonly now: () => number;

  constructor(private readonly client: SchedulerClient, private readonly options: EventBridgePostSchedulerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Create the post's schedule, or update it when it has one (an edit moved the date). */
  async wakeAt(key: string, at: string, token: string): Promise<void> {
    const input: CreateScheduleCommandInput = {
      Name: scheduleName(key),
      GroupName: this.options.groupName,
      ScheduleExpression: `at(${atExpressionTime(Date.parse(at), this.now())})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Description: `Publish the scheduled post ${key}`.slice(0, 512),
      Target: { Arn: this.options.queueArn, RoleArn: this.options.roleArn, Input: scheduledPostMessage(key, token) },
    };
    try {
      await this.client.send(new CreateScheduleCommand(input));
      return;
    } catch (cause) {
      if (!isAwsErrorNamed(cause, 'ConflictException')) throw classifyAwsError(cause, `CreateSchedule for ${key}`);
    }
    try {
      // It exists (the post was scheduled before): replace its time and message; update takes the whole definition.
      await this.client.send(new UpdateScheduleCommand(input));
    } catch (cause) {
      throw classifyAwsError(cause, `UpdateSchedule for ${key}`);
    }
  }

  /**
   * Delete the post's schedule; one already gone (fired and deleted, or never made) is fine. Failing here is
   * harmless too: a wake-up left behind finds the record moved on and is ignored (see `publishScheduledPost`).
   */
  async cancel(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: scheduleName(key), GroupName: this.options.groupName }));
    } catch (cause) {
      if (isAwsErrorNamed(cause, 'ResourceNotFoundException')) return;
      throw classifyAwsError(cause, `DeleteSchedule for ${key}`);
    }
  }
}

/** A schedule's name (1–64 of `[0-9a-zA-Z-_.]`): a hash of the post key, which may hold any character and be long. */
export function scheduleName(key: string): string {
  return `post-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/**
 * The `at(…)` time (`yyyy-mm-ddThh:mm:ss`, UTC) for a post due at `due`: the next whole minute from it, since the
 * scheduler fires within the minute it is set to (never before the post's date), and after `now`, since a
 * one-time schedule in the past is refused (a wake-up that came early is set again for the minute to come).
 */
export function atExpressionTime(due: number, now: number): string {
  const minute = Math.max(Math.ceil(due / MINUTE_MS), Math.ceil((now + 1) / MINUTE_MS)) * MINUTE_MS;
  return new Date(minute).toISOString().slice(0, 19);
}
