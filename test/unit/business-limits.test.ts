// Decision tables of business-aware throttling: load curves and their boundaries, tier
// priority, trust-score decay and thresholds, pacing, and the budget warning.
import { describe, expect, it } from 'vitest';
import { defaultTiers } from '../../functions/shared/default-tiers.js';
import { tierSchema, type Tier } from '../../functions/shared/tier.js';
import { loadFactor, priorityProblems } from '../../functions/shared/tier-policies.js';
import { effectiveTier } from '../../functions/throttle/effective-tier.js';
import { abuseScore, blockMs, signalKey, signalWrite } from '../../functions/throttle/abuse-score.js';
import { pacingPlan, nextGrant } from '../../functions/throttle/pacing.js';
import { budgetWarning } from '../../functions/throttle/budget-warning.js';

const tier = (name: string) => defaultTiers.find((t) => t.name === name)!;
const load = (share: number) => ({ activeStreams: share * 100, capacity: 100, at: 0 });

describe('load curve', () => {
  const free = tier('free').loadCurve;
  it.each([
    [0, 1],
    [0.5, 1],
    [0.6, 0.8],
    [0.75, 0.5],
    [0.825, 0.25],
    [0.9, 0],
    [1.2, 0],
  ])('free at load %f keeps a factor of %f of its limits', (share, factor) => {
    expect(loadFactor(free, share)).toBeCloseTo(factor, 9);
  });

  it('an empty curve keeps every limit until the cap', () => {
    expect(loadFactor([], 0.999)).toBe(1);
  });

  it('sheds free first: at 95% free is refused, pro halved, enterprise untouched', () => {
    expect(effectiveTier(tier('free'), { load: load(0.95), abuseScore: 0 })).toMatchObject({ shed: true });
    const pro = effectiveTier(tier('pro'), { load: load(0.95), abuseScore: 0 });
    expect(pro).toMatchObject({
      shed: false,
      factor: 0.5,
      tier: { concurrentStreams: 1, burst: 10, tokensPerMinute: 20_000 },
    });
    expect(effectiveTier(tier('enterprise'), { load: load(0.99), abuseScore: 0 })).toMatchObject({
      shed: false,
      factor: 1,
      tier: tier('enterprise'),
    });
  });

  it('a tier of lower priority may not keep more of its limits than a higher one at any load', () => {
    expect(priorityProblems(defaultTiers)).toEqual([]);
    const spoiled = { ...tier('free'), priority: 3 }; // now above enterprise, yet shed first
    expect(priorityProblems([spoiled, tier('enterprise')])).toEqual([
      expect.stringContaining('enterprise (priority 2) keeps more of its limits than free (priority 3)'),
    ]);
  });
});

describe('trust score', () => {
  const now = 100 * 60_000 * 60;
  const at = (minutesAgo: number, signal = 'concurrency_burst' as const) =>
    signalKey(signal, now - minutesAgo * 60_000);
  it.each([
    ['a fresh signal counts in full', { [at(0)]: 8 }, 8],
    ['halves every ten minutes', { [at(10)]: 8 }, 4],
    ['sums signals', { [at(0)]: 3, [at(20)]: 8 }, 5],
    ['forgets signals older than an hour', { [at(61)]: 100 }, 0],
  ])('%s', (_name, signals, score) => {
    expect(abuseScore(signals, now)).toBeCloseTo(score, 9);
  });

  it('tightens limits above the first threshold and blocks above the second', () => {
    const policy = tierSchema.parse({ ...tier('pro'), abuse: { tighten: 5, tightenFactor: 0.5, block: 9 } }) as Tier;
    expect(effectiveTier(policy, { abuseScore: 4.9 })).toMatchObject({ factor: 1, tightened: false });
    expect(effectiveTier(policy, { abuseScore: 5 })).toMatchObject({ factor: 0.5, tightened: true });
    expect(signalWrite({ [at(0)]: 6 }, ['pinned_at_limit'], 9, now).blockUntil).toBeUndefined();
    expect(signalWrite({ [at(0)]: 6 }, ['concurrency_burst'], 9, now)).toMatchObject({ blockUntil: now + blockMs });
  });

  it('drops signals past the window in the write that adds a new one', () => {
    expect(signalWrite({ [at(90)]: 1, [at(1)]: 1 }, ['max_token_cut'], 50, now).drop).toEqual([at(90)]);
  });
});

describe('pacing', () => {
  it.each([
    [
      'mid-minute: resume at the next minute',
      60_000 * 10 + 15_000,
      60_000 * 20,
      { resumeAt: 60_000 * 11, window: 60_000 * 11 },
    ],
    [
      'the next minute is past the deadline: stop',
      60_000 * 10 + 15_000,
      60_000 * 11,
      { stop: 'max_duration_exceeded' },
    ],
  ])('%s', (_name, now, deadline, plan) => {
    expect(pacingPlan(now, deadline)).toEqual(plan);
  });

  it('takes at most a minute of tokens, and no more than the stream can still use', () => {
    expect(nextGrant(1_000, 250)).toBe(250);
    expect(nextGrant(1_000, 5_000)).toBe(1_000);
  });
});

describe('budget warning', () => {
  const budget = {
    maxTokensPerRequest: 100,
    tokenGrant: 10_000,
    reserved: 1_000_000,
    price: { input: 1_000_000, output: 2_000_000 },
    deadline: 100_000,
    binding: 'max_tokens_exceeded' as const,
  };
  it.each([
    ['below the share: none', 79, 0, undefined],
    ['at 80% of max tokens', 80, 0, 'max_tokens_exceeded'],
    ['at 80% of the duration', 1, 80_000, 'max_duration_exceeded'],
  ])('%s', (_name, outputTokens, now, limit) => {
    const warning = budgetWarning(budget, { inputTokens: 10, outputTokens }, 0, now, 0.8);
    expect(warning?.limit).toBe(limit);
  });

  it('says what is left', () => {
    expect(budgetWarning(budget, { inputTokens: 10, outputTokens: 85 }, 0, 40_000, 0.8)).toMatchObject({
      used: 0.85,
      remaining: { outputTokens: 15, seconds: 60 },
    });
  });
});
