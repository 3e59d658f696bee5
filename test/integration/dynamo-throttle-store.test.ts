// The DynamoDB store on a real server: exactly-once settlement under retries and
// crashes between its steps, and the sweeper for dead Lambdas. Runs against the embedded
// store, or against any DynamoDB-compatible endpoint given as DYNAMODB_ENDPOINT (e.g.
// AWS's DynamoDB Local) to catch where the two differ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  startEmbeddedDynamo,
  createTables,
  localAwsCredentials,
  type EmbeddedDynamo,
} from '../../local/embedded-dynamodb.js';
import { createDocumentClient } from '../../functions/throttle/dynamo/dynamo-client.js';
import { DynamoThrottleStore } from '../../functions/throttle/dynamo/dynamo-throttle-store.js';
import { decideAdmission, type Admit } from '../../functions/throttle/admission.js';
import { settlementAmounts } from '../../functions/throttle/settlement.js';
import { releaseExpiredReservations, sweepExpiredSessions } from '../../functions/throttle/sweeper.js';
import type { SessionOpening } from '../../functions/throttle/session-record.js';
import { StoreFixtures, testCatalog, testTier } from '../helpers/store-fixtures.js';
import { costOf } from '../../functions/throttle/pricing.js';

const suffix = randomUUID().slice(0, 8);
const tables = { tiers: `tiers-${suffix}`, credits: `credits-${suffix}`, sessions: `sessions-${suffix}` };
let embedded: EmbeddedDynamo | undefined;
let endpoint: string;
let fixtures: StoreFixtures;
let store: DynamoThrottleStore;
/** Commands to fail once, to simulate a Lambda dying between settlement steps. */
const crashOnce = new Set<string>();

beforeAll(async () => {
  embedded = process.env.DYNAMODB_ENDPOINT ? undefined : await startEmbeddedDynamo();
  endpoint = process.env.DYNAMODB_ENDPOINT ?? embedded!.endpoint;
  await createTables(endpoint, tables);
  fixtures = new StoreFixtures(endpoint, tables);
  const db = createDocumentClient({ region: 'us-east-1', endpoint, credentials: localAwsCredentials });
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: object };
      const key = `${context.commandName}:${input.TableName ?? Object.keys(input.RequestItems ?? {}).join('+')}`;
      if (crashOnce.delete(key)) throw new Error(`simulated crash before ${key}`);
      return next(args);
    },
    { step: 'initialize', name: 'crashInjection' },
  );
  store = new DynamoThrottleStore(db, tables);
});
afterAll(async () => {
  fixtures?.close();
  await embedded?.close();
});

const price = testCatalog.local['local-small'];

/** Admits one stream for a fresh user through the real decision and store write. */
async function admitted(credits = 10_000, now = Date.now()) {
  const tier = await fixtures.putTier(testTier(`t-${randomUUID().slice(0, 8)}`, { maxTokensPerRequest: 100 }));
  const userId = `u-${randomUUID().slice(0, 8)}`;
  await fixtures.createAccount(userId, tier.name, credits);
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
  expect(await store.admit(decision.write)).toBeDefined();
  const opening: SessionOpening = {
    sessionId: decision.write.sessionId,
    userId,
    tier: tier.name,
    model: 'local:local-small',
    requestedModel: 'local:local-small',
    startedAt: now,
    leaseUntil: now + 300,
    reserved: decision.write.reserve,
    tokenGrant: decision.write.window.grant,
    window: decision.write.window.window,
    tokensIn: 10,
  };
  return { userId, decision, opening };
}

const settleRequest = (opening: SessionOpening, outputTokens: number, now = Date.now()) => ({
  session: opening,
  amounts: settlementAmounts({ inputTokens: 10, outputTokens }, opening.reserved, opening.tokenGrant, price),
  usageSource: 'provider' as const,
  endReason: 'completed' as const,
  now,
});

describe('DynamoDB store: admission write', () => {
  it('applies a decision once: the same session cannot be admitted twice', async () => {
    const { decision } = await admitted();
    expect(await store.admit(decision.write)).toBeUndefined();
  });

  it('refuses a write whose rules no longer hold (a stale idle bucket)', async () => {
    const { userId, decision } = await admitted();
    const stale = { ...decision.write, sessionId: randomUUID() }; // still assumes a full bucket
    expect(await store.admit(stale)).toBeUndefined();
    expect(Object.keys((await store.getAccount(userId))!.pending)).toHaveLength(1);
  });
});

describe('DynamoDB store: exactly-once settlement', () => {
  it('settles once under concurrent retries: one charge, one ledger entry', async () => {
    const { userId, opening } = await admitted();
    await store.openSession(opening);
    // Racing settlers either decide or resume the decided settlement; the posting applies once.
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.settle(settleRequest(opening, 20 + i))));
    const decided = (await fixtures.session(opening.sessionId))!;
    expect(decided.status).toBe('settled');
    const again = await store.settle(settleRequest(opening, 20));
    expect(again).toBe('already_settled');
    const { ledger, account } = await fixtures.expectBalanced(userId);
    expect(ledger.filter((e) => e.type === 'charge')).toHaveLength(1);
    expect(account.balance).toBe(10_000 - costOf(price, 10, decided.tokensOut));
    expect(ledger.find((e) => e.type === 'charge')?.amount).toBe(-costOf(price, 10, decided.tokensOut));
  });

  it.each([
    ['after deciding, before posting', 'UpdateItemCommand:credits'],
    ['after posting, before recording', 'BatchWriteItemCommand:credits+sessions'],
  ])('resumes a settlement that crashed %s, without charging twice', async (_when, step) => {
    const { userId, opening } = await admitted();
    await store.openSession(opening);
    crashOnce.add(step.replace('credits', tables.credits).replace('sessions', tables.sessions));
    await expect(store.settle(settleRequest(opening, 30))).rejects.toThrow(/simulated crash/);
    expect((await fixtures.session(opening.sessionId))?.status).toBe('settling');
    // The sweeper finds the half-settled session once its lease has run out, and finishes it with the decided numbers.
    const later = Date.now() + 60_000;
    await sweepExpiredSessions(store, testCatalog, later, 1_000);
    expect(await fixtures.session(opening.sessionId)).toMatchObject({
      status: 'settled',
      tokensOut: 30,
      endReason: 'completed',
    });
    const { ledger, account } = await fixtures.expectBalanced(userId);
    expect(ledger.filter((e) => e.type === 'charge')).toHaveLength(1);
    expect(account.balance).toBe(10_000 - costOf(price, 10, 30));
  });
});

describe('sweeper: dead Lambdas', () => {
  it('settles a session whose lease expired, charging its last heartbeat', async () => {
    const { userId, opening } = await admitted();
    await store.openSession(opening);
    await store.heartbeat(opening.sessionId, Date.now() + 300, { inputTokens: 10, outputTokens: 42 }, Date.now());
    // The Lambda dies here: nobody settles.
    expect((await sweepExpiredSessions(store, testCatalog, Date.now(), 10_000)).settled).toBe(0); // lease still valid
    const result = await sweepExpiredSessions(store, testCatalog, Date.now() + 60_000, 1_000);
    expect(result.settled).toBeGreaterThanOrEqual(1);
    expect(await fixtures.session(opening.sessionId)).toMatchObject({
      status: 'settled',
      endReason: 'lease_expired',
      tokensOut: 42,
    });
    const { account } = await fixtures.expectBalanced(userId);
    expect(account.pending).toEqual({});
    expect(account.balance).toBe(10_000 - costOf(price, 10, 42));
  });

  it('does not take a session whose lease is being renewed', async () => {
    const { opening } = await admitted();
    await store.openSession(opening);
    const now = Date.now();
    await store.heartbeat(opening.sessionId, now + 120_000, { inputTokens: 10, outputTokens: 1 }, now);
    await sweepExpiredSessions(store, testCatalog, now + 60_000, 1_000);
    expect((await fixtures.session(opening.sessionId))?.status).toBe('active');
  });

  it('frees a reservation whose stream died before opening its session record', async () => {
    const { userId, decision } = await admitted(10_000, Date.now() - 10 * 60_000);
    const account = (await store.getAccount(userId))!;
    const released = await releaseExpiredReservations(
      store,
      testCatalog,
      account,
      [decision.write.sessionId],
      Date.now(),
    );
    expect(released).toBe(1);
    const { account: after } = await fixtures.expectBalanced(userId);
    expect(after.pending).toEqual({});
    expect(await fixtures.session(decision.write.sessionId)).toMatchObject({
      status: 'settled',
      endReason: 'lease_expired',
    });
  });
});
