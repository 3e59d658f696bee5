// Requests per hour with a burst, as a token bucket in GCRA form: one number, the
// theoretical arrival time (tat). A request fits if max(tat, now) - now <= (burst-1) *
// interval; taking it moves tat one interval on. One attribute, so one conditional write.
export interface BucketLimits {
  requestsPerHour: number;
  burst: number;
}

export interface BucketState {
  /** Epoch ms; absent for a bucket never used (full). */
  tat?: number;
}

/** How the write must update tat: from now (bucket was full) or from tat (bucket in use). */
export type BucketVariant = 'idle' | 'busy';

export type BucketDecision =
  | {
      allowed: true;
      variant: BucketVariant;
      intervalMs: number;
      newTat: number;
      ceiling: number;
      remaining: number;
      resetMs: number;
    }
  | { allowed: false; retryAfterMs: number; remaining: 0; resetMs: number };

export const bucketInterval = (limits: BucketLimits): number => Math.ceil(3_600_000 / limits.requestsPerHour);

/** Largest tat (before the take) that still admits a request at `now`. */
const bucketCeiling = (limits: BucketLimits, now: number): number => now + (limits.burst - 1) * bucketInterval(limits);

export function takeFromBucket(state: BucketState, limits: BucketLimits, now: number): BucketDecision {
  const interval = bucketInterval(limits);
  const ceiling = bucketCeiling(limits, now);
  const tat = state.tat ?? 0;
  const variant: BucketVariant = tat <= now ? 'idle' : 'busy';
  const from = Math.max(tat, now);
  if (from > ceiling) {
    return { allowed: false, retryAfterMs: from - ceiling, remaining: 0, resetMs: from - now };
  }
  const newTat = from + interval;
  return {
    allowed: true,
    variant,
    intervalMs: interval,
    newTat,
    ceiling,
    remaining: remainingAt(newTat, limits, now),
    resetMs: newTat - now,
  };
}

/** Requests still available at `now` for a bucket whose tat is `tat`. */
export function remainingAt(tat: number | undefined, limits: BucketLimits, now: number): number {
  const interval = bucketInterval(limits);
  const slack = now + (limits.burst - 1) * interval - Math.max(tat ?? 0, now);
  return Math.min(limits.burst, Math.max(0, Math.floor(slack / interval) + 1));
}
