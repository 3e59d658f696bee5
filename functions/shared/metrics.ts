// CloudWatch metric names the service emits and the alarms (and dashboards) read.
export const metricsNamespace = 'StreamingAI';
/** The `service` dimension of the chat stream's metrics; alarms watch this dimension alone. */
export const streamMetricsService = 'chat-stream';

export const metricNames = {
  admitted: 'Admitted',
  rejected: 'Rejected',
  terminated: 'Terminated',
  inputTokens: 'InputTokens',
  outputTokens: 'OutputTokens',
  /** Micro-units charged; the cost-per-hour alarm sums it over an hour. */
  costMicros: 'CostMicros',
  timeToFirstByte: 'TimeToFirstByte',
  /** Users blocked for abuse (the abuse alarm watches it). */
  abuseDetected: 'AbuseDetected',
} as const;
