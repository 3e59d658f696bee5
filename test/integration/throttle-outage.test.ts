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
import { tokensIn } from '../../local/model/model-tokens.js';

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

  it('stops a stream that cannot report its usage, and bills it exactly once, for no less than it sent', async () => {
    // Reports every 10 tokens and every second: the lease is 3 s.
    const { userId } = await store.userOnNewTier({ reportEveryTokens: 10, reportEverySeconds: 1 }, 100_000);
    const token = await stack.token(userId);
    const response = await postChat(stack, { token, body: legacyBody('99 words at 20 tokens per second') });
    expect(response.status).toBe(200);
    const reading = readDataStream(response.body!);
    const sessionId = await vi.waitFor(async () => {
      const [live] = Object.entries((await store.account(userId)).pending);
      expect(live?.[1].reportedOut).toBeGreaterThan(0); // a report has recorded usage
      return live![0];
    });
    await proxy.cut();
    const read = await reading;
    expect(read.errors.map((e) => (JSON.parse(e) as { type: string }).type)).toEqual(['metering_unavailable']);
    expect(read.textParts.length).toBeLessThan(99);
    await proxy.restore();
    // Settlement could not reach the store: the reservation is still open.
    const open = (await store.account(userId)).pending[sessionId]!;
    expect(open).toBeDefined();
    // What the client got never passes the allowance the last report granted.
    expect(tokensIn(read.text)).toBeLessThanOrEqual(open.allowanceOut);

    // Once the lease lapses the sweeper resolves it with that allowance; a second sweep changes nothing.
    await vi.waitFor(
      async () => {
        await stack.sweep();
        expect(await store.session(sessionId)).toBeDefined();
      },
      { timeout: 15_000, interval: 250 },
    );
    await stack.sweep();
    const settled = (await store.session(sessionId))!;
    expect(settled).toMatchObject({
      endReason: 'lease_expired',
      tokensOut: open.allowanceOut,
      tokensIn: open.reportedIn,
    });
    const { ledger, account } = await store.expectBalanced(userId);
    expect(ledger.filter((e) => e.type === 'charge')).toHaveLength(1);
    expect(account.pending).toEqual({});
    expect(account.balance).toBe(
      100_000 - costOf(testCatalog.local['local-small'], open.reportedIn, open.allowanceOut),
    );
  });
});
