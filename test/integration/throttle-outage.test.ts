// Failure policy: with the store unreachable nothing streams (503), and a store outage
// mid-stream ends the stream before it goes unmetered and is billed exactly once when
// the store comes back.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/embedded-dynamodb.js';
import { startLocalStack, type LocalStack } from '../../local/local-stack.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { readDataStream } from '../helpers/protocol-readers.js';
import { StoreFixtures, testCatalog } from '../helpers/store-fixtures.js';
import { costOf } from '../../functions/throttle/pricing.js';

let dynamo: EmbeddedDynamo;
let proxy: TcpProxy;
let stack: LocalStack;
let store: StoreFixtures;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  proxy = await startTcpProxy(dynamo.port);
  stack = await startLocalStack({
    jwtSecret: randomBytes(32).toString('base64url'),
    adminToken: randomBytes(32).toString('base64url'),
    tokensPerSecond: 0,
    dynamoEndpoint: proxy.endpoint, // the service reaches the store only through the proxy
    sweepIntervalMs: 0,
    environment: {
      MODEL_CATALOG: JSON.stringify(testCatalog),
      HEARTBEAT_MS: '100',
      TIER_CACHE_MS: '0',
      LOG_LEVEL: 'CRITICAL',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  });
  store = new StoreFixtures(dynamo.endpoint, stack.tables); // the test reads the store directly
});
afterAll(async () => {
  store.close();
  await stack.close();
  await proxy.close();
  await dynamo.close();
});

async function newUser(credits = 100_000) {
  const { userId } = await store.userOnNewTier({}, credits);
  return { userId, token: await stack.token(userId) };
}

describe('throttle store outage', () => {
  it('fails closed: 503 with Retry-After, no model call, nothing reserved', async () => {
    const { userId, token } = await newUser();
    const modelCalls = stack.model.stats.requests;
    await proxy.cut();
    try {
      const response = await postChat(stack, { token, body: legacyBody('5 words') });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toEqual({ error: { type: 'store_unavailable', message: expect.any(String) } });
    } finally {
      await proxy.restore();
    }
    expect(stack.model.stats.requests).toBe(modelCalls);
    const { account, charged } = await store.expectBalanced(userId);
    expect(account.pending).toEqual({});
    expect(charged).toBe(0);
  });

  it('stops a stream whose lease cannot be renewed, and bills it exactly once after the store returns', async () => {
    const { userId, token } = await newUser();
    const response = await postChat(stack, { token, body: legacyBody('99 words at 20 tokens per second') });
    expect(response.status).toBe(200);
    const reading = readDataStream(response.body!);
    const session = await vi.waitFor(async () => {
      const [open] = await store.sessions(userId);
      expect(open?.tokensOut).toBeGreaterThan(0); // a heartbeat has recorded usage
      return open!;
    });
    await proxy.cut();
    const read = await reading;
    expect(read.errors.map((e) => (JSON.parse(e) as { type: string }).type)).toEqual(['internal_error']);
    expect(read.textParts.length).toBeLessThan(99);
    expect((await store.session(session.sessionId))?.status).toBe('active'); // settlement could not reach the store
    await proxy.restore();

    // The sweeper, once the lease has run out, settles it with the last recorded usage; a second sweep changes nothing.
    await vi.waitFor(
      async () => {
        await stack.sweep();
        expect((await store.session(session.sessionId))?.status).toBe('settled');
      },
      { timeout: 10_000, interval: 200 },
    );
    await stack.sweep();
    const settled = (await store.session(session.sessionId))!;
    expect(settled.endReason).toBe('lease_expired');
    const { ledger, account } = await store.expectBalanced(userId);
    expect(ledger.filter((e) => e.type === 'charge')).toHaveLength(1);
    expect(account.balance).toBe(
      100_000 - costOf(testCatalog.local['local-small'], settled.tokensIn, settled.tokensOut),
    );
  });
});
