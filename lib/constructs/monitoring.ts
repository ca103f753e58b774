import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoringProps {
  /** Dead-letter queues to alarm on, keyed by a short name used in the alarm id and description. */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;

  /** Functions whose `Errors` metric is alarmed, keyed by a short name. */
  readonly functions: Record<string, lambda.IFunction>;

  /**
   * SNS topic notified when an alarm fires and when it recovers.
   * @default - alarms have no actions (visible in the CloudWatch console only)
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Period of the function error alarms.
   * @default Duration.minutes(5)
   */
  readonly errorPeriod?: Duration;
}

/**
 * Alarms: any message in a dead-letter queue (a post or publish request failed five times), and any
 * function error (a crash or timeout; per-message failures reported through batchItemFailures do not
 * count as errors and surface through the DLQ alarm instead).
 */
export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const action = props.alarmTopic ? new cwActions.SnsAction(props.alarmTopic) : undefined;
    const add = (alarm: cloudwatch.Alarm) => {
      if (action) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
      this.alarms.push(alarm);
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      add(
        new cloudwatch.Alarm(this, `${name}DlqNotEmpty`, {
          alarmDescription: `${name}: messages in the dead-letter queue ${queue.queueName}; inspect and redrive.`,
          metric: queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        new cloudwatch.Alarm(this, `${name}Errors`, {
          alarmDescription: `${name}: the function failed (error or timeout).`,
          metric: fn.metricErrors({
            period: props.errorPeriod ?? Duration.minutes(5),
            statistic: cloudwatch.Stats.SUM,
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }
}
