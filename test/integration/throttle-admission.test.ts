// Pre-stream admission against a real DynamoDB-compatible server, through the real
// handler: bursts, concurrency, entitlement, credits, and their refusals.
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useLocalStack } from '../helpers/local-stack.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { readDataStream, words } from '../helpers/protocol-readers.js';
import { testCatalog, type testTier } from '../helpers/store-fixtures.js';
import { useStackFixtures } from '../helpers/test-store.js';

const stack = useLocalStack({
  sweepIntervalMs: 0,
  environment: {
    MODEL_CATALOG: JSON.stringify(testCatalog),
    HEARTBEAT_MS: '200',
    TIER_CACHE_MS: '0',
    SIGNUP_CREDITS: '0',
  },
});
const store = useStackFixtures(stack);

const newUser = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function userOn(tierOverrides: Parameters<typeof testTier>[1], credits = 1_000_000) {
  const { userId, tier } = await store().userOnNewTier(tierOverrides, credits);
  return { userId, tier, token: await stack().token(userId) };
}

describe('admission: request bucket', () => {
  it('admits exactly the burst out of 100 parallel requests', async () => {
    const { userId, token } = await userOn({ requestsPerHour: 10, burst: 7 });
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => postChat(stack(), { token, body: legacyBody('2 words') })),
    );
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.body?.cancel()));
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    expect(statuses.filter((s) => s === 429)).toHaveLength(93);
    const refused = responses.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    await expect.poll(async () => (await store().account(userId)).pending).toEqual({});
    await store().expectBalanced(userId);
  });

  it('admits all of 100 parallel requests within every limit: contention is not a limit', async () => {
    const { userId, token } = await userOn({ requestsPerHour: 1_000, burst: 100, concurrentStreams: 100 });
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => postChat(stack(), { token, body: legacyBody('2 words') })),
    );
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.text()));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(responses.every((r) => r.headers.get('x-ratelimit-limit') === '100')).toBe(true);
    const { account } = await store().expectBalanced(userId);
    expect(account.pending).toEqual({});
    expect(await store().sessions(userId)).toHaveLength(100);
  });

  it('reports the bucket in X-RateLimit headers on admitted streams', async () => {
    const { token } = await userOn({ requestsPerHour: 60, burst: 3 });
    const first = await postChat(stack(), { token, body: legacyBody('1 words') });
    expect(first.headers.get('x-ratelimit-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBe(60);
    await first.text();
    const second = await postChat(stack(), { token, body: legacyBody('1 words') });
    expect(second.headers.get('x-ratelimit-remaining')).toBe('1');
    await second.text();
  });

  it('refuses with a JSON body naming the reason', async () => {
    const { token } = await userOn({ requestsPerHour: 1, burst: 1 });
    await (await postChat(stack(), { token, body: legacyBody('1 words') })).text();
    const refused = await postChat(stack(), { token, body: legacyBody('1 words') });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      error: { type: 'rate_limit_exceeded', message: expect.stringContaining('1/hour') },
    });
  });
});

describe('admission: concurrency leases', () => {
  it('never runs more than concurrentStreams at once, and frees slots when streams end', async () => {
    const { userId, token } = await userOn({ concurrentStreams: 3 });
    stack().model.stats.maxActive = stack().model.stats.active; // measure this test's streams only
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        postChat(stack(), { token, body: legacyBody('40 words at 100 tokens per second') }),
      ),
    );
    const admitted = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 429);
    expect(admitted).toHaveLength(3);
    expect(refused).toHaveLength(17);
    expect(((await refused[0]!.json()) as { error: { type: string } }).error.type).toBe('concurrency_limit_exceeded');
    const texts = await Promise.all(admitted.map(async (r) => (await readDataStream(r.body!)).text));
    expect(texts).toEqual([words(40), words(40), words(40)]);
    expect(stack().model.stats.maxActive).toBeLessThanOrEqual(3);
    // The slots are free again.
    const again = await postChat(stack(), { token, body: legacyBody('1 words') });
    expect(again.status).toBe(200);
    await again.text();
    await store().expectBalanced(userId);
  });
});

describe('admission: entitlement and credits', () => {
  it('refuses a model outside the tier with 403', async () => {
    const { token } = await userOn({ allowedModels: ['local:local-small'] });
    const response = await postChat(stack(), { token, model: 'local-large', body: legacyBody('1 words') });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('model_not_allowed');
  });

  it('refuses with 402 when the balance cannot pay for the prompt and one token', async () => {
    const before = stack().model.stats.requests;
    const { token } = await userOn({}, 3);
    const response = await postChat(stack(), {
      token,
      body: legacyBody('a prompt that costs more than three micro-units'),
    });
    expect(response.status).toBe(402);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('credits_exhausted');
    expect(stack().model.stats.requests).toBe(before);
  });

  it("falls back to the tier's cheaper model when credits cannot cover the requested one, and says so", async () => {
    const { userId, token } = await userOn({ degradeTo: 'local:local-small', maxTokensPerRequest: 100 }, 1_000);
    // local-large worst case: ~10 input tokens x10 + 100 output x20 = 2100 > 1000; local-small fits.
    const response = await postChat(stack(), { token, model: 'local-large', body: legacyBody('3 words') });
    expect(response.status).toBe(200);
    const read = await readDataStream(response.body!);
    expect(read.text).toBe(words(3));
    expect(read.annotations).toEqual([
      expect.objectContaining({
        type: 'model_degraded',
        requestedModel: 'local:local-large',
        model: 'local:local-small',
      }),
    ]);
    const [session] = await store().sessions(userId);
    expect(session).toMatchObject({
      model: 'local:local-small',
      requestedModel: 'local:local-large',
    });
  });

  it("refuses with 503 when the account's tier does not exist", async () => {
    const userId = newUser('orphan');
    await store().createAccount(userId, 'no-such-tier', 1_000);
    const response = await postChat(stack(), { token: await stack().token(userId), body: legacyBody('1 words') });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('tier_not_found');
  });
});
