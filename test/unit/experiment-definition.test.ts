// What makes an experiment valid: shares that add up to 1, distinct variant names, and
// variant limits that keep the tier valid, validated field by field with the tier schema
// but never filled in with the schema's defaults.
import { describe, expect, it } from 'vitest';
import {
  experimentDefinitionSchema,
  experimentProblems,
  variantLimitsSchema,
  type ExperimentDefinition,
} from '../../functions/experiments/experiment.js';
import { tierSchema } from '../../functions/shared/tier.js';
import { effectiveTier } from '../../functions/throttle/effective-tier.js';
import { testCatalog } from '../helpers/store-fixtures.js';

const tier = tierSchema.parse({
  name: 'base',
  requestsPerHour: 60,
  burst: 10,
  maxTokensPerRequest: 1_000,
  concurrentStreams: 2,
  tokensPerMinute: 10_000,
  maxStreamSeconds: 60,
  maxSteps: 3,
  allowedModels: ['local:*'],
  pacing: true,
});
const deployment = { catalog: testCatalog, streamTimeoutSeconds: 120 };
const declare = (variants: Array<{ name: string; share: number; limits?: object }>): ExperimentDefinition =>
  experimentDefinitionSchema.parse({ id: 'exp', tier: 'base', variants });

describe('variant limits', () => {
  it('keep only the fields given: a left-out field keeps the tier value, not the schema default', () => {
    const limits = variantLimitsSchema.parse({ burst: 3 });
    expect(limits).toEqual({ burst: 3 });
    const applied = effectiveTier(tier, { abuseScore: 0, variant: { experimentId: 'exp', name: 'a', limits } });
    expect(applied.tier).toMatchObject({ burst: 3, maxSteps: 3, pacing: true, requestsPerHour: 60 });
  });

  it.each([
    ['a negative burst', { burst: -1 }, 'burst'],
    ['an unknown feature', { features: ['teleport'] }, 'features'],
    ['a model pattern that is not one', { allowedModels: ['gpt'] }, 'allowedModels'],
    ['an unknown field (a typo)', { burts: 3 }, ''],
  ])('are refused with %s', (_, limits, path) => {
    const result = variantLimitsSchema.safeParse(limits);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path.join('.')).toMatch(new RegExp(`^${path}`));
  });
});

describe('experiment problems', () => {
  it('accepts shares adding up to 1 and limits that keep the tier valid', () => {
    const experiment = declare([
      { name: 'control', share: 0.7 },
      { name: 'tight', share: 0.1, limits: { burst: 2, requestsPerHour: 20 } },
      { name: 'loose', share: 0.2, limits: { burst: 30, allowedModels: ['local:local-small'] } },
    ]);
    expect(experimentProblems(experiment, tier, deployment)).toEqual({});
  });

  it.each([
    [
      'shares that do not add up to 1',
      [
        { name: 'a', share: 0.5 },
        { name: 'b', share: 0.4 },
      ],
      { variants: 'shares add up to 0.9; they must add up to 1' },
    ],
    [
      'two variants with one name',
      [
        { name: 'a', share: 0.5 },
        { name: 'a', share: 0.5 },
      ],
      { 'variants.1.name': 'a is used by another variant' },
    ],
    [
      'a burst above the tier’s requests per hour',
      [
        { name: 'a', share: 0.5 },
        { name: 'b', share: 0.5, limits: { burst: 61 } },
      ],
      { 'variants.1.limits.burst': 'must be at most requestsPerHour' },
    ],
    [
      'a model this deployment does not offer',
      [
        { name: 'a', share: 0.5, limits: { allowedModels: ['openai:gpt-9'] } },
        { name: 'b', share: 0.5 },
      ],
      { 'variants.0.limits.allowedModels.0': 'openai:gpt-9 is not a model this deployment offers' },
    ],
    [
      'streams longer than the function may run',
      [
        { name: 'a', share: 0.5 },
        { name: 'b', share: 0.5, limits: { maxStreamSeconds: 200 } },
      ],
      { 'variants.1.limits.maxStreamSeconds': expect.stringContaining('must be at most 110') },
    ],
  ])('names %s, by field', (_, variants, expected) => {
    expect(experimentProblems(declare(variants), tier, deployment)).toEqual(expected);
  });

  it('needs at least two variants', () => {
    expect(
      experimentDefinitionSchema.safeParse({ id: 'e', tier: 'base', variants: [{ name: 'a', share: 1 }] }).success,
    ).toBe(false);
  });
});
