// Computes an hour's rollup from the sessions that settled in it and the hour's refusal
// counts. Pure: the same records always give the same rollup, which is what makes the
// job's recomputation idempotent however often a session record was projected.
import type { SettledSession } from '../throttle/account.js';
import { topUsersPerHour, type HourRollup, type UsageTotals } from './rollup-schema.js';
import { addSession, emptyUsageTotals } from './usage-totals.js';

function addTo(groups: Record<string, UsageTotals>, key: string, session: SettledSession): void {
  groups[key] ??= emptyUsageTotals();
  addSession(groups[key], session);
}

export function rollupHour(
  hour: { hour: string; hourStart: number },
  sessions: SettledSession[],
  rejections: Record<string, number>,
  computedAt: number,
  topN = topUsersPerHour,
): HourRollup {
  // A session is counted once however many times its record was written: by its id.
  const unique = [...new Map(sessions.map((s) => [s.sessionId, s])).values()];
  const totals = emptyUsageTotals();
  const byTier: Record<string, UsageTotals> = {};
  const byModel: Record<string, UsageTotals> = {};
  const byUser: Record<string, UsageTotals> = {};
  const endReasons: Record<string, number> = {};
  for (const session of unique) {
    addSession(totals, session);
    addTo(byTier, session.tier, session);
    addTo(byModel, session.model, session);
    addTo(byUser, session.userId, session);
    endReasons[session.endReason] = (endReasons[session.endReason] ?? 0) + 1;
  }
  const topUsers = Object.entries(byUser)
    .map(([userId, t]) => ({ userId, ...t }))
    .sort((a, b) => b.cost - a.cost || b.requests - a.requests || a.userId.localeCompare(b.userId))
    .slice(0, topN);
  return {
    ...hour,
    computedAt,
    totals,
    byTier,
    byModel,
    topUsers,
    users: Object.keys(byUser).length,
    endReasons,
    rejections,
  };
}
