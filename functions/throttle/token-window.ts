// Tokens per minute, per user, across parallel streams: each admitted stream takes a
// grant of tokens from the current minute's budget (returned in part at settlement if
// unused), so streams together can never pass the tier's tokens per minute.
export const windowMs = 60_000;

export interface TokenWindowState {
  /** Start (epoch ms) of the minute the counter belongs to. */
  window?: number;
  tokens?: number;
}

export type WindowVariant = 'current' | 'fresh';

export type TokenWindowDecision =
  | { allowed: true; variant: WindowVariant; window: number; grant: number; ceiling: number }
  | { allowed: false; retryAfterMs: number };

export const windowStart = (now: number): number => now - (now % windowMs);

/**
 * Takes up to `wanted` tokens, at least `minimum`, from the minute's budget.
 * `ceiling` is the largest counter value before the take that still leaves room for the grant.
 */
export function takeFromWindow(
  state: TokenWindowState,
  tokensPerMinute: number,
  wanted: number,
  minimum: number,
  now: number,
): TokenWindowDecision {
  const window = windowStart(now);
  const variant: WindowVariant = state.window === window ? 'current' : 'fresh';
  const used = variant === 'current' ? (state.tokens ?? 0) : 0;
  const grant = Math.min(wanted, tokensPerMinute - used);
  if (grant < minimum) return { allowed: false, retryAfterMs: window + windowMs - now };
  return { allowed: true, variant, window, grant, ceiling: tokensPerMinute - grant };
}
