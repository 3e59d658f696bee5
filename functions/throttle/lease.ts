// Concurrency leases: each open reservation holds one stream slot. A slot whose hard
// expiry passed belongs to a stream that cannot still be running (its Lambda died);
// such slots are reported so they can be settled and freed.
import type { PendingReservation } from './account.js';

export type LeaseDecision = { allowed: true; held: number } | { allowed: false; held: number; expired: string[] };

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
    expired: sessions.filter(([, p]) => p.expiresAt <= now).map(([id]) => id),
  };
}
