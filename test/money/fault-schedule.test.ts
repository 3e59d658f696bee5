// The money path under a randomized fault schedule (fast-check: seeded, shrinking,
// reproducible with FC_SEED), against a real DynamoDB-compatible server (or
// DYNAMODB_ENDPOINT). A short run here; `npm run soak` runs a long one.
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { testTier } from '../helpers/store-fixtures.js';
import { useTestStore } from '../helpers/test-store.js';
import { createWorld, maxPartTokens, reportEveryTokens, stepArbitrary } from './fault-schedule.js';
import { checkFinalInvariants, checkStepInvariants } from './invariants.js';

const runs = Number(process.env.FC_RUNS ?? 25);
const seed = Number(process.env.FC_SEED ?? 20261125);
const maxSteps = Number(process.env.FC_STEPS ?? 40);

const local = useTestStore();

const limits = {
  requestsPerHour: 3_600,
  burst: 6,
  maxTokensPerRequest: 200,
  concurrentStreams: 3,
  tokensPerMinute: 2_000,
  reportEveryTokens,
  reportEverySeconds: 60,
  allowedModels: ['local:*'],
};

describe('money under a randomized fault schedule', () => {
  it('keeps every invariant after every step, and settles everything exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 5, maxLength: maxSteps }), async (steps) => {
        const run = randomUUID().slice(0, 6);
        const tiers = [`a-${run}`, `b-${run}`];
        await local.fixtures.putTier(testTier(tiers[0]!, limits));
        await local.fixtures.putTier(testTier(tiers[1]!, { ...limits, burst: 3, concurrentStreams: 1 }));
        const users = [`u0-${run}`, `u1-${run}`];
        for (const userId of users) await local.fixtures.createAccount(userId, tiers[0]!, 1_000);
        const world = createWorld(local.endpoint, local.tables, users, tiers);
        const seen = new Set<string>();
        try {
          for (const step of steps) {
            await world.run(step);
            await checkStepInvariants(local.fixtures, world, seen);
          }
          await world.quiesce();
          await checkStepInvariants(local.fixtures, world, seen);
          await checkFinalInvariants(local.fixtures, world, seen, { reportEveryTokens, maxPartTokens });
          if (process.env.FC_STATS)
            console.log(
              'STATS',
              steps.length,
              'streams',
              world.streams.length,
              'sent',
              world.streams.reduce((a, s) => a + s.sent, 0),
              'pendingSeen',
              seen.size,
              'crashed',
              world.streams.filter((s) => s.container.faults.crashed).length,
              'grants',
              world.grants.size,
            );
        } finally {
          world.close();
        }
      }),
      { numRuns: runs, seed, endOnFailure: false, interruptAfterTimeLimit: 600_000 },
    );
    expect(true).toBe(true);
  }, 900_000);
});
