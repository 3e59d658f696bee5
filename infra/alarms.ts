// Alarms on what costs money or hurts users: cost per hour (from the throttler's
// CostMicros metric), function errors and Function URL 5xx, and a spike of refusals; sent
// to an SNS topic with the stack's email and webhook subscribers.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import { tagsFor } from './tags.js';
import { metricNames, metricsNamespace, streamMetricsService } from '../functions/shared/metrics.js';

const throttlerMetric = { namespace: metricsNamespace, dimensions: { service: streamMetricsService } };

export function createAlarms(
  settings: StackConfig,
  functions: { stream: aws.lambda.Function; admin: aws.lambda.Function; sweeper: aws.lambda.Function },
) {
  const topic = new aws.sns.Topic('alarms', { tags: tagsFor(settings, 'alarms') });
  if (settings.alarms.email)
    new aws.sns.TopicSubscription('alarms-email', {
      topic: topic.arn,
      protocol: 'email',
      endpoint: settings.alarms.email,
    });
  if (settings.alarms.webhookUrl)
    new aws.sns.TopicSubscription('alarms-webhook', {
      topic: topic.arn,
      protocol: 'https',
      // Webhook URLs often carry a token: encrypted in state like any other secret.
      endpoint: pulumi.secret(settings.alarms.webhookUrl),
      endpointAutoConfirms: settings.alarms.webhookAutoConfirms,
    });
  const actions = {
    alarmActions: [topic.arn],
    okActions: [topic.arn],
    treatMissingData: 'notBreaching',
    tags: tagsFor(settings, 'alarms'),
  };
  const { costPerHourMicros, errorsPer5Minutes, rejectionsPer5Minutes } = settings.alarms;

  const alarms = [
    new aws.cloudwatch.MetricAlarm('cost-per-hour', {
      ...actions,
      alarmDescription: `Model cost over ${costPerHourMicros} micro-units in an hour`,
      ...throttlerMetric,
      metricName: metricNames.costMicros,
      statistic: 'Sum',
      period: 3600,
      evaluationPeriods: 1,
      threshold: costPerHourMicros,
      comparisonOperator: 'GreaterThanThreshold',
    }),
    new aws.cloudwatch.MetricAlarm('rejections-spike', {
      ...actions,
      alarmDescription: `More than ${rejectionsPer5Minutes} throttle refusals in 5 minutes`,
      ...throttlerMetric,
      metricName: metricNames.rejected,
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: rejectionsPer5Minutes,
      comparisonOperator: 'GreaterThanThreshold',
    }),
    new aws.cloudwatch.MetricAlarm('abuse-detected', {
      ...actions,
      alarmDescription: 'A user was blocked for abuse (trust score past its tier threshold)',
      ...throttlerMetric,
      metricName: metricNames.abuseDetected,
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
    }),
    new aws.cloudwatch.MetricAlarm('chat-stream-5xx', {
      ...actions,
      alarmDescription: 'Function URL 5xx responses of the chat stream',
      namespace: 'AWS/Lambda',
      metricName: 'Url5xxCount',
      dimensions: { FunctionName: functions.stream.name },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: errorsPer5Minutes,
      comparisonOperator: 'GreaterThanThreshold',
    }),
    ...Object.entries(functions).map(
      ([name, fn]) =>
        new aws.cloudwatch.MetricAlarm(`${name}-errors`, {
          ...actions,
          alarmDescription: `Errors of the ${name} function`,
          namespace: 'AWS/Lambda',
          metricName: 'Errors',
          dimensions: { FunctionName: fn.name },
          statistic: 'Sum',
          period: 300,
          evaluationPeriods: 1,
          threshold: errorsPer5Minutes,
          comparisonOperator: 'GreaterThanThreshold',
        }),
    ),
  ];
  return { topic, alarms };
}
