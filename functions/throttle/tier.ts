// A tier's limits, as stored in the tiers table and validated wherever they enter.
import { z } from 'zod';

const positiveInt = z.number().int().positive();

/** `provider:model`, `provider:*` or `*`. */
export const modelPatternSchema = z
  .string()
  .regex(/^(\*|(openai|groq|local):(\*|[^\s:]+))$/, 'expected "provider:model", "provider:*" or "*"');

export const knownFeatures = ['tool_execution'] as const;
export type Feature = (typeof knownFeatures)[number];

export const tierLimitsSchema = z.object({
  requestsPerHour: positiveInt,
  burst: positiveInt,
  maxTokensPerRequest: positiveInt,
  concurrentStreams: positiveInt,
  tokensPerMinute: positiveInt,
  maxStreamSeconds: positiveInt,
  maxSteps: positiveInt.max(50).default(5),
  allowedModels: z.array(modelPatternSchema).min(1),
  features: z.array(z.enum(knownFeatures)).default([]),
  degradeTo: z
    .string()
    .regex(/^(openai|groq|local):[^\s:]+$/, 'expected "provider:model"')
    .optional(),
});
export type TierLimits = z.infer<typeof tierLimitsSchema>;

export const tierSchema = tierLimitsSchema.extend({ name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/) });
export type Tier = z.infer<typeof tierSchema>;

export const defaultTiers: Tier[] = [
  {
    name: 'free',
    requestsPerHour: 10,
    burst: 5,
    maxTokensPerRequest: 1_000,
    concurrentStreams: 1,
    tokensPerMinute: 4_000,
    maxStreamSeconds: 60,
    maxSteps: 2,
    allowedModels: ['openai:gpt-4o-mini', 'groq:llama-3.1-8b-instant', 'local:*'],
    features: [],
    degradeTo: 'local:local-small',
  },
  {
    name: 'pro',
    requestsPerHour: 100,
    burst: 20,
    maxTokensPerRequest: 10_000,
    concurrentStreams: 3,
    tokensPerMinute: 40_000,
    maxStreamSeconds: 300,
    maxSteps: 5,
    allowedModels: ['openai:*', 'groq:*', 'local:*'],
    features: ['tool_execution'],
    degradeTo: 'openai:gpt-4o-mini',
  },
  {
    name: 'enterprise',
    requestsPerHour: 1_000,
    burst: 100,
    maxTokensPerRequest: 50_000,
    concurrentStreams: 10,
    tokensPerMinute: 400_000,
    maxStreamSeconds: 900,
    maxSteps: 10,
    allowedModels: ['*'],
    features: ['tool_execution'],
  },
];

export function modelAllowed(tier: Pick<TierLimits, 'allowedModels'>, modelKey: string): boolean {
  const provider = modelKey.slice(0, modelKey.indexOf(':'));
  return tier.allowedModels.some((pattern) => pattern === '*' || pattern === modelKey || pattern === `${provider}:*`);
}
