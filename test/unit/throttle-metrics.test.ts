// The throttler's metrics leave as CloudWatch embedded-metric-format lines: a total
// with the service dimension only (what the alarms watch) and a breakdown.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createThrottleMetrics } from '../../functions/observability/throttle-metrics.js';

interface EmfLine {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
  [key: string]: unknown;
}

function capture(run: () => void): EmfLine[] {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    write.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.includes('CloudWatchMetrics'))
    .map((l) => JSON.parse(l) as EmfLine);
}

describe('throttle metrics (EMF)', () => {
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  afterEach(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  });

  it('emits the cost of a session as a service total and by model', () => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const lines = capture(() =>
      createThrottleMetrics().settled({
        model: 'openai:gpt-4o-mini',
        inputTokens: 10,
        outputTokens: 20,
        costMicros: 42,
        firstByteMs: 7,
      }),
    );
    expect(lines).toHaveLength(2);
    const [total, byModel] = lines;
    expect(total!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'StreamingAI', Dimensions: [['service']] });
    expect(total).toMatchObject({ service: 'chat-stream', CostMicros: 42, OutputTokens: 20, TimeToFirstByte: 7 });
    expect(byModel!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service', 'model']]);
  });

  it('emits refusals with their reason', () => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const lines = capture(() => createThrottleMetrics().rejected('credits_exhausted'));
    expect(lines.map((l) => [l.Rejected, l.reason])).toEqual([
      [1, undefined],
      [1, 'credits_exhausted'],
    ]);
  });
});
