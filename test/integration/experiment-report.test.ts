// A limit experiment end to end on the local stack: users sent through the real handler in
// known variants, tier changes made through the admin API, and the report's counts per
// variant checked against what was sent and what the ledger charged.
import { describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useLocalStack } from '../helpers/local-stack.js';
import { admin } from '../helpers/admin-client.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { readDataStream } from '../helpers/protocol-readers.js';
import { testCatalog } from '../helpers/store-fixtures.js';
import { usersIn } from '../helpers/experiment-fixtures.js';
import type { VariantReport } from '../../admin/experiment-report.js';

const stack = useLocalStack({
  sweepIntervalMs: 0,
  environment: { MODEL_CATALOG: JSON.stringify(testCatalog), TIER_CACHE_MS: '0', SIGNUP_CREDITS: '0' },
});

type Report = { experiment: { status: string }; variants: VariantReport[] };

const tierLimits = {
  requestsPerHour: 100,
  burst: 10,
  maxTokensPerRequest: 500,
  concurrentStreams: 2,
  tokensPerMinute: 100_000,
  maxStreamSeconds: 60,
  allowedModels: ['local:*'],
};

async function newUser(userId: string, tier: string): Promise<string> {
  expect((await admin(stack(), `/users/${userId}/tier`, { method: 'PUT', body: { tier } })).status).toBe(200);
  const grant = { amount: 1_000_000, reason: 'test', idempotencyKey: `seed-${userId}` };
  expect((await admin(stack(), `/users/${userId}/credits`, { method: 'POST', body: grant })).status).toBe(201);
  return stack().token(userId);
}

/** Sends one chat request; answers its status (a stream is read to its end). */
async function send(token: string, model = 'local-small'): Promise<number> {
  const response = await postChat(stack(), { token, model, body: legacyBody('4 words') });
  if (response.status === 200) expect((await readDataStream(response.body!)).text).toBe('w1 w2 w3 w4');
  else await response.body?.cancel();
  return response.status;
}

/** What the ledger charged and the session records hold for a set of users. */
async function spent(users: string[]) {
  let cost = 0;
  let inputTokens = 0;
  for (const userId of users) {
    const ledger = await admin<{ items: Array<{ type: string; amount: number }> }>(stack(), `/users/${userId}/ledger`);
    cost += ledger.body.items.filter((e) => e.type === 'charge').reduce((sum, e) => sum - e.amount, 0);
    const sessions = await admin<Array<{ tokensIn: number }>>(stack(), `/users/${userId}/sessions`);
    inputTokens += sessions.body.reduce((sum, s) => sum + s.tokensIn, 0);
  }
  return { cost, inputTokens };
}

const report = async (id: string) => (await admin<Report>(stack(), `/experiments/${id}/report`)).body;
const variant = (r: Report, name: string) => r.variants.find((v) => v.name === name)!;

describe('an experiment report', () => {
  it('counts per variant what was sent: users, requests admitted and refused by reason, tokens, cost, upgrades', async () => {
    const tier = `t-${randomUUID().slice(0, 8)}`;
    expect((await admin(stack(), `/tiers/${tier}`, { method: 'PUT', body: tierLimits })).status).toBe(200);
    const id = `exp-${randomUUID().slice(0, 8)}`;
    const definition = {
      id,
      tier,
      variants: [
        { name: 'control', share: 0.5 },
        { name: 'tight', share: 0.5, limits: { requestsPerHour: 2, burst: 2, allowedModels: ['local:local-small'] } },
      ],
    };
    expect((await admin(stack(), '/experiments', { method: 'POST', body: definition })).status).toBe(201);

    const salted = { salt: id, variants: definition.variants };
    const [c1, c2] = usersIn(salted, 'control', 2);
    const [t1, t2, t3] = usersIn(salted, 'tight', 3);
    const tokens = Object.fromEntries(
      await Promise.all([c1!, c2!, t1!, t2!, t3!].map(async (u) => [u, await newUser(u, tier)] as const)),
    );

    // control: 4 admitted. tight: t1 has a burst of 2 (the tier's is 10), t2 asks for a model
    // the variant leaves out and is only refused, t3 never sends anything.
    for (const user of [c1!, c1!, c2!, c2!]) expect(await send(tokens[user]!)).toBe(200);
    expect([await send(tokens[t1!]!), await send(tokens[t1!]!), await send(tokens[t1!]!)]).toEqual([200, 200, 429]);
    expect(await send(tokens[t2!]!, 'local-large')).toBe(403);

    // Upgrades: c2 and t3 move to pro; c1 is put on the tier it already has (not a change).
    for (const [user, to] of [
      [c2!, 'pro'],
      [t3!, 'pro'],
      [c1!, tier],
    ] as const) {
      expect((await admin(stack(), `/users/${user}/tier`, { method: 'PUT', body: { tier: to } })).status).toBe(200);
    }

    // Sessions are projected after their stream settles, refusals counted off the request's path.
    const final = await vi.waitFor(
      async () => {
        const r = await report(id);
        expect([variant(r, 'control').requests, variant(r, 'tight').requests, variant(r, 'tight').refused]).toEqual([
          4, 2, 2,
        ]);
        return r;
      },
      { timeout: 10_000 },
    );
    const [control, tight] = [await spent([c1!, c2!]), await spent([t1!, t2!, t3!])];
    expect(variant(final, 'control')).toEqual({
      name: 'control',
      share: 0.5,
      limits: {},
      users: 2,
      requests: 4,
      inputTokens: control.inputTokens,
      outputTokens: 4 * 8, // two tokens a word
      cost: control.cost,
      refused: 0,
      rejections: {},
      upgrades: 1,
      upgradesTo: { pro: 1 },
    });
    expect(variant(final, 'tight')).toEqual({
      name: 'tight',
      share: 0.5,
      limits: definition.variants[1]!.limits,
      users: 2,
      requests: 2,
      inputTokens: tight.inputTokens,
      outputTokens: 2 * 8,
      cost: tight.cost,
      refused: 2,
      rejections: { rate_limit_exceeded: 1, model_not_allowed: 1 },
      upgrades: 1,
      upgradesTo: { pro: 1 },
    });
    expect(control.cost).toBeGreaterThan(0);
    expect(tight.cost).toBeGreaterThan(0);
  });

  it("is kept when the experiment stops, and nothing after the stop is counted: users get the tier's limits", async () => {
    const tier = `t-${randomUUID().slice(0, 8)}`;
    expect((await admin(stack(), `/tiers/${tier}`, { method: 'PUT', body: tierLimits })).status).toBe(200);
    const id = `exp-${randomUUID().slice(0, 8)}`;
    const variants = [
      { name: 'control', share: 0.5 },
      { name: 'single', share: 0.5, limits: { requestsPerHour: 1, burst: 1 } },
    ];
    expect((await admin(stack(), '/experiments', { method: 'POST', body: { id, tier, variants } })).status).toBe(201);
    const [early, late] = usersIn({ salt: id, variants }, 'single', 2);
    const earlyToken = await newUser(early!, tier);
    expect([await send(earlyToken), await send(earlyToken)]).toEqual([200, 429]);
    const before = await vi.waitFor(async () => {
      const r = await report(id);
      expect([variant(r, 'single').requests, variant(r, 'single').refused]).toEqual([1, 1]);
      return r;
    });

    const stopped = await admin<{ status: string; stoppedAt: number }>(stack(), `/experiments/${id}/stop`, {
      method: 'POST',
    });
    expect(stopped.body).toMatchObject({ status: 'stopped', stoppedAt: expect.any(Number) });

    // A user the experiment would put in `single` now gets the tier's burst of 10.
    const lateToken = await newUser(late!, tier);
    expect([await send(lateToken), await send(lateToken), await send(lateToken)]).toEqual([200, 200, 200]);
    await vi.waitFor(async () => {
      const sessions = await admin<Array<{ status: string }>>(stack(), `/users/${late}/sessions`);
      expect(sessions.body.filter((s) => s.status === 'settled')).toHaveLength(3);
    });
    expect((await admin(stack(), `/users/${early}/tier`, { method: 'PUT', body: { tier: 'pro' } })).status).toBe(200);

    const after = await report(id);
    expect(after.experiment.status).toBe('stopped');
    expect(after.variants).toEqual(before.variants);
    expect(variant(after, 'single')).toMatchObject({ users: 1, requests: 1, refused: 1, upgrades: 0 });
  });
}, 60_000);
