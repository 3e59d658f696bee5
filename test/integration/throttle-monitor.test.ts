// The mid-stream monitor and settlement: each limit ends the stream with its error part,
// and every stream, however it ended, is billed exactly once with the ledger balanced.
import { describe, expect, it, vi } from 'vitest';
import { useLocalStack } from '../helpers/local-stack.js';
import { legacyBody, postChat, uiBody } from '../helpers/chat-client.js';
import { readDataStream, readUiStream, words } from '../helpers/protocol-readers.js';
import { testCatalog } from '../helpers/store-fixtures.js';
import { useStackFixtures } from '../helpers/test-store.js';
import { costOf } from '../../functions/throttle/pricing.js';
import type { Tier } from '../../functions/shared/tier.js';
import { tokensIn } from '../../local/model/model-tokens.js';

const stack = useLocalStack({
  sweepIntervalMs: 0,
  environment: {
    MODEL_CATALOG: JSON.stringify(testCatalog),
    TIER_CACHE_MS: '0',
    SIGNUP_CREDITS: '0',
  },
});
const store = useStackFixtures(stack);
const price = testCatalog.local['local-small'];

async function userOn(tierOverrides: Partial<Tier>, credits = 1_000_000) {
  const { userId } = await store().userOnNewTier(tierOverrides, credits);
  return { userId, token: await stack().token(userId) };
}

/** Waits out the last seconds of a minute, so a test's requests share one minute window. */
async function awayFromMinuteEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

const errorType = (errorText: string) => (JSON.parse(errorText) as { type: string }).type;

async function onlySession(userId: string) {
  const sessions = await store().sessions(userId);
  expect(sessions).toHaveLength(1);
  return sessions[0]!;
}

describe('monitor: limits end the stream with their error part', () => {
  it('max tokens per request: the answer stops at the cap with max_tokens_exceeded, charged from provider usage', async () => {
    const { userId, token } = await userOn({ maxTokensPerRequest: 20 });
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody('50 words') })).body!);
    expect(read.text).toBe(words(10)); // two tokens a word
    expect(read.errors.map(errorType)).toEqual(['max_tokens_exceeded']);
    const session = await onlySession(userId);
    expect(session).toMatchObject({
      endReason: 'max_tokens_exceeded',
      tokensOut: 20,
      usageSource: 'provider',
    });
    expect(session.charged).toBe(costOf(price, session.tokensIn, 20));
    const { account, charged } = await store().expectBalanced(userId);
    expect(charged).toBe(session.charged);
    expect(account.balance).toBe(1_000_000 - session.charged!);
  });

  it('max tokens when the provider streams more than it was asked: the monitor cuts it itself', async () => {
    const { userId, token } = await userOn({ maxTokensPerRequest: 11 });
    const read = await readDataStream(
      (await postChat(stack(), { token, body: legacyBody('30 words ignoring max tokens') })).body!,
    );
    expect(read.errors.map(errorType)).toEqual(['max_tokens_exceeded']);
    // Two tokens a word: the sixth word would pass 11, so five words went out.
    expect(read.text).toBe(words(5));
    const session = await onlySession(userId);
    expect(session).toMatchObject({ endReason: 'max_tokens_exceeded', usageSource: 'estimate', tokensOut: 10 });
    await store().expectBalanced(userId);
  });

  it('credits: a stream the balance only partly covers ends with credits_exhausted and takes no more than the balance', async () => {
    const { userId, token } = await userOn({}, 50);
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody('99 words') })).body!);
    expect(read.errors.map(errorType)).toEqual(['credits_exhausted']);
    const session = await onlySession(userId);
    expect(session.endReason).toBe('credits_exhausted');
    expect(tokensIn(read.text)).toBe(session.tokensOut);
    expect(session.charged).toBeLessThanOrEqual(50);
    const { account } = await store().expectBalanced(userId);
    expect(account.balance).toBe(50 - session.charged!);
    expect(account.balance).toBeGreaterThanOrEqual(0);
  });

  it('tokens per minute: the grant ends the stream with tokens_per_minute_exceeded, and the next request waits', async () => {
    const { userId, token } = await userOn({ tokensPerMinute: 40 });
    await awayFromMinuteEdge(); // both requests must fall in the same minute window
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody('80 words') })).body!);
    expect(read.errors.map(errorType)).toEqual(['tokens_per_minute_exceeded']);
    const session = await onlySession(userId);
    expect(session.tokensIn + session.tokensOut).toBeLessThanOrEqual(40);
    const next = await postChat(stack(), { token, body: legacyBody('1 words') });
    expect(next.status).toBe(429);
    expect(((await next.json()) as { error: { type: string } }).error.type).toBe('tokens_per_minute_exceeded');
    expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(0);
    await store().expectBalanced(userId);
  });

  it('maximum stream duration ends a slow stream with max_duration_exceeded', async () => {
    const { userId, token } = await userOn({ maxStreamSeconds: 1 });
    const read = await readDataStream(
      (await postChat(stack(), { token, body: legacyBody('99 words at 20 tokens per second') })).body!,
    );
    expect(read.errors.map(errorType)).toEqual(['max_duration_exceeded']);
    expect(read.textParts.length).toBeLessThan(99);
    const session = await onlySession(userId);
    expect(session).toMatchObject({ endReason: 'max_duration_exceeded', tokensOut: tokensIn(read.text) });
    await store().expectBalanced(userId);
    await vi.waitFor(() => expect(stack().model.stats.active).toBe(0));
  });

  it('maximum stream duration ends a stream whose model hangs, and stops the model call', async () => {
    const { userId, token } = await userOn({ maxStreamSeconds: 1 });
    const aborted = stack().model.stats.aborted;
    const read = await readDataStream(
      (await postChat(stack(), { token, body: legacyBody('stall after 3 words') })).body!,
    );
    // No part arrives after the third word: only the deadline timer can end this stream.
    expect(read.text).toBe(words(3));
    expect(read.errors.map(errorType)).toEqual(['max_duration_exceeded']);
    expect(await onlySession(userId)).toMatchObject({
      endReason: 'max_duration_exceeded',
      tokensOut: tokensIn(words(3)),
    });
    await vi.waitFor(() => expect(stack().model.stats.aborted).toBe(aborted + 1));
    await store().expectBalanced(userId);
  });

  it('unused minute tokens go back at settlement: the next request fits the minute again', async () => {
    // Each request is granted its prompt plus maxTokensPerRequest (10 + 40 = 50) from a minute of 90.
    const { userId, token } = await userOn({ tokensPerMinute: 90, maxTokensPerRequest: 40 });
    await awayFromMinuteEdge();
    for (let i = 0; i < 3; i++) {
      const response = await postChat(stack(), { token, body: legacyBody('2 words') });
      expect(response.status).toBe(200); // 3 x 50 > 90: only the refund of unused tokens lets these in
      await response.text();
    }
    const { account } = await store().expectBalanced(userId);
    const sessions = await store().sessions(userId);
    expect(account.tpmTokens).toBe(sessions.reduce((sum, s) => sum + s.tokensIn + s.tokensOut, 0));
  });

  it('an admin kill ends the stream at its next report with session_terminated, in the UI stream too', async () => {
    const { userId, token } = await userOn({ reportEverySeconds: 1 });
    const response = await postChat(stack(), { token, body: uiBody('99 words at 20 tokens per second') });
    const reading = readUiStream(response.body!);
    const sessionId = await vi.waitFor(async () => {
      const [live] = Object.keys((await store().account(userId)).pending);
      expect(live).toBeDefined();
      return live!;
    });
    expect(await store().kill(userId, sessionId)).toBe(true);
    const read = await reading;
    expect(read.errors.map(errorType)).toEqual(['session_terminated']);
    expect(await store().session(sessionId)).toMatchObject({ endReason: 'session_terminated', killedBy: 'test' });
    await store().expectBalanced(userId);
  });
});

describe('settlement: every ending is billed once', () => {
  it('a completed stream is charged its provider-reported usage exactly', async () => {
    const { userId, token } = await userOn({});
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody('30 words') })).body!);
    const usage = read.finishMessage!.usage!;
    const session = await onlySession(userId);
    expect(session).toMatchObject({
      endReason: 'completed',
      usageSource: 'provider',
      tokensIn: usage.promptTokens,
      tokensOut: tokensIn(words(30)),
    });
    expect(usage.completionTokens).toBe(tokensIn(words(30)));
    expect(session.charged).toBe(costOf(price, usage.promptTokens, usage.completionTokens));
    const { ledger } = await store().expectBalanced(userId);
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
        const [settled] = await store().sessions(userId);
        expect(settled).toBeDefined();
        return settled!;
      },
      { timeout: 10_000 },
    );
    expect(session.endReason).toBe('client_disconnect');
    expect(session.tokensOut).toBeGreaterThan(0);
    expect(session.tokensOut).toBeLessThan(tokensIn(words(99)));
    expect(session.charged).toBe(costOf(price, session.tokensIn, session.tokensOut));
    await store().expectBalanced(userId);
  });

  it('a provider failure settles what streamed before it', async () => {
    const { userId, token } = await userOn({});
    const read = await readDataStream(
      (await postChat(stack(), { token, body: legacyBody('fail after 4 words') })).body!,
    );
    expect(read.errors.map(errorType)).toEqual(['provider_error']);
    const session = await onlySession(userId);
    expect(session).toMatchObject({
      endReason: 'provider_error',
      tokensOut: tokensIn(words(4)),
      usageSource: 'estimate',
    });
    await store().expectBalanced(userId);
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
    const { account, charged } = await store().expectBalanced(userId);
    expect(charged).toBeLessThanOrEqual(400);
    expect(account.balance).toBe(400 - charged);
    const sessions = await store().sessions(userId);
    expect(sessions).toHaveLength(admitted);
    expect(account.pending).toEqual({});
  });
});
