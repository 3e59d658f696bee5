// The business side of a tier: how it is shed under load (priority and load curve), when
// its users' limits tighten or stop for abuse, whether it slows a stream rather than cut
// it, and when a stream is warned before a cut. Part of the tier schema.
import { z } from 'zod';

/** Limits are multiplied by `factor` at `load` (the share of the stream function's capacity in use). */
const loadPointSchema = z.object({
  load: z.number().min(0).max(2),
  factor: z.number().min(0).max(1),
});
export type LoadPoint = z.infer<typeof loadPointSchema>;

const loadCurveSchema = z.array(loadPointSchema).max(10);

const abusePolicySchema = z.object({
  /** Above this trust-score the user's limits are multiplied by `tightenFactor`. */
  tighten: z.number().positive().max(1_000),
  tightenFactor: z.number().min(0.05).max(1),
  /** Above this score live streams end with `abuse_detected` and new requests are refused. */
  block: z.number().positive().max(1_000),
});
export type AbusePolicy = z.infer<typeof abusePolicySchema>;

export const tierPolicyFields = {
  /** Higher is more important: a tier never sheds later than a tier of higher priority. */
  priority: z.number().int().min(0).max(100).default(0),
  /** Points (by ascending load) of a piecewise-linear factor; empty: unaffected until the cap. */
  loadCurve: loadCurveSchema.default([]),
  abuse: abusePolicySchema.default({ tighten: 20, tightenFactor: 0.5, block: 50 }),
  /** Near its tokens-per-minute limit, slow the stream down instead of ending it. */
  pacing: z.boolean().default(false),
  /** Share of a stream's limit or reservation at which the client is warned once. */
  warnAt: z.number().min(0.1).max(1).default(0.8),
};

/** The factor a load curve gives at `load`: 1 before its first point, linear between points, its last after. */
export function loadFactor(curve: LoadPoint[], load: number): number {
  if (curve.length === 0 || load <= curve[0]!.load) return curve.length ? Math.min(1, curve[0]!.factor) : 1;
  for (let i = 1; i < curve.length; i++) {
    const [a, b] = [curve[i - 1]!, curve[i]!];
    if (load <= b.load) return a.factor + ((load - a.load) / (b.load - a.load)) * (b.factor - a.factor);
  }
  return curve.at(-1)!.factor;
}

/** Rules within a tier's policy, as field errors. */
export function policyProblems(policy: { loadCurve: LoadPoint[]; abuse: AbusePolicy }): Record<string, string> {
  const fields: Record<string, string> = {};
  policy.loadCurve.forEach((point, i) => {
    const before = policy.loadCurve[i - 1];
    if (before && point.load <= before.load) fields[`loadCurve.${i}.load`] = 'points must be in ascending load';
    if (before && point.factor > before.factor) fields[`loadCurve.${i}.factor`] = 'a factor may not rise with load';
  });
  if (policy.abuse.block <= policy.abuse.tighten) fields['abuse.block'] = 'must be above abuse.tighten';
  return fields;
}

/** A tier of lower priority may never keep more of its limits than one of higher priority, at any load. */
export function priorityProblems(tiers: Array<{ name: string; priority: number; loadCurve: LoadPoint[] }>): string[] {
  const loads = [...new Set([0, 1, ...tiers.flatMap((t) => t.loadCurve.map((p) => p.load))])].sort((a, b) => a - b);
  const problems: string[] = [];
  for (const low of tiers) {
    for (const high of tiers) {
      if (low.priority >= high.priority) continue;
      const load = loads.find((l) => loadFactor(low.loadCurve, l) > loadFactor(high.loadCurve, l) + 1e-9);
      if (load !== undefined) {
        problems.push(
          `${low.name} (priority ${low.priority}) keeps more of its limits than ${high.name} (priority ${high.priority}) at load ${load}`,
        );
      }
    }
  }
  return problems;
}
