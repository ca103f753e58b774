import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../contract.js';
import { acknowledgeWildcardResources } from '../nag.js';

export interface PostSchedulesProps {
  /** The ingest function: it creates, moves and deletes one one-time schedule per post dated in the future. */
  readonly ingestFunction: lambda.Function;
  /** The ingest queue, where each schedule sends its post's wake-up at the post's time. */
  readonly ingestQueue: sqs.IQueue;
}

/**
 * Scheduled posts: an EventBridge Scheduler schedule group holding one one-time schedule per post dated in the
 * future (made by the ingest function, deleted by the scheduler once fired), and the role the scheduler assumes to
 * send the wake-up to the ingest queue. The ingest function may manage schedules in this group only, and pass this
 * role to the scheduler only; the role may only send messages to the ingest queue.
 */
export class PostSchedules extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PostSchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.group = new scheduler.ScheduleGroup(this, 'Group');

    // Assumed by EventBridge Scheduler on behalf of this account's schedules only (confused-deputy guard).
    this.role = new iam.Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to send scheduled posts\' wake-ups to the ingest queue',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'SendWakeUps', actions: ['sqs:SendMessage'], resources: [props.ingestQueue.queueArn],
    }));

    const schedules = stack.formatArn({
      service: 'scheduler', resource: 'schedule', resourceName: `${this.group.scheduleGroupName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    props.ingestFunction.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ManagePostSchedules',
      actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
      resources: [schedules],
    }));
    props.ingestFunction.addToRolePolicy(new iam.PolicyStatement({
      sid: 'PassSchedulerRole',
      actions: ['iam:PassRole'],
      resources: [this.role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }));
    acknowledgeWildcardResources(
      props.ingestFunction.role!,
      [schedules],
      'Scoped to the schedules of this stack\'s schedule group: one one-time schedule per post dated in the future, '
        + 'named by a hash of its key, so the names are only known at run time.',
    );

    props.ingestFunction.addEnvironment(ENV.SCHEDULE_GROUP, this.group.scheduleGroupName);
    props.ingestFunction.addEnvironment(ENV.SCHEDULER_ROLE_ARN, this.role.roleArn);
    props.ingestFunction.addEnvironment(ENV.INGEST_QUEUE_ARN, props.ingestQueue.queueArn);
  }
}
