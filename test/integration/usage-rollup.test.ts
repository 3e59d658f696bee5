// The usage rollup against the real local stack: hours recomputed whole from their settled
// sessions (found through the sparse bySettledHour index), refusals summed from hourly
// shards, active streams sampled from the containers' load gauges, read by the admin API.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalStack } from '../helpers/local-stack.js';
import { admin } from '../helpers/admin-client.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { readDataStream } from '../helpers/protocol-readers.js';
import { testCatalog, type testTier } from '../helpers/store-fixtures.js';
import { useStackFixtures } from '../helpers/test-store.js';
import { loadKey } from '../../functions/shared/keys.js';
import type { HourRollup, LoadSample, UsageTotals } from '../../functions/rollup/rollup-schema.js';
import { lambdaContext } from '../../local/function-url-emulator.js';

const stack = useLocalStack({
  sweepIntervalMs: 0,
  environment: { MODEL_CATALOG: JSON.stringify(testCatalog), TIER_CACHE_MS: '0', SIGNUP_CREDITS: '0' },
});
const store = useStackFixtures(stack);

type Rollups = { hours: HourRollup[]; load: LoadSample[]; topSpenders: Array<UsageTotals & { userId: string }> };
const rollups = async () => {
  const { status, body } = await admin<Rollups>(stack(), '/rollups');
  expect(status).toBe(200);
  return body;
};
/** Sums a figure over every hour of the answer, so a test is not bothered by an hour that turns. */
const sumOver = (body: Rollups, pick: (hour: HourRollup) => number | undefined) =>
  body.hours.reduce((total, hour) => total + (pick(hour) ?? 0), 0);

async function userOn(overrides: Parameters<typeof testTier>[1]) {
  const { userId, tier } = await store().userOnNewTier(overrides, 1_000_000);
  return { userId, tier, token: await stack().token(userId) };
}

async function stream(token: string, model: string, text: string) {
  const response = await postChat(stack(), { token, model, body: legacyBody(text) });
  expect(response.status).toBe(200);
  return readDataStream(response.body!);
}

describe('usage rollup', () => {
  it('adds up an hour by tier, model and user from its settled sessions, each counted once', async () => {
    const alice = await userOn({});
    const bob = await userOn({});
    await stream(alice.token, 'local-small', '10 words');
    await stream(alice.token, 'local-large', '5 words');
    await stream(bob.token, 'local-small', '3 words');
    const sessions = [...(await store().sessions(alice.userId)), ...(await store().sessions(bob.userId))];
    expect(sessions).toHaveLength(3);

    // Projections may be written again (a retried batch, the sweeper after a slow Lambda):
    // the same record, the same key. Recomputing twice must not count anything twice.
    for (const session of sessions) {
      const { Item } = await store().db.send(
        new GetCommand({
          TableName: stack().tables.sessions,
          Key: { sessionId: session.sessionId },
        }),
      );
      expect(Item?.settledHour).toBe(new Date(session.settledAt).toISOString().slice(0, 13));
      await store().db.send(new PutCommand({ TableName: stack().tables.sessions, Item: Item! }));
    }
    await stack().rollup();
    const once = await rollups();
    await stack().rollup();
    const twice = await rollups();
    expect(sumOver(twice, (h) => h.totals.requests)).toBe(sumOver(once, (h) => h.totals.requests));

    const cost = (userId: string) => sessions.filter((s) => s.userId === userId).reduce((t, s) => t + s.charged, 0);
    expect(twice.topSpenders.find((u) => u.userId === alice.userId)).toMatchObject({
      requests: 2,
      cost: cost(alice.userId),
    });
    expect(twice.topSpenders.find((u) => u.userId === bob.userId)).toMatchObject({
      requests: 1,
      cost: cost(bob.userId),
    });
    expect(sumOver(twice, (h) => h.byTier[alice.tier.name]?.requests)).toBe(2);
    expect(sumOver(twice, (h) => h.byTier[bob.tier.name]?.outputTokens)).toBe(6); // three words of two tokens
    const large = sessions.filter((s) => s.model === 'local:local-large');
    expect(sumOver(twice, (h) => h.byModel['local:local-large']?.cost)).toBeGreaterThanOrEqual(large[0]!.charged);
    expect(sumOver(twice, (h) => h.endReasons.completed)).toBeGreaterThanOrEqual(3);
  });

  it('counts refusals by reason over all users from hourly shards', async () => {
    const before = sumOver(await rollups(), (h) => h.rejections.rate_limit_exceeded);
    for (const user of [
      await userOn({ requestsPerHour: 1, burst: 1 }),
      await userOn({ requestsPerHour: 1, burst: 1 }),
    ]) {
      await stream(user.token, 'local-small', '1 words');
      const refused = await postChat(stack(), { token: user.token, body: legacyBody('1 words') });
      expect(refused.status).toBe(429);
      await refused.body?.cancel();
    }
    // A refusal is counted off the refusal's path: wait for the count, not for a time.
    await expect
      .poll(async () => {
        await stack().rollup();
        return sumOver(await rollups(), (h) => h.rejections.rate_limit_exceeded);
      })
      .toBe(before + 2);
  });

  it("samples active streams from the containers' fresh load gauges only", async () => {
    const now = Date.now();
    const gauge = (containerId: string, active: number, at: number) =>
      store().db.send(
        new PutCommand({
          TableName: stack().tables.credits,
          Item: { ...loadKey(containerId), active, capacity: 10, at },
        }),
      );
    const prefix = `c-${randomUUID().slice(0, 6)}`;
    await gauge(`${prefix}-a`, 3, now);
    await gauge(`${prefix}-b`, 1, now - 5_000);
    await gauge(`${prefix}-b`, 2, now); // a container's newer gauge replaces its older one
    await gauge(`${prefix}-gone`, 100, now - 60_000); // a container that stopped writing
    const run = await stack().rollup();
    expect(run.load).toMatchObject({ active: 5, capacity: 20, containers: 2 });
    const { load } = await rollups();
    expect(load.at(-1)).toMatchObject({ active: 5, capacity: 20, containers: 2 });
  });

  it('is brought up to date by the sweeper Lambda after its sweep', async () => {
    const user = await userOn({});
    await stream(user.token, 'local-small', '4 words');
    const { handler } = await import('../../functions/lambda/sweeper-handler.js');
    await handler({}, lambdaContext('sweeper', 60_000, 'sweep-run-1'));
    expect((await rollups()).topSpenders.map((u) => u.userId)).toContain(user.userId);
  });

  it('recomputes past hours on request, and refuses a range it cannot answer', async () => {
    const now = Date.now();
    const recomputed = await admin<{ hours: string[] }>(stack(), '/rollups/recompute', {
      method: 'POST',
      body: { from: now - 3 * 3_600_000, to: now },
    });
    expect(recomputed.status).toBe(200);
    expect(recomputed.body.hours).toHaveLength(4);
    expect((await admin(stack(), `/rollups?from=${now}&to=${now - 1}`)).status).toBe(400);
    expect((await admin(stack(), `/rollups?from=${now - 40 * 86_400_000}&to=${now}`)).status).toBe(400);
    const tooMany = { from: now - 8 * 86_400_000, to: now };
    expect((await admin(stack(), '/rollups/recompute', { method: 'POST', body: tooMany })).status).toBe(400);
  });
});
