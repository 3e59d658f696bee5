// Admission with a limit experiment running: a user gets their variant's limits, the
// session records the variant, and a warm container still admits with one DynamoDB request
// (the variant comes from memory, refreshed like tiers), counted on the service's own client.
import { describe, expect, it } from 'vitest';
import { useInstrumentedStack } from '../helpers/instrumented-stack.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { readDataStream } from '../helpers/protocol-readers.js';
import { testCatalog } from '../helpers/store-fixtures.js';
import { startExperiment, usersIn } from '../helpers/experiment-fixtures.js';
import { useStackFixtures } from '../helpers/test-store.js';
import { variantTag } from '../../functions/shared/keys.js';

const stack = useInstrumentedStack({
  MODEL_CATALOG: JSON.stringify(testCatalog),
  // Long enough that the tier and the experiment stay cached for the whole file.
  TIER_CACHE_MS: '600000',
  SIGNUP_CREDITS: '0',
});
const store = useStackFixtures(stack);

/** Streams one answer to the end and waits until it is settled and projected. */
async function streamOnce(userId: string, settledBefore: number) {
  const response = await postChat(stack(), { token: await stack().token(userId), body: legacyBody('3 words') });
  const read = await readDataStream(response.body!);
  await expect.poll(async () => (await store().sessions(userId)).length).toBe(settledBefore + 1);
  return { response, read };
}

describe('admission with a limit experiment running', () => {
  it("admits with the variant's limits, records the variant, and costs one request when warm", async () => {
    const { tier } = await store().userOnNewTier({ requestsPerHour: 1_000, burst: 50 });
    const experiment = await startExperiment(store().db, stack().tables, tier.name, [
      { name: 'seven', share: 0.5, limits: { burst: 7 } },
      { name: 'nine', share: 0.5, limits: { burst: 9 } },
    ]);
    const [userId] = usersIn(experiment, 'nine', 1);
    await store().createAccount(userId!, tier.name, 1_000_000);

    // Cold: the container reads the tier, the account and the experiment once.
    const first = await streamOnce(userId!, 0);
    expect(first.response.headers.get('x-ratelimit-limit')).toBe('9');
    expect(first.read.text).toBe('w1 w2 w3');

    for (let i = 1; i <= 5; i++) {
      const before = stack().requests.length;
      const { response } = await streamOnce(userId!, i);
      expect(response.headers.get('x-ratelimit-limit')).toBe('9');
      const sent = stack().requests.slice(before);
      // Admission (the account write), then settlement (its commit and the projection batch): no read at all.
      expect(sent.map((r) => `${r.command} ${r.table}`)).toEqual([
        `UpdateItemCommand ${stack().tables.credits}`,
        `UpdateItemCommand ${stack().tables.credits}`,
        `BatchWriteItemCommand ${stack().tables.credits}+${stack().tables.sessions}`,
      ]);
      expect(String(sent[0]!.input.UpdateExpression)).toContain('#pending.#sid =');
    }
    const sessions = await store().sessions(userId!);
    expect(sessions.map((s) => s.variant)).toEqual(Array(6).fill(variantTag(experiment.id, 'nine')));
  });
});
