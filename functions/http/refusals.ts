// Refusals before streaming, rendered at the edge: the throttle names a reason, this maps
// it to the HTTP status a client (and an HTTP-aware retry policy) acts on, with the
// rate-limit headers every refusal carries.
import type { RefusalReason } from '../shared/reasons.js';
import { httpError } from './errors.js';

const statusOf: Record<RefusalReason, number> = {
  model_not_allowed: 403,
  feature_not_allowed: 403,
  rate_limit_exceeded: 429,
  concurrency_limit_exceeded: 429,
  tokens_per_minute_exceeded: 429,
  credits_exhausted: 402,
  store_unavailable: 503,
  store_contention: 503,
  tier_not_found: 503,
  capacity: 503,
  abuse_detected: 429,
};

export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  resetMs: number;
}

export function rateLimitHeaders(state: RateLimitHeaders): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-reset': String(Math.ceil(state.resetMs / 1000)),
  };
}

export function refusal(
  reason: RefusalReason,
  message: string,
  options: { rateLimit?: RateLimitHeaders; retryAfterMs?: number } = {},
) {
  const headers = options.rateLimit ? rateLimitHeaders(options.rateLimit) : {};
  if (options.retryAfterMs !== undefined) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(options.retryAfterMs / 1000)));
  }
  return httpError(statusOf[reason], reason, message, { headers });
}
