// Turns the admin API's rollups into the dashboard's plot series: one point per hour (or
// per load sample), grouped by tier, model or user. Pure, so the page only draws.
import type { UsageRollups as Rollups } from '../../admin/rollup-schemas.js';
import type { HourRollup, UsageTotals as Totals } from '../../functions/rollup/rollup-schema.js';

export type { Rollups };

export interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
}

export type GroupBy = 'tier' | 'model' | 'user';
export type Metric = 'requests' | 'tokens' | 'cost';

const metricOf = (totals: Totals, metric: Metric) =>
  metric === 'tokens' ? totals.inputTokens + totals.outputTokens : totals[metric];

function groupsOf(hour: HourRollup, groupBy: GroupBy): Record<string, Totals> {
  if (groupBy === 'tier') return hour.byTier;
  if (groupBy === 'model') return hour.byModel;
  return Object.fromEntries(hour.topUsers.map(({ userId, ...totals }) => [userId, totals]));
}

/** The biggest `limit` groups over the range by the metric, each as a series over every hour (0 where absent). */
export function groupSeries(rollups: Rollups, groupBy: GroupBy, metric: Metric, limit = 8): Series[] {
  const sums = new Map<string, number>();
  for (const hour of rollups.hours) {
    for (const [name, totals] of Object.entries(groupsOf(hour, groupBy)))
      sums.set(name, (sums.get(name) ?? 0) + metricOf(totals, metric));
  }
  const names = [...sums]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([name]) => name);
  return names.map((name) => ({
    name,
    points: rollups.hours.map((hour) => {
      const totals = groupsOf(hour, groupBy)[name];
      return { x: hour.hourStart, y: totals ? metricOf(totals, metric) : 0 };
    }),
  }));
}

export function rejectionSeries(rollups: Rollups): Series[] {
  const reasons = [...new Set(rollups.hours.flatMap((hour) => Object.keys(hour.rejections)))].sort();
  return reasons.map((reason) => ({
    name: reason,
    points: rollups.hours.map((hour) => ({ x: hour.hourStart, y: hour.rejections[reason] ?? 0 })),
  }));
}

export function loadSeries(rollups: Rollups): Series[] {
  return [
    { name: 'active streams', points: rollups.load.map((s) => ({ x: s.at, y: s.active })) },
    { name: 'capacity', points: rollups.load.map((s) => ({ x: s.at, y: s.capacity })) },
  ];
}

export function rangeTotals(rollups: Rollups): Totals & { rejections: number } {
  const sum = { requests: 0, inputTokens: 0, outputTokens: 0, cost: 0, rejections: 0 };
  for (const hour of rollups.hours) {
    sum.requests += hour.totals.requests;
    sum.inputTokens += hour.totals.inputTokens;
    sum.outputTokens += hour.totals.outputTokens;
    sum.cost += hour.totals.cost;
    sum.rejections += Object.values(hour.rejections).reduce((a, b) => a + b, 0);
  }
  return sum;
}
