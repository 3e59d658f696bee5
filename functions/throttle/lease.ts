// Concurrency leases. Each open reservation holds one stream slot for as long as its
// stream renews the lease by reporting usage. A lease that lapsed (plus a grace for clock
// skew and a slow write) belongs to a stream whose Lambda died: its reservation may be
// resolved by whoever sees it, the sweeper or a new admission of the same user.
import type { PendingReservation } from './account.js';

/** Reports that may be missed before a stream is presumed dead. */
const reportsPerLease = 3;
/** Slack for clock skew between Lambdas and a report in flight. */
export const leaseGraceMs = 2_000;

export const leaseMs = (limits: { reportEverySeconds: number }): number =>
  limits.reportEverySeconds * 1000 * reportsPerLease;

/** Whether a reservation's stream can no longer be running. */
export const leaseLapsed = (pending: Pick<PendingReservation, 'leaseUntil' | 'expiresAt'>, now: number): boolean =>
  pending.leaseUntil + leaseGraceMs < now || pending.expiresAt < now;

export type LeaseDecision = { allowed: true; held: number } | { allowed: false; held: number; lapsed: string[] };

export function takeLease(
  pending: Record<string, PendingReservation>,
  concurrentStreams: number,
  now: number,
): LeaseDecision {
  const sessions = Object.entries(pending);
  if (sessions.length < concurrentStreams) return { allowed: true, held: sessions.length };
  return {
    allowed: false,
    held: sessions.length,
    lapsed: sessions.filter(([, p]) => leaseLapsed(p, now)).map(([id]) => id),
  };
}
