// The admin API against the running local stack and a real DynamoDB-compatible server:
// every route's success and error paths.
import { describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { useLocalStack } from '../helpers/local-stack.js';
import { admin } from '../helpers/admin-client.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { readDataStream } from '../helpers/protocol-readers.js';
import { testCatalog } from '../helpers/store-fixtures.js';
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

const uid = (prefix = 'user') => `${prefix}-${randomUUID().slice(0, 8)}`;
const limits = (overrides: Partial<Tier> = {}) => ({
  requestsPerHour: 100,
  burst: 10,
  maxTokensPerRequest: 500,
  concurrentStreams: 2,
  tokensPerMinute: 100_000,
  maxStreamSeconds: 60,
  allowedModels: ['local:*'],
  features: [],
  ...overrides,
});
type ErrorBody = { error: { type: string; message: string; fields?: Record<string, string> } };

async function userWithCredits(credits: number, tierOverrides: Partial<Tier> = {}) {
  const tier = uid('tier');
  expect((await admin(stack(), `/tiers/${tier}`, { method: 'PUT', body: limits(tierOverrides) })).status).toBe(200);
  const userId = uid();
  expect((await admin(stack(), `/users/${userId}/tier`, { method: 'PUT', body: { tier } })).status).toBe(200);
  expect(
    (
      await admin(stack(), `/users/${userId}/credits`, {
        method: 'POST',
        body: { amount: credits, reason: 'test', idempotencyKey: `seed-${userId}` },
      })
    ).status,
  ).toBe(201);
  return { userId, tier, token: await stack().token(userId) };
}

describe('admin API: authentication', () => {
  it("refuses a request without credentials, with a wrong token, and with a chat user's JWT", async () => {
    expect((await admin(stack(), '/tiers', { token: null })).status).toBe(401);
    expect((await admin(stack(), '/tiers', { token: 'x'.repeat(43) })).status).toBe(401);
    const chatToken = await stack().token('alice');
    const refused = await admin<ErrorBody>(stack(), '/tiers', { token: chatToken });
    expect(refused.status).toBe(401);
    expect(refused.body.error.type).toBe('unauthorized');
  });

  it('records who made each change in the audit log', async () => {
    const tier = uid('tier');
    await admin(stack(), `/tiers/${tier}`, { method: 'PUT', body: limits() });
    const log = await admin<Array<{ action: string; target: string; actor: string }>>(stack(), '/audit?limit=20');
    expect(log.body).toContainEqual(
      expect.objectContaining({ action: 'tier.put', target: tier, actor: 'token:admin' }),
    );
  });
});

describe('admin API: tiers', () => {
  it('lists the seeded default tiers', async () => {
    const { status, body } = await admin<Tier[]>(stack(), '/tiers');
    expect(status).toBe(200);
    expect(body.map((t) => t.name)).toEqual(expect.arrayContaining(['free', 'pro', 'enterprise']));
    expect(body.find((t) => t.name === 'free')).toMatchObject({
      requestsPerHour: 10,
      maxTokensPerRequest: 1000,
      concurrentStreams: 1,
    });
  });

  it('creates, reads and replaces a tier', async () => {
    const name = uid('tier');
    const created = await admin<Tier>(stack(), `/tiers/${name}`, { method: 'PUT', body: limits() });
    expect(created).toMatchObject({ status: 200, body: { name, burst: 10, maxSteps: 5 } });
    await admin(stack(), `/tiers/${name}`, { method: 'PUT', body: limits({ burst: 20 }) });
    expect((await admin<Tier>(stack(), `/tiers/${name}`)).body.burst).toBe(20);
  });

  it('rejects invalid limits with field-level messages', async () => {
    const bad = await admin<ErrorBody>(stack(), `/tiers/${uid('tier')}`, {
      method: 'PUT',
      body: { ...limits(), burst: -1, features: ['teleport'] },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields!)).toEqual(expect.arrayContaining(['body.burst', 'body.features.0']));
    const unknownModel = await admin<ErrorBody>(stack(), `/tiers/${uid('tier')}`, {
      method: 'PUT',
      body: limits({ allowedModels: ['openai:gpt-9'] }),
    });
    expect(unknownModel.status).toBe(400);
    expect(unknownModel.body.error.fields).toHaveProperty('allowedModels.0');
    expect((await admin(stack(), '/tiers/Bad Name!', { method: 'PUT', body: limits() })).status).toBe(400);
    expect(
      (await admin(stack(), `/tiers/${uid('tier')}`, { method: 'PUT', body: limits({ burst: 500 }) })).status,
    ).toBe(400);
  });

  it('answers 404 for an unknown tier and refuses to delete a tier in use', async () => {
    expect((await admin(stack(), '/tiers/no-such-tier')).status).toBe(404);
    expect((await admin(stack(), '/tiers/no-such-tier', { method: 'DELETE' })).status).toBe(404);
    const { tier } = await userWithCredits(10);
    const inUse = await admin<ErrorBody>(stack(), `/tiers/${tier}`, { method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.type).toBe('tier_in_use');
    const unused = uid('tier');
    await admin(stack(), `/tiers/${unused}`, { method: 'PUT', body: limits() });
    expect((await admin(stack(), `/tiers/${unused}`, { method: 'DELETE' })).status).toBe(204);
    expect((await admin(stack(), `/tiers/${unused}`)).status).toBe(404);
  });
});

describe('admin API: users and credits', () => {
  it('answers 404 for an unknown user and 400 for an unknown tier assignment', async () => {
    expect((await admin(stack(), `/users/${uid()}`)).status).toBe(404);
    const bad = await admin<ErrorBody>(stack(), `/users/${uid()}/tier`, {
      method: 'PUT',
      body: { tier: 'no-such-tier' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ tier: 'unknown tier' });
  });

  it('shows an account with its limits, reservations and usage', async () => {
    const { userId, token } = await userWithCredits(100_000);
    const read = await readDataStream((await postChat(stack(), { token, body: legacyBody('5 words') })).body!);
    expect(read.text).toBe('w1 w2 w3 w4 w5');
    const { status, body } = await admin<Record<string, unknown>>(stack(), `/users/${userId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      userId,
      balance: expect.any(Number),
      available: expect.any(Number),
      reserved: 0,
      openReservations: [],
      bucket: { limit: 10, remaining: 9 },
      leases: { held: 0, max: 2 },
      usage: { lastHour: { requests: 1, outputTokens: 10 }, lastDay: { requests: 1 } }, // two tokens a word
    });
  });

  it('applies a grant once however often its idempotency key is retried, also 20 at once', async () => {
    const { userId } = await userWithCredits(1_000);
    const grant = { amount: 250, reason: 'bonus', idempotencyKey: `bonus-${userId}` };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        admin<{ outcome: string }>(stack(), `/users/${userId}/credits`, { method: 'POST', body: grant }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200 && r.body.outcome === 'replayed')).toHaveLength(19);
    const account = await admin<{ balance: number }>(stack(), `/users/${userId}`);
    expect(account.body.balance).toBe(1_250);
    const ledger = await admin<{ items: Array<{ idempotencyKey?: string }> }>(stack(), `/users/${userId}/ledger`);
    expect(ledger.body.items.filter((e) => e.idempotencyKey === grant.idempotencyKey)).toHaveLength(1);
  });

  it('refuses a reused key with another amount, and a debit beyond the available balance', async () => {
    const { userId } = await userWithCredits(100);
    const conflict = await admin<ErrorBody>(stack(), `/users/${userId}/credits`, {
      method: 'POST',
      body: { amount: 999, reason: 'x', idempotencyKey: `seed-${userId}` },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.type).toBe('idempotency_conflict');
    const debit = await admin<ErrorBody>(stack(), `/users/${userId}/credits`, {
      method: 'POST',
      body: { amount: -101, reason: 'refund', idempotencyKey: `debit-${userId}` },
    });
    expect(debit.status).toBe(409);
    expect(debit.body.error.type).toBe('insufficient_credits');
    const ok = await admin<{ balance: number }>(stack(), `/users/${userId}/credits`, {
      method: 'POST',
      body: { amount: -60, reason: 'refund', idempotencyKey: `debit2-${userId}` },
    });
    expect(ok).toMatchObject({ status: 201, body: { balance: 40 } });
  });

  it('rejects bad credit payloads with field-level messages', async () => {
    const bad = await admin<ErrorBody>(stack(), `/users/${uid()}/credits`, {
      method: 'POST',
      body: { amount: 0, reason: '', idempotencyKey: 'short' },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields!).sort()).toEqual(['body.amount', 'body.idempotencyKey', 'body.reason']);
    const notJson = await fetch(`${stack().adminUrl}/users/x/credits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack().adminToken}`, 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
  });

  it('pages through the ledger newest first', async () => {
    const { userId } = await userWithCredits(10);
    for (let i = 0; i < 4; i++)
      await admin(stack(), `/users/${userId}/credits`, {
        method: 'POST',
        body: { amount: i + 1, reason: `g${i}`, idempotencyKey: `page-${i}-${userId}` },
      });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin<{ items: Array<{ reason: string }>; nextCursor?: string }>(
        stack(),
        `/users/${userId}/ledger?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((e) => e.reason));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['g3', 'g2', 'g1', 'g0', 'test']);
  });
});

describe('admin API: sessions and usage', () => {
  it('terminates a live stream: it ends with session_terminated and is settled normally', async () => {
    const { userId, token } = await userWithCredits(100_000);
    const reading = readDataStream(
      (await postChat(stack(), { token, body: legacyBody('99 words at 20 tokens per second') })).body!,
    );
    const [live] = await vi.waitFor(async () => {
      const sessions = await admin<Array<{ sessionId: string; status: string }>>(stack(), `/users/${userId}/sessions`);
      expect(sessions.body[0]?.status).toBe('active');
      return sessions.body;
    });
    const kill = await admin(stack(), `/users/${userId}/sessions/${live!.sessionId}`, { method: 'DELETE' });
    expect(kill).toEqual({ status: 202, body: { sessionId: live!.sessionId, status: 'terminating' } });
    const read = await reading;
    expect(read.errors.map((e) => (JSON.parse(e) as { type: string }).type)).toEqual(['session_terminated']);
    const settled = await admin<{ status: string; endReason: string; killedBy: string; charged: number }>(
      stack(),
      `/sessions/${live!.sessionId}`,
    );
    expect(settled.body).toMatchObject({ endReason: 'session_terminated', killedBy: 'token:admin' });
    const again = await admin<ErrorBody>(stack(), `/users/${userId}/sessions/${live!.sessionId}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    const ledger = await admin<{ items: Array<{ type: string; amount: number }> }>(stack(), `/users/${userId}/ledger`);
    expect(ledger.body.items.filter((e) => e.type === 'charge')).toEqual([
      expect.objectContaining({ amount: -settled.body.charged }),
    ]);
  });

  it("lists a user's sessions active first", async () => {
    const { userId, token } = await userWithCredits(100_000);
    await (await postChat(stack(), { token, body: legacyBody('1 words') })).text();
    const reading = readDataStream(
      (await postChat(stack(), { token, body: legacyBody('60 words at 30 tokens per second') })).body!,
    );
    const sessions = await vi.waitFor(async () => {
      const list = await admin<Array<{ status: string }>>(stack(), `/users/${userId}/sessions`);
      expect(list.body.map((s) => s.status)).toEqual(['active', 'settled']);
      return list.body;
    });
    expect(sessions).toHaveLength(2);
    await reading;
  });

  it('answers 404 for an unknown session and 400 for a malformed id', async () => {
    expect((await admin(stack(), `/sessions/${randomUUID()}`)).status).toBe(404);
    expect((await admin(stack(), `/users/u-1/sessions/${randomUUID()}`, { method: 'DELETE' })).status).toBe(404);
    expect((await admin(stack(), '/sessions/not-a-uuid')).status).toBe(400);
  });

  it('reports usage per user and per model, with refusals by reason', async () => {
    const { userId, token } = await userWithCredits(100_000, { requestsPerHour: 2, burst: 2 });
    for (let i = 0; i < 3; i++) await (await postChat(stack(), { token, body: legacyBody('4 words') })).text();
    const report = await vi.waitFor(async () => {
      const r = await admin<{
        users: Array<{
          userId: string;
          requests: number;
          outputTokens: number;
          rejections: Record<string, number>;
          models: Array<{ model: string }>;
        }>;
      }>(stack(), `/usage?userId=${userId}`);
      expect(r.body.users[0]?.rejections).toEqual({ rate_limit_exceeded: 1 });
      return r.body;
    });
    expect(report.users[0]).toMatchObject({
      userId,
      requests: 2,
      outputTokens: 16,
      models: [expect.objectContaining({ model: 'local:local-small', requests: 2 })],
    });
    const all = await admin<{ models: Array<{ model: string; requests: number }> }>(
      stack(),
      `/usage?from=${new Date(Date.now() - 3_600_000).toISOString()}`,
    );
    expect(all.status).toBe(200);
    expect(all.body.models.find((m) => m.model === 'local:local-small')!.requests).toBeGreaterThanOrEqual(2);
    expect((await admin(stack(), '/usage?from=10&to=5')).status).toBe(400);
    expect((await admin(stack(), '/usage?from=yesterday')).status).toBe(400);
  });
});

describe('admin API: OpenAPI', () => {
  it('publishes a valid OpenAPI 3.1 document covering every route', async () => {
    const response = await fetch(`${stack().adminUrl}/openapi.json`);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(document.paths).sort()).toEqual([
      '/admin/audit',
      '/admin/experiments',
      '/admin/experiments/{id}',
      '/admin/experiments/{id}/report',
      '/admin/experiments/{id}/stop',
      '/admin/models',
      '/admin/models/{provider}/{model}',
      '/admin/rollups',
      '/admin/rollups/recompute',
      '/admin/sessions/{id}',
      '/admin/tiers',
      '/admin/tiers/{name}',
      '/admin/usage',
      '/admin/users/{id}',
      '/admin/users/{id}/abuse/reset',
      '/admin/users/{id}/credits',
      '/admin/users/{id}/ledger',
      '/admin/users/{id}/sessions',
      '/admin/users/{id}/sessions/{sessionId}',
      '/admin/users/{id}/tier',
    ]);
  });
});
