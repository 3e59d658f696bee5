// Usage over a time range, per user and per model, from session records and the hourly
// refusal counters. Pure: the store supplies the records.
import type { SettledSession } from '../functions/throttle/account.js';
import type { UsageTotals } from '../functions/rollup/rollup-schema.js';
import { addSession, emptyUsageTotals } from '../functions/rollup/usage-totals.js';
import type { UsageCounters } from './admin-store.js';

export interface UsageReport {
  from: number;
  to: number;
  totals: UsageTotals & { rejections: Record<string, number> };
  users: Array<
    UsageTotals & { userId: string; rejections: Record<string, number>; models: Array<UsageTotals & { model: string }> }
  >;
  models: Array<UsageTotals & { model: string }>;
}

export function summarizeSessions(sessions: SettledSession[]): UsageTotals {
  const totals = emptyUsageTotals();
  for (const session of sessions) addSession(totals, session);
  return totals;
}

function addRejections(into: Record<string, number>, from: Record<string, number>): void {
  for (const [reason, count] of Object.entries(from)) into[reason] = (into[reason] ?? 0) + count;
}

export function usageReport(
  sessions: SettledSession[],
  counters: Array<UsageCounters & { userId: string }>,
  from: number,
  to: number,
): UsageReport {
  const users = new Map<
    string,
    UsageTotals & { rejections: Record<string, number>; models: Map<string, UsageTotals> }
  >();
  const models = new Map<string, UsageTotals>();
  const totals = { ...emptyUsageTotals(), rejections: {} as Record<string, number> };
  const userEntry = (userId: string) => {
    let entry = users.get(userId);
    if (!entry) {
      entry = { ...emptyUsageTotals(), rejections: {}, models: new Map() };
      users.set(userId, entry);
    }
    return entry;
  };
  for (const session of sessions) {
    if (session.startedAt < from || session.startedAt > to) continue;
    const user = userEntry(session.userId);
    addSession(user, session);
    addSession(totals, session);
    for (const map of [user.models, models]) {
      if (!map.has(session.model)) map.set(session.model, emptyUsageTotals());
      addSession(map.get(session.model)!, session);
    }
  }
  for (const counter of counters) {
    addRejections(userEntry(counter.userId).rejections, counter.rejections);
    addRejections(totals.rejections, counter.rejections);
  }
  const byModel = (map: Map<string, UsageTotals>) =>
    [...map].map(([model, t]) => ({ model, ...t })).sort((a, b) => b.cost - a.cost);
  return {
    from,
    to,
    totals,
    users: [...users]
      .map(([userId, u]) => ({
        userId,
        requests: u.requests,
        inputTokens: u.inputTokens,
        outputTokens: u.outputTokens,
        cost: u.cost,
        rejections: u.rejections,
        models: byModel(u.models),
      }))
      .sort((a, b) => b.cost - a.cost),
    models: byModel(models),
  };
}
