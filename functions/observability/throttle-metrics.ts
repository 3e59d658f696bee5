// CloudWatch metrics in embedded metric format (AWS Lambda Powertools): what the
// throttler admitted, refused and terminated, and the tokens, cost and time to first
// byte of each session. Each event is emitted on its own, so parallel streams in one
// process never share a metric buffer.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const metricsNamespace = 'StreamingAI';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

export interface ThrottleMetrics {
  admitted(tier: string, model: string): void;
  rejected(reason: string): void;
  terminated(reason: string): void;
  settled(session: { model: string; inputTokens: number; outputTokens: number; costMicros: number; firstByteMs?: number }): void;
}

export function createThrottleMetrics(serviceName = 'chat-stream'): ThrottleMetrics {
  const metrics = new Metrics({ namespace: metricsNamespace, serviceName });
  const emit = (dimensions: Record<string, string>, values: Array<[string, Unit, number]>) => {
    const single = metrics.singleMetric();
    for (const [name, value] of Object.entries(dimensions)) single.addDimension(name, value);
    for (const [name, unit, value] of values) single.addMetric(name, unit, value);
  };
  return {
    admitted: (tier, model) => emit({ tier, model }, [['Admitted', MetricUnit.Count, 1]]),
    rejected: (reason) => emit({ reason }, [['Rejected', MetricUnit.Count, 1]]),
    terminated: (reason) => emit({ reason }, [['Terminated', MetricUnit.Count, 1]]),
    settled: (s) =>
      emit({ model: s.model }, [
        ['InputTokens', MetricUnit.Count, s.inputTokens],
        ['OutputTokens', MetricUnit.Count, s.outputTokens],
        // The cost-per-hour alarm sums this metric over an hour.
        ['CostMicros', MetricUnit.Count, s.costMicros],
        ...(s.firstByteMs === undefined ? [] : [['TimeToFirstByte', MetricUnit.Milliseconds, s.firstByteMs] as [string, Unit, number]]),
      ]),
  };
}
