// A logger and metrics that record nothing, for tests that drive the throttler directly.
import type { ThrottleMetrics } from '../../functions/observability/throttle-metrics.js';

export const quietLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

export const noMetrics: ThrottleMetrics = {
  admitted: () => undefined,
  rejected: () => undefined,
  terminated: () => undefined,
  abuseDetected: () => undefined,
  settled: () => undefined,
};
