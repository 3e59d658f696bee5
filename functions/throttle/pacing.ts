// Pacing instead of a cut: a stream that reached its minute's token grant waits for the
// next minute window and takes a new grant there, so its rate stays under the tier's
// tokens per minute. Pure: when to resume, or that it cannot before its deadline.
import { windowMs, windowStart } from './token-window.js';

export type PacingPlan = { resumeAt: number; window: number } | { stop: 'max_duration_exceeded' };

export function pacingPlan(now: number, deadline: number): PacingPlan {
  const next = windowStart(now) + windowMs;
  return next >= deadline ? { stop: 'max_duration_exceeded' } : { resumeAt: next, window: next };
}

/** Tokens to take from the new window: what the stream can still use, at most a minute's worth. */
export const nextGrant = (tokensPerMinute: number, stillAllowed: number): number =>
  Math.max(0, Math.min(tokensPerMinute, stillAllowed));
