// Business-aware throttling on the local stack: under load the lowest-priority tier is
// shed first, an abusive pattern ends a live stream and pauses the user, and a stream is
// warned once before it is cut, in a form both AI SDK clients' parsers accept.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalStack } from '../helpers/local-stack.js';
import { legacyBody, postChat, uiBody } from '../helpers/chat-client.js';
import { readDataStream, readUiStream } from '../helpers/protocol-readers.js';
import { testCatalog } from '../helpers/store-fixtures.js';
import { admin } from '../helpers/admin-client.js';
import { useStackFixtures } from '../helpers/test-store.js';
import { loadKey } from '../../functions/shared/keys.js';
import type { Tier } from '../../functions/shared/tier.js';

const stack = useLocalStack({
  sweepIntervalMs: 0,
  environment: {
    MODEL_CATALOG: JSON.stringify(testCatalog),
    TIER_CACHE_MS: '0',
    SIGNUP_CREDITS: '0',
    // Load is measured against 10 streams and refreshed five times a second.
    STREAM_CAPACITY: '10',
    LOAD_REPORT_MS: '200',
  },
});
const store = useStackFixtures(stack);

async function userOn(overrides: Partial<Tier>, credits = 1_000_000) {
  const { userId, tier } = await store().userOnNewTier(overrides, credits);
  return { userId, tier, token: await stack().token(userId) };
}
const errorType = (text: string) => (JSON.parse(text) as { type: string }).type;

describe('load-scaled limits with priority', () => {
  /** Other containers' streams, as their load publications say. */
  async function otherContainersRun(active: number) {
    const containerId = 'simulated-container';
    if (active === 0) {
      await store().db.send(new DeleteCommand({ TableName: stack().tables.credits, Key: loadKey(containerId) }));
      return;
    }
    await store().db.send(
      new PutCommand({
        TableName: stack().tables.credits,
        // Published "in the future" so it stays current for the whole test.
        Item: { ...loadKey(containerId), containerId, active, capacity: 10, at: Date.now() + 600_000 },
      }),
    );
  }
  afterAll(() => otherContainersRun(0));

  it('sheds the low-priority tier first under load, and leaves the top tier alone', async () => {
    const curve = [
      { load: 0.5, factor: 1 },
      { load: 0.75, factor: 0.5 },
      { load: 0.9, factor: 0 },
    ];
    const low = await userOn({ priority: 0, loadCurve: curve });
    const top = await userOn({ priority: 2, loadCurve: [] });
    const ask = async (user: { token: string }) => {
      const response = await postChat(stack(), { token: user.token, body: legacyBody('2 words') });
      const body = response.status === 200 ? await response.text() : await response.json();
      return { status: response.status, body, retryAfter: response.headers.get('retry-after') };
    };
    expect((await ask(low)).status).toBe(200);

    await otherContainersRun(9); // 9 of 10 streams in use elsewhere: 90% load
    const shed = await vi.waitFor(
      async () => {
        const answer = await ask(low);
        expect(answer.status).toBe(503);
        return answer;
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(shed.body).toEqual({ error: { type: 'capacity', message: expect.stringContaining('90% of its capacity') } });
    expect(Number(shed.retryAfter)).toBeGreaterThan(0);
    expect((await ask(top)).status).toBe(200);

    await otherContainersRun(0);
    await vi.waitFor(async () => expect((await ask(low)).status).toBe(200), { timeout: 5_000, interval: 100 });
  });
});

describe('abuse detection with a trust score', () => {
  it('ends a live stream with abuse_detected, pauses the user, and an operator can reset it', async () => {
    const { userId, token } = await userOn({
      concurrentStreams: 1,
      reportEverySeconds: 1,
      abuse: { tighten: 4, tightenFactor: 0.5, block: 9 },
    });
    const live = readDataStream(
      (await postChat(stack(), { token, body: legacyBody('400 words at 20 tokens per second') })).body!,
    );
    await vi.waitFor(async () => expect(Object.keys((await store().account(userId)).pending)).toHaveLength(1));
    // Bursts against the one stream slot: each refusal is a signal of weight 3.
    const refusals: string[] = [];
    await vi.waitFor(
      async () => {
        const response = await postChat(stack(), { token, body: legacyBody('2 words') });
        refusals.push(((await response.json()) as { error: { type: string } }).error.type);
        expect(refusals.at(-1)).toBe('abuse_detected');
      },
      { timeout: 10_000, interval: 150 },
    );
    expect(refusals.slice(0, 3)).toEqual([
      'concurrency_limit_exceeded',
      'concurrency_limit_exceeded',
      'concurrency_limit_exceeded',
    ]);
    const read = await live;
    expect(read.errors.map(errorType)).toEqual(['abuse_detected']);

    const view = await admin<{ abuse: { score: number; state: string; signals: Array<{ signal: string }> } }>(
      stack(),
      `/users/${userId}`,
    );
    expect(view.body.abuse).toMatchObject({ state: 'blocked' });
    expect(view.body.abuse.score).toBeGreaterThanOrEqual(9);
    expect(view.body.abuse.signals.map((s) => s.signal)).toContain('concurrency_burst');
    const refused = await postChat(stack(), { token, body: legacyBody('2 words') });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    await refused.text();

    expect((await admin(stack(), `/users/${userId}/abuse/reset`, { method: 'POST' })).status).toBe(200);
    const again = await postChat(stack(), { token, body: legacyBody('2 words') });
    expect(again.status).toBe(200);
    await again.text();
    await vi.waitFor(async () => expect((await store().account(userId)).pending).toEqual({}));
    await store().expectBalanced(userId);
  });
});

describe('budget warning before the cut', () => {
  it('warns once, before the error part, as a data part AI SDK 4 reads', async () => {
    const { token } = await userOn({ maxTokensPerRequest: 20 });
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody('50 words') })).body!);
    expect(read.data).toEqual([
      expect.objectContaining({ type: 'budget_warning', limit: 'max_tokens_exceeded', used: expect.any(Number) }),
    ]);
    expect((read.data[0] as { used: number }).used).toBeGreaterThanOrEqual(0.8);
    expect(read.errors.map(errorType)).toEqual(['max_tokens_exceeded']);
    expect(read.order.indexOf('data')).toBeLessThan(read.order.indexOf('error'));
  });

  it('warns once, before the error, as a data chunk the current useChat parser accepts', async () => {
    const { token } = await userOn({ maxTokensPerRequest: 20 });
    const read = await readUiStream((await postChat(stack(), { token, body: uiBody('50 words') })).body!);
    const warnings = read.chunks.filter((c) => c.type === 'data-budget-warning');
    expect(warnings).toHaveLength(1);
    expect(read.chunks.indexOf(warnings[0]!)).toBeLessThan(read.chunks.findIndex((c) => c.type === 'error'));
    expect(read.message?.parts).toContainEqual(
      expect.objectContaining({
        type: 'data-budget-warning',
        data: expect.objectContaining({ type: 'budget_warning' }),
      }),
    );
  });

  it('does not warn a stream that stays below the share', async () => {
    const { token } = await userOn({ maxTokensPerRequest: 200 });
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody('10 words') })).body!);
    expect(read.data).toEqual([]);
    expect(read.errors).toEqual([]);
  });
});
