// A CloudWatch dashboard per stack: what the throttler decided (admitted, refused and
// terminated, by reason), what streams used and cost (tokens, micro-units, time to first
// byte), and how the functions behave (errors, duration, concurrency, Function URL 5xx).
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import { metricNames, metricsNamespace, streamMetricsService } from '../functions/shared/metrics.js';

interface FunctionNames {
  stream: string;
  admin: string;
  sweeper: string;
}

type Metric = Array<string | Record<string, unknown>>;

const throttler = (name: string, options: Record<string, unknown> = {}): Metric => [
  metricsNamespace,
  name,
  'service',
  streamMetricsService,
  options,
];

/** Every series the throttler emits with a `reason` dimension, whatever reasons exist. */
const byReason = (name: string, id: string): Metric => [
  { expression: `SEARCH('{${metricsNamespace},reason,service} MetricName="${name}"', 'Sum', 300)`, id, label: '' },
];

const lambdaMetric = (name: string, functionName: string, options: Record<string, unknown> = {}): Metric => [
  'AWS/Lambda',
  name,
  'FunctionName',
  functionName,
  { label: functionName, ...options },
];

/** The dashboard body as CloudWatch wants it (a JSON document of metric widgets). */
function dashboardBody(settings: StackConfig, region: string, functions: FunctionNames) {
  const all = [functions.stream, functions.admin, functions.sweeper];
  const panels: Array<{
    title: string;
    stat: string;
    period?: number;
    metrics: Metric[];
    threshold?: { label: string; value: number };
  }> = [
    {
      title: 'Throttler: admitted, refused, terminated',
      stat: 'Sum',
      metrics: [
        throttler(metricNames.admitted, { label: 'admitted' }),
        throttler(metricNames.rejected, { label: 'refused' }),
        throttler(metricNames.terminated, { label: 'terminated' }),
      ],
    },
    { title: 'Refused by reason', stat: 'Sum', metrics: [byReason(metricNames.rejected, 'refused')] },
    { title: 'Terminated by reason', stat: 'Sum', metrics: [byReason(metricNames.terminated, 'terminated')] },
    {
      title: 'Tokens',
      stat: 'Sum',
      metrics: [
        throttler(metricNames.inputTokens, { label: 'input' }),
        throttler(metricNames.outputTokens, { label: 'output' }),
      ],
    },
    {
      title: 'Model cost per hour (micro-units)',
      stat: 'Sum',
      period: 3600,
      metrics: [throttler(metricNames.costMicros, { label: 'cost' })],
      threshold: settings.alarms.enabled
        ? { label: 'cost alarm', value: settings.alarms.costPerHourMicros }
        : undefined,
    },
    {
      title: 'Time to first byte (ms)',
      stat: 'p50',
      metrics: ['p50', 'p90', 'p99'].map((stat) => throttler(metricNames.timeToFirstByte, { stat, label: stat })),
    },
    { title: 'Lambda errors', stat: 'Sum', metrics: all.map((name) => lambdaMetric('Errors', name)) },
    {
      title: 'Lambda duration p99 (ms)',
      stat: 'p99',
      metrics: all.map((name) => lambdaMetric('Duration', name)),
    },
    {
      title: 'Concurrent executions',
      stat: 'Maximum',
      metrics: all.map((name) => lambdaMetric('ConcurrentExecutions', name)),
      threshold: { label: 'chat-stream reserved concurrency', value: settings.reservedConcurrency },
    },
    {
      title: 'Function URL 5xx',
      stat: 'Sum',
      metrics: [functions.stream, functions.admin].map((name) => lambdaMetric('Url5xxCount', name)),
    },
  ];
  return {
    widgets: panels.map((panel, i) => ({
      type: 'metric',
      x: (i % 2) * 12,
      y: Math.floor(i / 2) * 6,
      width: 12,
      height: 6,
      properties: {
        title: panel.title,
        region,
        view: 'timeSeries',
        stacked: false,
        stat: panel.stat,
        period: panel.period ?? 300,
        metrics: panel.metrics,
        ...(panel.threshold === undefined ? {} : { annotations: { horizontal: [panel.threshold] } }),
      },
    })),
  };
}

export function createDashboard(
  settings: StackConfig,
  functions: { stream: aws.lambda.Function; admin: aws.lambda.Function; sweeper: aws.lambda.Function },
) {
  const region = aws.getRegionOutput().region;
  // Dashboard names allow letters, digits, "-" and "_".
  const name = `streaming-ai-${pulumi.getStack()}`.replace(/[^A-Za-z0-9_-]/g, '-');
  const dashboard = new aws.cloudwatch.Dashboard('dashboard', {
    dashboardName: name,
    dashboardBody: pulumi
      .all([region, functions.stream.name, functions.admin.name, functions.sweeper.name])
      .apply(([where, stream, admin, sweeper]) =>
        JSON.stringify(dashboardBody(settings, where, { stream, admin, sweeper })),
      ),
  });
  const url = pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboard.dashboardName}`;
  return { dashboard, url };
}
