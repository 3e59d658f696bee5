// The tiers a new deployment's store is seeded with (free, pro, enterprise). A module of
// its own: validating them is work at import, and only the seeding code and tests need them.
import type { z } from 'zod';
import { tierSchema, type Tier } from './tier.js';

export const defaultTiers: Tier[] = (
  [
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
      priority: 0,
      // Full limits below half load, half at three quarters, refused from 90%.
      loadCurve: [
        { load: 0.5, factor: 1 },
        { load: 0.75, factor: 0.5 },
        { load: 0.9, factor: 0 },
      ],
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
      priority: 1,
      loadCurve: [
        { load: 0.8, factor: 1 },
        { load: 0.95, factor: 0.5 },
      ],
    },
    {
      name: 'enterprise',
      requestsPerHour: 1_000,
      burst: 100,
      maxTokensPerRequest: 50_000,
      concurrentStreams: 10,
      tokensPerMinute: 400_000,
      maxStreamSeconds: 880,
      maxSteps: 10,
      allowedModels: ['*'],
      features: ['tool_execution'],
      priority: 2, // unaffected until the cap
    },
  ] satisfies Array<z.input<typeof tierSchema>>
).map((tier) => tierSchema.parse(tier));
