// The throttler's store on DynamoDB: admission is one conditional UpdateItem on the
// account; settlement is decide (session), post (account, exactly once), record (ledger
// + session in one batch). No transactions, so it runs on dynalite as on AWS.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Account } from '../account.js';
import type { AdmissionWrite } from '../admission.js';
import { tierSchema, type Tier } from '../../shared/tier.js';
import type { TableNames } from '../../shared/tables.js';
import { sessionIndexes } from '../../shared/tables.js';
import type { SessionOpening, SessionRecord, SettlementOutcome, SettlementRequest } from '../session-record.js';
import { StoreUnavailableError, type HeartbeatAnswer, type ThrottleStore } from '../throttle-store.js';
import type { TokenUsage } from '../usage-tally.js';
import { allOf, anyOf, expr, expressionInput, update } from './expression.js';
import {
  accountExists,
  admissionCondition,
  admissionUpdate,
  postingUpdate,
  removePending,
  returnUnusedTokens,
  sessionIsPending,
  windowIs,
} from './account-rules.js';
import {
  accountKey,
  ledgerKey,
  openShard,
  rejectionAttribute,
  settledSessionRetentionSeconds,
  signupLedgerKey,
  usageKey,
} from '../../shared/keys.js';

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException;

/** Runs a store call; a rule refusal passes through, anything else means the store is unavailable. */
async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isConditionFailure(err) || err instanceof StoreUnavailableError) throw err;
    throw new StoreUnavailableError(err);
  }
}

async function conditional<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await guarded(call);
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
}

function toAccount(item: Record<string, unknown>): Account {
  const { pk: _pk, sk: _sk, ...account } = item;
  return account as unknown as Account;
}

export class DynamoThrottleStore implements ThrottleStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: TableNames,
  ) {}

  async getTier(name: string): Promise<Tier | undefined> {
    const { Item } = await guarded(() => this.db.send(new GetCommand({ TableName: this.tables.tiers, Key: { name } })));
    return Item ? tierSchema.parse(Item) : undefined;
  }

  async getAccount(userId: string): Promise<Account | undefined> {
    const { Item } = await guarded(() =>
      this.db.send(new GetCommand({ TableName: this.tables.credits, Key: accountKey(userId), ConsistentRead: true })),
    );
    return Item ? toAccount(Item) : undefined;
  }

  async ensureAccount(userId: string, tier: string, signupCredits: number, now: number): Promise<Account> {
    const existing = await this.getAccount(userId);
    if (existing) return existing;
    if (signupCredits > 0) {
      // Ledger first, under a fixed key: if the account write below loses a race or the
      // process dies in between, the entry is the same one the winner writes.
      await guarded(() =>
        this.db.send(
          new PutCommand({
            TableName: this.tables.credits,
            Item: {
              ...signupLedgerKey(userId),
              type: 'grant',
              amount: signupCredits,
              reason: 'sign-up credits',
              actor: 'system',
              at: now,
            },
          }),
        ),
      );
    }
    const account: Account = {
      userId,
      tier,
      balance: signupCredits,
      available: signupCredits,
      pending: {},
      grants: {},
      createdAt: now,
    };
    const created = await conditional(() =>
      this.db.send(
        new PutCommand({
          TableName: this.tables.credits,
          Item: { ...accountKey(userId), ...account },
          ...expressionInput({ condition: expr('attribute_not_exists(#pk)') }),
        }),
      ),
    );
    return created ? account : (await this.getAccount(userId))!; // lost the race: read the winner's
  }

  async admit(write: AdmissionWrite): Promise<Account | undefined> {
    const result = await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: accountKey(write.userId),
          ...expressionInput({
            condition: allOf(...admissionCondition(write)),
            update: update({ set: admissionUpdate(write) }),
          }),
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return result?.Attributes ? toAccount(result.Attributes) : undefined;
  }

  async openSession(opening: SessionOpening): Promise<void> {
    const record: SessionRecord & { openShard: string } = { ...opening, status: 'active', tokensOut: 0, openShard };
    await guarded(() =>
      this.db.send(
        new PutCommand({
          TableName: this.tables.sessions,
          Item: record,
          ...expressionInput({ condition: expr('attribute_not_exists(#sessionId)') }),
        }),
      ),
    );
  }

  async heartbeat(sessionId: string, leaseUntil: number, usage: TokenUsage, now: number): Promise<HeartbeatAnswer> {
    const result = await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.sessions,
          Key: { sessionId },
          ...expressionInput({
            condition: expr('#status = :active', { ':active': 'active' }),
            update: update({
              set: [
                expr('#leaseUntil = :leaseUntil, #tokensIn = :tokensIn, #tokensOut = :tokensOut, #heartbeatAt = :now', {
                  ':leaseUntil': leaseUntil,
                  ':tokensIn': usage.inputTokens,
                  ':tokensOut': usage.outputTokens,
                  ':now': now,
                }),
              ],
            }),
          }),
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (!result) return { active: false, killRequested: false };
    return { active: true, killRequested: result.Attributes?.killRequested === true };
  }

  async recordRejection(userId: string, reason: string, now: number): Promise<void> {
    await guarded(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: usageKey(userId, now),
          UpdateExpression: 'ADD #counter :one SET #at = if_not_exists(#at, :now)',
          ExpressionAttributeNames: { '#counter': rejectionAttribute(reason), '#at': 'hourStart' },
          ExpressionAttributeValues: { ':one': 1, ':now': now - (now % 3_600_000) },
        }),
      ),
    );
  }

  async getSession(sessionId: string): Promise<SessionRecord | undefined> {
    const { Item } = await guarded(() =>
      this.db.send(new GetCommand({ TableName: this.tables.sessions, Key: { sessionId }, ConsistentRead: true })),
    );
    return Item as SessionRecord | undefined;
  }

  async expiredSessions(before: number, limit: number): Promise<SessionRecord[]> {
    const { Items } = await guarded(() =>
      this.db.send(
        new QueryCommand({
          TableName: this.tables.sessions,
          IndexName: sessionIndexes.openByLease,
          KeyConditionExpression: '#openShard = :open AND #leaseUntil < :before',
          ExpressionAttributeNames: { '#openShard': 'openShard', '#leaseUntil': 'leaseUntil' },
          ExpressionAttributeValues: { ':open': openShard, ':before': before },
          Limit: limit,
        }),
      ),
    );
    return (Items ?? []) as SessionRecord[];
  }

  /**
   * Exactly once, in three idempotent steps: decide (the session moves to `settling` with
   * its final numbers; the first decider wins), post (the account's pending entry is
   * removed and the charge applied, only if the entry still exists), record (ledger entry
   * and settled session, written from the decided numbers). A crash between steps leaves
   * a `settling` session whose lease has run out: the sweeper resumes it.
   */
  async settle(request: SettlementRequest): Promise<SettlementOutcome> {
    const decided = await this.decide(request);
    if (decided === 'already_settled' || decided === 'lease_held') return decided;
    await this.post(decided);
    await this.record(decided);
    return 'settled';
  }

  private async decide(request: SettlementRequest): Promise<SessionRecord | 'already_settled' | 'lease_held'> {
    const { session, amounts, now } = request;
    const stillActive = expr('#status = :active', { ':active': 'active' });
    const condition =
      request.leaseExpiredBefore === undefined
        ? anyOf(expr('attribute_not_exists(#sessionId)'), stillActive)
        : anyOf(
            // A reservation whose stream died before opening its session record.
            expr('attribute_not_exists(#sessionId)'),
            allOf(stillActive, expr('#leaseUntil < :expiredBefore', { ':expiredBefore': request.leaseExpiredBefore })),
          );
    const result = await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.sessions,
          Key: { sessionId: session.sessionId },
          ...expressionInput({
            condition,
            update: update({
              set: [
                expr(
                  '#status = :settling, #tokensIn = :tokensIn, #tokensOut = :tokensOut, #charged = :charged, #overrun = :overrun, #unusedGrant = :unusedGrant',
                  {
                    ':settling': 'settling',
                    ':tokensIn': amounts.inputTokens,
                    ':tokensOut': amounts.outputTokens,
                    ':charged': amounts.charge,
                    ':overrun': amounts.overrun,
                    ':unusedGrant': amounts.unusedGrant,
                  },
                ),
                expr(
                  '#usageSource = :usageSource, #endReason = :endReason, #settlingAt = :now, #leaseUntil = :now, #openShard = :open',
                  {
                    ':usageSource': request.usageSource,
                    ':endReason': request.endReason,
                    ':now': now,
                    ':open': openShard,
                  },
                ),
                // The session item may not exist if its Lambda died before opening it.
                expr(
                  '#userId = if_not_exists(#userId, :userId), #tier = if_not_exists(#tier, :tier), #model = if_not_exists(#model, :model), #requestedModel = if_not_exists(#requestedModel, :requestedModel)',
                  {
                    ':userId': session.userId,
                    ':tier': session.tier,
                    ':model': session.model,
                    ':requestedModel': session.requestedModel,
                  },
                ),
                expr(
                  '#startedAt = if_not_exists(#startedAt, :startedAt), #reserved = if_not_exists(#reserved, :reserved), #tokenGrant = if_not_exists(#tokenGrant, :tokenGrant), #window = if_not_exists(#window, :window)',
                  {
                    ':startedAt': session.startedAt,
                    ':reserved': session.reserved,
                    ':tokenGrant': session.tokenGrant,
                    ':window': session.window,
                  },
                ),
              ],
            }),
          }),
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (result?.Attributes) return result.Attributes as SessionRecord;
    const current = await this.getSession(session.sessionId);
    if (current?.status === 'settling') return current; // a crashed settlement: resume it
    return current?.status === 'settled' ? 'already_settled' : 'lease_held';
  }

  private async post(session: SessionRecord): Promise<void> {
    const key = accountKey(session.userId);
    const unused = session.unusedGrant ?? 0;
    const attempt = (returnTokens: boolean) =>
      conditional(() =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tables.credits,
            Key: key,
            ...expressionInput({
              condition: allOf(
                accountExists,
                sessionIsPending(session.sessionId),
                ...(returnTokens ? [windowIs(session.window)] : []),
              ),
              update: update({
                set: [
                  ...postingUpdate(session.charged ?? 0, session.reserved),
                  ...(returnTokens ? [returnUnusedTokens(unused)] : []),
                ],
                remove: [removePending(session.sessionId)],
              }),
            }),
          }),
        ),
      );
    // Unused minute tokens go back only while that minute lasts; a failed attempt with
    // them means the window moved on or the posting already happened.
    if (unused > 0 && (await attempt(true))) return;
    await attempt(false); // undefined: already posted, nothing to do
  }

  private async record(session: SessionRecord): Promise<void> {
    const settlingAt = session.settlingAt!;
    const { openShard: _open, ...rest } = session as SessionRecord & { openShard?: string };
    const settled: SessionRecord & { expiresAt: number } = {
      ...rest,
      status: 'settled',
      settledAt: settlingAt,
      expiresAt: Math.floor(settlingAt / 1000) + settledSessionRetentionSeconds,
    };
    const ledgerEntry = {
      ...ledgerKey(session.userId, settlingAt, 'charge', session.sessionId),
      type: 'charge',
      amount: -(session.charged ?? 0),
      sessionId: session.sessionId,
      model: session.model,
      inputTokens: session.tokensIn,
      outputTokens: session.tokensOut,
      usageSource: session.usageSource,
      endReason: session.endReason,
      actor: 'throttler',
      at: settlingAt,
    };
    let requests: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> = {
      [this.tables.credits]: [{ PutRequest: { Item: ledgerEntry } }],
      [this.tables.sessions]: [{ PutRequest: { Item: { ...settled } } }],
    };
    for (let attempt = 0; Object.keys(requests).length > 0; attempt++) {
      if (attempt > 5) throw new StoreUnavailableError('ledger batch write kept returning unprocessed items');
      const result = await guarded(() => this.db.send(new BatchWriteCommand({ RequestItems: requests })));
      requests = (result.UnprocessedItems ?? {}) as typeof requests;
    }
  }
}
