// The DynamoDB store on a real server: each money movement is one conditional write that
// applies once however it is retried, crashed around or duplicated; projections survive
// partial batches; the sweeper finishes what a dead Lambda left, from account state
// alone. Runs against the embedded store, or against any DynamoDB-compatible endpoint
// given as DYNAMODB_ENDPOINT (e.g. AWS's DynamoDB Local) to catch where the two differ.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DynamoThrottleStore } from '../../functions/throttle/dynamo/dynamo-throttle-store.js';
import { decideAdmission, type Admit } from '../../functions/throttle/admission.js';
import { resolutionOf, settlementAmounts } from '../../functions/throttle/settlement.js';
import { sweep } from '../../functions/throttle/sweeper.js';
import { leaseGraceMs } from '../../functions/throttle/lease.js';
import { testCatalog, testTier } from '../helpers/store-fixtures.js';
import { costOf } from '../../functions/throttle/pricing.js';
import { injectFaults, type FaultInjector } from '../helpers/dynamo-faults.js';
import { useTestStore } from '../helpers/test-store.js';

const local = useTestStore();
let store: DynamoThrottleStore;
let faults: FaultInjector;
beforeAll(() => {
  faults = injectFaults(local.db);
  store = new DynamoThrottleStore(local.db, local.tables);
});
beforeEach(() => faults.clear());

const price = testCatalog.local['local-small'];

/** Admits one stream for a fresh user through the real decision and store write. */
async function admitted(credits = 10_000, now = Date.now()) {
  const tier = await local.fixtures.putTier(testTier(`t-${randomUUID().slice(0, 8)}`, { maxTokensPerRequest: 100 }));
  const userId = `u-${randomUUID().slice(0, 8)}`;
  await local.fixtures.createAccount(userId, tier.name, credits);
  const account = (await store.getAccount(userId))!;
  const decision = decideAdmission(
    account,
    tier,
    {
      sessionId: randomUUID(),
      model: { provider: 'local', modelId: 'local-small' },
      inputTokens: 10,
      features: [],
      toolsRequested: false,
    },
    testCatalog,
    now,
  ) as Admit;
  expect(decision.admitted).toBe(true);
  expect((await store.admit(decision.write)).admitted).toBe(true);
  return { userId, sessionId: decision.write.sessionId, pending: decision.write.pending, write: decision.write };
}

const settlement = (a: Awaited<ReturnType<typeof admitted>>, outputTokens: number, now = Date.now()) =>
  resolutionOf({
    userId: a.userId,
    sessionId: a.sessionId,
    pending: a.pending,
    amounts: settlementAmounts({ inputTokens: 10, outputTokens }, a.pending, price),
    usageSource: 'provider',
    endReason: 'completed',
    now,
  });

const charges = async (userId: string) => (await local.fixtures.ledger(userId)).filter((e) => e.type === 'charge');

describe('DynamoDB store: admission write', () => {
  it('reserves once when the same write arrives twice, and answers admitted both times', async () => {
    const a = await admitted();
    expect((await store.admit(a.write)).admitted).toBe(true); // a retry of a write whose answer was lost
    const account = await local.fixtures.account(a.userId);
    expect(Object.keys(account.pending)).toEqual([a.sessionId]);
    expect(account.available).toBe(10_000 - a.write.reserve);
  });

  it('refuses a write whose rules no longer hold and answers the account as it is now', async () => {
    const a = await admitted();
    const stale = { ...a.write, sessionId: randomUUID() }; // still assumes a full bucket
    const result = await store.admit(stale);
    expect(result.admitted).toBe(false);
    expect(Object.keys(result.account!.pending)).toEqual([a.sessionId]);
  });

  it('a lost answer retried by the caller admits once (no orphan reservation, no refusal)', async () => {
    const { userId, tier } = await local.fixtures.userOnNewTier({ burst: 1 });
    const decision = decideAdmission(
      (await store.getAccount(userId))!,
      tier,
      {
        sessionId: randomUUID(),
        model: { provider: 'local', modelId: 'local-small' },
        inputTokens: 10,
        features: [],
        toolsRequested: false,
      },
      testCatalog,
      Date.now(),
    ) as Admit;
    faults.inject('lose-response', 'UpdateItemCommand');
    await expect(store.admit(decision.write)).rejects.toThrow(/lost/);
    expect((await store.admit(decision.write)).admitted).toBe(true);
    expect(Object.keys((await local.fixtures.account(userId)).pending)).toEqual([decision.write.sessionId]);
  });
});

describe('DynamoDB store: exactly-once resolution', () => {
  it('resolves once under concurrent retries: one charge, one ledger entry', async () => {
    const a = await admitted();
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => store.resolve(settlement(a, 20 + i))));
    expect(outcomes.filter((o) => o.outcome === 'resolved')).toHaveLength(1);
    const winner = outcomes.findIndex((o) => o.outcome === 'resolved');
    await store.project(a.userId, [settlement(a, 20 + winner).movement]);
    const { ledger, account } = await local.fixtures.expectBalanced(a.userId);
    expect(ledger.filter((e) => e.type === 'charge')).toHaveLength(1);
    expect(account.balance).toBe(10_000 - costOf(price, 10, 20 + winner));
    expect(account.pending).toEqual({});
  });

  it('a resolution whose answer was lost is not applied again on retry', async () => {
    const a = await admitted();
    faults.inject('lose-response', 'UpdateItemCommand');
    await expect(store.resolve(settlement(a, 30))).rejects.toThrow(/lost/);
    expect((await store.resolve(settlement(a, 30))).outcome).toBe('already_resolved');
    await store.project(a.userId, [settlement(a, 30).movement]);
    const { account } = await local.fixtures.expectBalanced(a.userId);
    expect(account.balance).toBe(10_000 - costOf(price, 10, 30));
  });

  it('returns unused minute tokens to the window the grant came from', async () => {
    const a = await admitted();
    const before = await local.fixtures.account(a.userId);
    expect(before.tpmTokens).toBe(a.pending.tokenGrant);
    await store.resolve(settlement(a, 5));
    expect((await local.fixtures.account(a.userId)).tpmTokens).toBe(10 + 5);
  });

  it('a partial batch still projects every item: UnprocessedItems are sent again', async () => {
    const a = await admitted();
    const resolution = settlement(a, 7);
    await store.resolve(resolution);
    faults.inject('unprocessed', 'BatchWriteItemCommand');
    await store.project(a.userId, [resolution.movement]);
    expect(faults.sent.get('BatchWriteItemCommand')).toBe(2);
    expect(await charges(a.userId)).toHaveLength(1);
    expect(await local.fixtures.session(a.sessionId)).toMatchObject({ tokensOut: 7, charged: costOf(price, 10, 7) });
    await local.fixtures.expectBalanced(a.userId);
  });
});

describe('sweeper: what dead Lambdas leave', () => {
  it('projects a committed settlement whose Lambda died before projecting it', async () => {
    const a = await admitted();
    faults.inject('crash-after', 'UpdateItemCommand');
    await expect(store.resolve(settlement(a, 12))).rejects.toThrow(/crashed after/);
    faults.revive(); // the sweeper is another Lambda
    expect(await charges(a.userId)).toHaveLength(0); // balance != ledger until the sweeper projects
    const result = await sweep(store, testCatalog, Date.now() + 60_000);
    expect(result.projected).toBeGreaterThanOrEqual(1);
    const { account } = await local.fixtures.expectBalanced(a.userId);
    expect(account.outbox).toEqual({});
    expect(account.sweepAt).toBeUndefined();
    expect(await local.fixtures.session(a.sessionId)).toMatchObject({ tokensOut: 12, endReason: 'completed' });
  });

  it('resolves a reservation whose stream never reported, charging its prompt and first allowance', async () => {
    const a = await admitted();
    // The Lambda died right after admission: no session record, no report, no settlement.
    expect((await sweep(store, testCatalog, Date.now())).resolved).toBe(0); // lease still valid
    await sweep(store, testCatalog, a.pending.leaseUntil + leaseGraceMs + 1);
    const { account } = await local.fixtures.expectBalanced(a.userId);
    expect(account.pending).toEqual({});
    expect(account.balance).toBe(10_000 - costOf(price, 10, a.pending.allowanceOut));
    expect(await local.fixtures.session(a.sessionId)).toMatchObject({
      endReason: 'lease_expired',
      usageSource: 'reported',
      tokensOut: a.pending.allowanceOut,
    });
  });

  it('charges a dead stream what it last reported it might send, never more than the reservation', async () => {
    const a = await admitted();
    const now = Date.now();
    const leaseUntil = a.pending.leaseUntil + 1_000;
    await store.report(a.userId, a.sessionId, { leaseUntil, reportedIn: 10, reportedOut: 40, allowanceOut: 60, now });
    await sweep(store, testCatalog, leaseUntil + leaseGraceMs + 1);
    const { account } = await local.fixtures.expectBalanced(a.userId);
    expect(account.balance).toBe(10_000 - Math.min(costOf(price, 10, 60), a.pending.reserved));
  });

  it('does not take a reservation whose lease is being renewed (a late report wins)', async () => {
    const a = await admitted();
    const now = Date.now();
    await store.report(a.userId, a.sessionId, {
      leaseUntil: now + 120_000,
      reportedIn: 10,
      reportedOut: 1,
      allowanceOut: 20,
      now,
    });
    await sweep(store, testCatalog, a.pending.leaseUntil + leaseGraceMs + 1);
    expect(Object.keys((await local.fixtures.account(a.userId)).pending)).toEqual([a.sessionId]);
    expect((await store.resolve(settlement(a, 3))).outcome).toBe('resolved');
  });

  it('a late settlement after the sweeper resolved the reservation changes nothing', async () => {
    const a = await admitted();
    await sweep(store, testCatalog, a.pending.leaseUntil + leaseGraceMs + 1);
    const swept = await local.fixtures.account(a.userId);
    expect((await store.resolve(settlement(a, 99))).outcome).toBe('already_resolved');
    expect((await local.fixtures.account(a.userId)).balance).toBe(swept.balance);
    expect(await charges(a.userId)).toHaveLength(1);
  });
});

describe('DynamoDB store: grants and sign-up', () => {
  it('applies a grant once however often its key is retried, also 20 at once', async () => {
    const { userId } = await local.fixtures.userOnNewTier({}, 0);
    const grant = { amount: 500, key: 'grant-key-1', reason: 'test', actor: 'test', forget: [] };
    const results = await Promise.all(Array.from({ length: 20 }, () => store.grant(userId, grant, Date.now())));
    expect(results.filter((r) => r.outcome === 'applied')).toHaveLength(1);
    const applied = results.find((r) => r.outcome === 'applied')!;
    if (applied.outcome === 'applied') await store.project(userId, [applied.movement]);
    const { account } = await local.fixtures.expectBalanced(userId);
    expect(account.balance).toBe(500);
  });

  it('a grant whose Lambda died before projecting reaches the ledger through the sweeper', async () => {
    const { userId } = await local.fixtures.userOnNewTier({}, 0);
    faults.inject('crash-after', 'UpdateItemCommand');
    await expect(
      store.grant(userId, { amount: 300, key: 'grant-key-2', reason: 'test', actor: 'test', forget: [] }, Date.now()),
    ).rejects.toThrow(/crashed after/);
    faults.revive(); // the sweeper is another Lambda
    await sweep(store, testCatalog, Date.now() + 60_000);
    const { account } = await local.fixtures.expectBalanced(userId);
    expect(account.balance).toBe(300);
  });

  it('sign-up credit is part of creating the account: racing creators credit it once', async () => {
    const userId = `u-${randomUUID().slice(0, 8)}`;
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store.createAccount(userId, 'free', i % 2 ? 1_000 : 1_000, Date.now())),
    );
    expect(created.filter((c) => c.created)).toHaveLength(1);
    await store.project(userId, Object.values(created.find((c) => c.created)!.account.outbox));
    const { account, ledger } = await local.fixtures.expectBalanced(userId);
    expect(account.balance).toBe(1_000);
    expect(ledger).toHaveLength(1);
  });
});
