// Why a throttled stream ended, and what the client is told. The codes are the shared
// vocabulary (functions/shared/reasons.ts); the throttle decides which one applies and
// the protocol encoders only serialize the resulting error.
import { StreamError } from '../protocol/stream-error.js';
import type { LimitReason, StreamEndReason } from '../shared/reasons.js';

/** A limit that can size a stream's output allowance (duration is checked by the clock instead). */
export type BindingLimit = Exclude<LimitReason, 'max_duration_exceeded'>;

/** End reasons the client sees as an error part. */
export type ErrorEndReason = Exclude<StreamEndReason, 'completed' | 'client_disconnect' | 'lease_expired'>;

const messages: Record<ErrorEndReason, string> = {
  max_tokens_exceeded: 'The answer reached the maximum tokens per request of your tier.',
  tokens_per_minute_exceeded: "The answer reached your tier's tokens-per-minute limit.",
  credits_exhausted: 'Your credits ran out during this answer.',
  max_duration_exceeded: 'The answer reached the maximum stream duration of your tier.',
  session_terminated: 'This session was terminated by an administrator.',
  abuse_detected: 'This stream was stopped: the account shows a pattern of abuse.',
  lease_lost: "This stream's reservation was settled while it ran; the answer was stopped.",
  metering_unavailable: 'Usage metering is unavailable; the answer was stopped.',
  provider_error: 'The model provider failed while streaming; the answer is incomplete.',
  internal_error: 'The service failed while streaming; the answer is incomplete.',
};

export const endError = (reason: ErrorEndReason): StreamError => new StreamError(reason, messages[reason]);

/** The end reason an error part carries, for settlement records. */
export function endReasonOf(error: unknown): StreamEndReason {
  if (error instanceof StreamError && error.type in messages) return error.type as ErrorEndReason;
  return 'provider_error';
}
