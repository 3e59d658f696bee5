// The rollups of a time range as the dashboard reads them: the hours and load samples in
// the range, and the range's top spenders summed from each hour's top list.
import type { StoredRollups } from '../functions/rollup/dynamo-rollup-store.js';
import type { UsageTotals } from '../functions/rollup/rollup-schema.js';

const topSpendersShown = 20;

export function rollupReport(stored: StoredRollups, from: number, to: number) {
  const hours = stored.hours.filter((h) => h.hourStart + 3_600_000 > from && h.hourStart <= to);
  const spenders = new Map<string, UsageTotals>();
  for (const hour of hours) {
    for (const { userId, ...totals } of hour.topUsers) {
      const sum = spenders.get(userId) ?? { requests: 0, inputTokens: 0, outputTokens: 0, cost: 0 };
      sum.requests += totals.requests;
      sum.inputTokens += totals.inputTokens;
      sum.outputTokens += totals.outputTokens;
      sum.cost += totals.cost;
      spenders.set(userId, sum);
    }
  }
  return {
    from,
    to,
    hours,
    load: stored.load.filter((s) => s.at >= from && s.at <= to),
    topSpenders: [...spenders]
      .map(([userId, totals]) => ({ userId, ...totals }))
      .sort((a, b) => b.cost - a.cost || a.userId.localeCompare(b.userId))
      .slice(0, topSpendersShown),
  };
}
