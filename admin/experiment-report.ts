// An experiment's report per variant, from what was recorded along the way: settled
// sessions tagged with the variant (requests, tokens, cost) and per-user counters
// (refusals by reason, tier changes). Pure: the store supplies the records.
import type { ExperimentRecord, VariantLimits } from '../functions/experiments/experiment.js';
import type { MemberCounters } from '../functions/experiments/experiment-store.js';
import type { SettledSession } from '../functions/throttle/account.js';

export interface VariantReport {
  name: string;
  share: number;
  limits: VariantLimits;
  users: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  refused: number;
  rejections: Record<string, number>;
  upgrades: number;
  upgradesTo: Record<string, number>;
}

export interface ExperimentReport {
  experiment: ExperimentRecord;
  variants: VariantReport[];
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, n) => total + n, 0);

function addInto(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

export function experimentReport(
  experiment: ExperimentRecord,
  sessionsByVariant: Map<string, SettledSession[]>,
  members: MemberCounters[],
): ExperimentReport {
  return {
    experiment,
    variants: experiment.variants.map(({ name, share, limits }) => {
      const sessions = sessionsByVariant.get(name) ?? [];
      const counters = members.filter((m) => m.variant === name);
      const rejections: Record<string, number> = {};
      const upgradesTo: Record<string, number> = {};
      for (const member of counters) {
        addInto(rejections, member.rejections);
        addInto(upgradesTo, member.upgrades);
      }
      // A user who was only refused made a request too; a user who only changed tier did not.
      const users = new Set([
        ...sessions.map((s) => s.userId),
        ...counters.filter((m) => sum(m.rejections) > 0).map((m) => m.userId),
      ]);
      return {
        name,
        share,
        limits,
        users: users.size,
        requests: sessions.length,
        inputTokens: sessions.reduce((total, s) => total + s.tokensIn, 0),
        outputTokens: sessions.reduce((total, s) => total + s.tokensOut, 0),
        cost: sessions.reduce((total, s) => total + s.charged, 0),
        refused: sum(rejections),
        rejections,
        upgrades: sum(upgradesTo),
        upgradesTo,
      };
    }),
  };
}
