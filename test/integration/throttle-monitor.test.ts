// The mid-stream monitor and settlement: each limit ends the stream with its error part,
// and every stream, however it ended, is billed exactly once with the ledger balanced.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useLocalStack } from '../helpers/local-stack.js';
import { legacyBody, postChat, uiBody } from '../helpers/chat-client.js';
import { readDataStream, readUiStream, words } from '../helpers/protocol-readers.js';
import { StoreFixtures, testCatalog } from '../helpers/store-fixtures.js';
import { costOf } from '../../functions/throttle/pricing.js';
import type { Tier } from '../../functions/shared/tier.js';

const stack = useLocalStack({
  sweepIntervalMs: 0,
  environment: {
    MODEL_CATALOG: JSON.stringify(testCatalog),
    HEARTBEAT_MS: '100',
    TIER_CACHE_MS: '0',
    SIGNUP_CREDITS: '0',
  },
});
let store: StoreFixtures;
beforeAll(() => {
  store = new StoreFixtures(stack().dynamoEndpoint, stack().tables);
});
afterAll(() => store.close());
const price = testCatalog.local['local-small'];

async function userOn(tierOverrides: Partial<Tier>, credits = 1_000_000) {
  const { userId } = await store.userOnNewTier(tierOverrides, credits);
  return { userId, token: await stack().token(userId) };
}

const errorType = (errorText: string) => (JSON.parse(errorText) as { type: string }).type;

async function onlySession(userId: string) {
  const sessions = await store.sessions(userId);
  expect(sessions).toHaveLength(1);
  return sessions[0]!;
}

describe('monitor: limits end the stream with their error part', () => {
  it('max tokens per request: the answer stops at the cap with max_tokens_exceeded, charged from provider usage', async () => {
    const { userId, token } = await userOn({ maxTokensPerRequest: 20 });
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody('50 words') })).body!);
    expect(read.text).toBe(words(20));
    expect(read.errors.map(errorType)).toEqual(['max_tokens_exceeded']);
    const session = await onlySession(userId);
    expect(session).toMatchObject({
      status: 'settled',
      endReason: 'max_tokens_exceeded',
      tokensOut: 20,
      usageSource: 'provider',
    });
    expect(session.charged).toBe(costOf(price, session.tokensIn, 20));
    const { account, charged } = await store.expectBalanced(userId);
    expect(charged).toBe(session.charged);
    expect(account.balance).toBe(1_000_000 - session.charged!);
  });

  it('max tokens when the provider streams more than it was asked: the monitor cuts it itself', async () => {
    const { userId, token } = await userOn({ maxTokensPerRequest: 10 });
    // Long words: each streamed piece is estimated at several tokens, so the monitor's count passes the cap first.
    const text = Array.from({ length: 30 }, (_, i) => `word${'x'.repeat(12)}${i}`).join(' ');
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody(`echo: ${text}`) })).body!);
    expect(read.errors.map(errorType)).toEqual(['max_tokens_exceeded']);
    const session = await onlySession(userId);
    expect(session).toMatchObject({ endReason: 'max_tokens_exceeded', usageSource: 'estimate' });
    expect(session.tokensOut).toBeLessThanOrEqual(10);
    await store.expectBalanced(userId);
  });

  it('credits: a stream the balance only partly covers ends with credits_exhausted and takes no more than the balance', async () => {
    const { userId, token } = await userOn({}, 50);
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody('99 words') })).body!);
    expect(read.errors.map(errorType)).toEqual(['credits_exhausted']);
    const session = await onlySession(userId);
    expect(session.endReason).toBe('credits_exhausted');
    expect(read.textParts.length).toBe(session.tokensOut);
    expect(session.charged).toBeLessThanOrEqual(50);
    const { account } = await store.expectBalanced(userId);
    expect(account.balance).toBe(50 - session.charged!);
    expect(account.balance).toBeGreaterThanOrEqual(0);
  });

  it('tokens per minute: the grant ends the stream with rate_limit_exceeded, and the next request waits', async () => {
    const { userId, token } = await userOn({ tokensPerMinute: 40 });
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody('80 words') })).body!);
    expect(read.errors.map(errorType)).toEqual(['rate_limit_exceeded']);
    const session = await onlySession(userId);
    expect(session.tokensIn + session.tokensOut).toBeLessThanOrEqual(40);
    const next = await postChat(stack(), { token, body: legacyBody('1 words') });
    expect(next.status).toBe(429);
    expect(((await next.json()) as { error: { type: string } }).error.type).toBe('tokens_per_minute_exceeded');
    expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(0);
    await store.expectBalanced(userId);
  });

  it('maximum stream duration ends a slow stream with max_duration_exceeded', async () => {
    const { userId, token } = await userOn({ maxStreamSeconds: 1 });
    const read = await readDataStream(
      (await postChat(stack(), { token, body: legacyBody('99 words at 20 tokens per second') })).body!,
    );
    expect(read.errors.map(errorType)).toEqual(['max_duration_exceeded']);
    expect(read.textParts.length).toBeLessThan(99);
    const session = await onlySession(userId);
    expect(session).toMatchObject({
      status: 'settled',
      endReason: 'max_duration_exceeded',
      tokensOut: read.textParts.length,
    });
    await store.expectBalanced(userId);
    await vi.waitFor(() => expect(stack().model.stats.active).toBe(0));
  });

  it('an admin kill ends the stream within a heartbeat with session_terminated, in the UI stream too', async () => {
    const { userId, token } = await userOn({});
    const response = await postChat(stack(), { token, body: uiBody('99 words at 20 tokens per second') });
    const reading = readUiStream(response.body!);
    const session = await vi.waitFor(async () => {
      const [open] = await store.sessions(userId);
      expect(open).toBeDefined();
      return open!;
    });
    await store.requestKill(session.sessionId);
    const read = await reading;
    expect(read.errors.map(errorType)).toEqual(['session_terminated']);
    expect(await store.session(session.sessionId)).toMatchObject({
      status: 'settled',
      endReason: 'session_terminated',
    });
    await store.expectBalanced(userId);
  });
});

describe('settlement: every ending is billed once', () => {
  it('a completed stream is charged its provider-reported usage exactly', async () => {
    const { userId, token } = await userOn({});
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody('30 words') })).body!);
    const usage = read.finishMessage!.usage!;
    const session = await onlySession(userId);
    expect(session).toMatchObject({
      status: 'settled',
      endReason: 'completed',
      usageSource: 'provider',
      tokensIn: usage.promptTokens,
      tokensOut: 30,
    });
    expect(session.charged).toBe(costOf(price, usage.promptTokens, 30));
    const { ledger } = await store.expectBalanced(userId);
    expect(ledger.filter((e) => e.type === 'charge')).toEqual([
      expect.objectContaining({ sessionId: session.sessionId, amount: -session.charged! }),
    ]);
  });

  it('a client disconnect settles the tokens that streamed', async () => {
    const { userId, token } = await userOn({});
    const client = new AbortController();
    const response = await postChat(stack(), {
      token,
      body: legacyBody('99 words at 20 tokens per second'),
      signal: client.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    client.abort();
    const session = await vi.waitFor(
      async () => {
        const [settled] = await store.sessions(userId);
        expect(settled?.status).toBe('settled');
        return settled!;
      },
      { timeout: 10_000 },
    );
    expect(session.endReason).toBe('client_disconnect');
    expect(session.tokensOut).toBeGreaterThan(0);
    expect(session.tokensOut).toBeLessThan(99);
    expect(session.charged).toBe(costOf(price, session.tokensIn, session.tokensOut));
    await store.expectBalanced(userId);
  });

  it('a provider failure settles what streamed before it', async () => {
    const { userId, token } = await userOn({});
    const read = await readDataStream(
      (await postChat(stack(), { token, body: legacyBody('fail after 4 words') })).body!,
    );
    expect(read.errors.map(errorType)).toEqual(['provider_error']);
    const session = await onlySession(userId);
    expect(session).toMatchObject({
      status: 'settled',
      endReason: 'provider_error',
      tokensOut: 4,
      usageSource: 'estimate',
    });
    await store.expectBalanced(userId);
  });

  it('50 parallel streams against a small balance never overspend, and the ledger balances', async () => {
    const { userId, token } = await userOn({}, 400);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => postChat(stack(), { token, body: legacyBody('40 words') })),
    );
    await Promise.all(responses.map((r) => r.text()));
    const admitted = responses.filter((r) => r.status === 200).length;
    expect(admitted).toBeGreaterThan(0);
    expect(responses.filter((r) => r.status !== 200).every((r) => r.status === 402)).toBe(true);
    const { account, charged } = await store.expectBalanced(userId);
    expect(charged).toBeLessThanOrEqual(400);
    expect(account.balance).toBe(400 - charged);
    const sessions = await store.sessions(userId);
    expect(sessions).toHaveLength(admitted);
    expect(sessions.every((s) => s.status === 'settled')).toBe(true);
  });
});
