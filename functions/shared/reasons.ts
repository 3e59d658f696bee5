// The reason codes the service speaks: why a request was refused before streaming, and
// why a stream ended. Clients, logs, metrics, the admin API and alarms all use these
// strings, so they are defined once here.

/** A limit that ended a stream while it ran (the monitor cut it before passing the limit). */
export const limitReasons = [
  'max_tokens_exceeded',
  'tokens_per_minute_exceeded',
  'credits_exhausted',
  'max_duration_exceeded',
] as const;
export type LimitReason = (typeof limitReasons)[number];

/** Why a stream ended. All but `completed`, `client_disconnect` and `lease_expired` reach the client as an error part. */
export const streamEndReasons = [
  'completed',
  ...limitReasons,
  /** An operator ended the session through the admin API. */
  'session_terminated',
  /** The user's trust score passed its tier's block threshold. */
  'abuse_detected',
  /** The stream's reservation was resolved elsewhere (the sweeper judged its Lambda dead). */
  'lease_lost',
  /** Usage could not be reported to the store, so the stream could not go on metered. */
  'metering_unavailable',
  'provider_error',
  'client_disconnect',
  'internal_error',
  /** Settled by the sweeper: the stream's Lambda stopped renewing its lease. */
  'lease_expired',
] as const;
export type StreamEndReason = (typeof streamEndReasons)[number];

/** Why a request was refused before any byte streamed. */
const refusalReasons = [
  'model_not_allowed',
  'feature_not_allowed',
  'rate_limit_exceeded',
  'concurrency_limit_exceeded',
  'tokens_per_minute_exceeded',
  'credits_exhausted',
  /** The store answered errors or could not be reached. */
  'store_unavailable',
  /** The store answered, but this account's writes kept colliding for the whole admission budget. */
  'store_contention',
  'tier_not_found',
  /** The service is loaded past the point where this tier is shed. */
  'capacity',
  /** The user's trust score passed its tier's block threshold. */
  'abuse_detected',
] as const;
export type RefusalReason = (typeof refusalReasons)[number];
