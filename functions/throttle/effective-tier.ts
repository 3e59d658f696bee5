// The limits that apply to one request: the tier's, replaced by an experiment variant's
// where the user is in one, scaled down by the load curve at the current load and by the
// abuse policy when the user's trust score passed its first threshold. Pure: a function of
// (tier, variant, load, score).
import type { Tier, TierLimits } from '../shared/tier.js';
import { loadFactor } from '../shared/tier-policies.js';
import { loadFraction, type LoadReading } from './load-gauge.js';

export interface Variant {
  experimentId: string;
  name: string;
  limits: Partial<TierLimits>;
}

export interface LimitContext {
  load?: LoadReading;
  abuseScore: number;
  variant?: Variant;
}

export type EffectiveTier =
  | { shed: false; tier: Tier; factor: number; tightened: boolean }
  | { shed: true; tier: Tier; load: number };

const scaled = (value: number, factor: number) => Math.max(1, Math.floor(value * factor));

export function effectiveTier(tier: Tier, context: LimitContext): EffectiveTier {
  const base: Tier = context.variant ? { ...tier, ...context.variant.limits, name: tier.name } : tier;
  const load = context.load ? loadFraction(context.load) : 0;
  const byLoad = loadFactor(base.loadCurve, load);
  if (byLoad <= 0) return { shed: true, tier: base, load };
  const tightened = context.abuseScore >= base.abuse.tighten;
  const factor = byLoad * (tightened ? base.abuse.tightenFactor : 1);
  if (factor >= 1) return { shed: false, tier: base, factor: 1, tightened };
  return {
    shed: false,
    factor,
    tightened,
    tier: {
      ...base,
      requestsPerHour: scaled(base.requestsPerHour, factor),
      burst: scaled(base.burst, factor),
      concurrentStreams: scaled(base.concurrentStreams, factor),
      tokensPerMinute: scaled(base.tokensPerMinute, factor),
      maxTokensPerRequest: scaled(base.maxTokensPerRequest, factor),
    },
  };
}
