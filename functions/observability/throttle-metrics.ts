// CloudWatch metrics in embedded metric format (AWS Lambda Powertools): what the
// throttler admitted, refused and terminated, and the tokens, cost and time to first
// byte of each session. Every metric is emitted once with only the `service` dimension
// (what alarms watch) and, where a breakdown helps, once more by reason, tier or model.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const metricsNamespace = 'StreamingAI';
export const metricsService = 'chat-stream';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
type Values = Array<[string, Unit, number]>;

export interface ThrottleMetrics {
  admitted(tier: string, model: string): void;
  rejected(reason: string): void;
  terminated(reason: string): void;
  settled(session: {
    model: string;
    inputTokens: number;
    outputTokens: number;
    costMicros: number;
    firstByteMs?: number;
  }): void;
}

export function createThrottleMetrics(serviceName = metricsService): ThrottleMetrics {
  // One short-lived buffer per event: one EMF line per dimension set, nothing shared.
  const emit = (values: Values, breakdown?: Record<string, string>) => {
    for (const dimensions of breakdown ? [{}, breakdown] : [{}]) {
      const metrics = new Metrics({ namespace: metricsNamespace, serviceName });
      metrics.addDimensions(dimensions);
      for (const [name, unit, value] of values) metrics.addMetric(name, unit, value);
      metrics.publishStoredMetrics();
    }
  };
  return {
    admitted: (tier, model) => emit([['Admitted', MetricUnit.Count, 1]], { tier, model }),
    rejected: (reason) => emit([['Rejected', MetricUnit.Count, 1]], { reason }),
    terminated: (reason) => emit([['Terminated', MetricUnit.Count, 1]], { reason }),
    settled: (s) =>
      emit(
        [
          ['InputTokens', MetricUnit.Count, s.inputTokens],
          ['OutputTokens', MetricUnit.Count, s.outputTokens],
          // The cost-per-hour alarm sums this metric (micro-units) over an hour.
          ['CostMicros', MetricUnit.Count, s.costMicros],
          ...(s.firstByteMs === undefined
            ? []
            : ([['TimeToFirstByte', MetricUnit.Milliseconds, s.firstByteMs]] as Values)),
        ],
        { model: s.model },
      ),
  };
}
