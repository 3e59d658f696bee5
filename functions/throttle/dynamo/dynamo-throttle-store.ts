// The throttler's store on DynamoDB. Every money movement is one conditional write on the
// account item (no transactions, so it runs on dynalite as on AWS): admission adds a
// pending entry, a report renews it, a resolution removes it and posts the charge with
// its movement in the outbox. Where a write's answer may have been lost and retried, a
// failed condition is checked against the item to tell "already done" from "refused".
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { accountKey, loadKey, sweepShardOf, sweepShards, userIdOfPartition } from '../../shared/keys.js';
import { creditIndexes, type TableNames } from '../../shared/tables.js';
import { tierSchema, type Tier } from '../../shared/tier.js';
import { accountSchema, maxBalance, type Account, type Movement } from '../account.js';
import type { AdmissionWrite } from '../admission.js';
import { leaseGraceMs } from '../lease.js';
import type { LoadPublication, LoadStore } from '../load-gauge.js';
import type { SignalWrite } from '../abuse-score.js';
import { windowStart } from '../token-window.js';
import { movementId } from '../movements.js';
import type { Resolution } from '../settlement.js';
import {
  type AdmitResult,
  type CreatedAccount,
  type GrantRequest,
  type GrantExtension,
  type GrantExtensionResult,
  type GrantResult,
  type ReportAnswer,
  type ResolveResult,
  StoreUnavailableError,
  type ThrottleStore,
  type UsageReport,
} from '../throttle-store.js';
import {
  accountExists,
  admissionCondition,
  balanceCovers,
  balanceStaysBelow,
  grantIsNew,
  grantUpdate,
  killUpdate,
  grantExtensionUpdate,
  windowHasRoom,
  windowIsOver,
  notBlocked,
  signalUpdate,
  admissionUpdate,
  leaseLapsedBefore,
  removeFromOutbox,
  removePending,
  reportUpdate,
  resolutionUpdate,
  revIs,
  sessionIsPending,
  sessionNotKilled,
  windowIs,
} from './account-rules.js';
import { allOf, expr, expressionInput, update } from './expression.js';
import { writeProjections } from './projection.js';
import { countRejection } from './rejection-counters.js';
import { readLoadGauges } from './load-gauges.js';
import { conditional, guarded } from './store-errors.js';

/** Time the writer of a movement has to project it before the sweeper does it instead. */
const projectionGraceMs = 5_000;

function toAccount(item: Record<string, unknown>): Account {
  const { pk: _pk, sk: _sk, ...account } = item;
  return accountSchema.parse(account);
}

export class DynamoThrottleStore implements ThrottleStore, LoadStore {
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

  async createAccount(userId: string, tier: string, signupCredits: number, now: number): Promise<CreatedAccount> {
    const signup: Movement[] = signupCredits > 0 ? [{ kind: 'signup', at: now, amount: signupCredits }] : [];
    const account: Account = {
      userId,
      tier,
      balance: signupCredits,
      available: signupCredits,
      pending: {},
      grants: {},
      outbox: Object.fromEntries(signup.map((m) => [movementId(m), m])),
      abuse: {},
      rev: 0,
      sweepShard: sweepShardOf(userId),
      ...(signup.length ? { sweepAt: now + projectionGraceMs } : {}),
      createdAt: now,
    };
    // Sign-up credit is part of creating the account: one write, whoever wins a race.
    const created = await conditional(() =>
      this.db.send(
        new PutCommand({
          TableName: this.tables.credits,
          Item: { ...accountKey(userId), ...account },
          ...expressionInput({ condition: expr('attribute_not_exists(#pk)') }),
        }),
      ),
    );
    if (created) return { account, created: true };
    const existing = await this.getAccount(userId);
    if (!existing) throw new StoreUnavailableError(`account ${userId} was neither created nor found`);
    return { account: existing, created: false };
  }

  async admit(write: AdmissionWrite, projected: string[] = []): Promise<AdmitResult> {
    const result = await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: accountKey(write.userId),
          ...expressionInput({
            condition: allOf(...admissionCondition(write)),
            update: update({
              set: admissionUpdate(write, write.pending.leaseUntil + leaseGraceMs),
              remove: removeFromOutbox(projected),
            }),
          }),
        }),
      ),
    );
    if (result) return { admitted: true };
    // A rule failed, or this very write was applied and its answer lost (the SDK retried it).
    const account = await this.getAccount(write.userId);
    return account?.pending[write.sessionId] ? { admitted: true, account } : { admitted: false, account };
  }

  async report(userId: string, sessionId: string, report: UsageReport): Promise<ReportAnswer> {
    const renewed = await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: accountKey(userId),
          ...expressionInput({
            condition: allOf(sessionIsPending(sessionId), sessionNotKilled(sessionId), notBlocked(report.now)),
            update: update({ set: [reportUpdate(sessionId, report)] }),
          }),
        }),
      ),
    );
    if (renewed) return { state: 'live' };
    const account = await this.getAccount(userId);
    const pending = account?.pending[sessionId];
    if (!pending) return { state: 'gone' };
    if (pending.killRequested) return { state: 'killed', killedBy: pending.killedBy };
    return { state: 'blocked' };
  }

  async resolve(resolution: Resolution, projected: string[] = []): Promise<ResolveResult> {
    const { userId, sessionId } = resolution;
    const signals = resolution.signals ? signalUpdate(resolution.signals) : undefined;
    const attempt = (returnTokens: boolean) =>
      conditional(() =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tables.credits,
            Key: accountKey(userId),
            ...expressionInput({
              condition: allOf(
                sessionIsPending(sessionId),
                ...(resolution.leaseLapsedBefore !== undefined
                  ? [leaseLapsedBefore(sessionId, resolution.leaseLapsedBefore)]
                  : []),
                ...(returnTokens ? [windowIs(resolution.unusedTokens.window)] : []),
              ),
              update: update({
                set: [
                  ...resolutionUpdate(resolution, returnTokens, resolution.now + projectionGraceMs),
                  ...(signals?.set ?? []),
                ],
                remove: [removePending(sessionId), ...removeFromOutbox(projected), ...(signals?.remove ?? [])],
              }),
            }),
          }),
        ),
      );
    // Unused minute tokens go back only while their minute lasts.
    const returnTokens =
      resolution.unusedTokens.tokens > 0 && resolution.unusedTokens.window === windowStart(resolution.now);
    if (await attempt(returnTokens)) return { outcome: 'resolved', tokensReturned: returnTokens };
    const pending = (await this.getAccount(userId))?.pending[sessionId];
    // Gone: resolved by this write (its answer lost) or by another resolver.
    if (!pending) return { outcome: 'already_resolved' };
    if (resolution.leaseLapsedBefore !== undefined && pending.leaseUntil >= resolution.leaseLapsedBefore) {
      return { outcome: 'lease_live' };
    }
    // The minute moved on (or another clock thought so): resolve without returning tokens.
    if (returnTokens && (await attempt(false))) return { outcome: 'resolved', tokensReturned: false };
    return { outcome: (await this.getAccount(userId))?.pending[sessionId] ? 'lease_live' : 'already_resolved' };
  }

  async grant(userId: string, grant: GrantRequest, now: number): Promise<GrantResult> {
    const movement: Extract<Movement, { kind: 'grant' }> = {
      kind: 'grant',
      at: now,
      amount: grant.amount,
      key: grant.key,
      reason: grant.reason,
      actor: grant.actor,
    };
    const forget = grant.forget.filter((key) => key !== grant.key);
    const result = await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: accountKey(userId),
          ...expressionInput({
            condition: allOf(
              accountExists,
              grantIsNew(grant.key),
              grant.amount < 0 ? balanceCovers(-grant.amount) : balanceStaysBelow(maxBalance, grant.amount),
            ),
            update: update({
              set: grantUpdate(movement, now + projectionGraceMs),
              remove: forget.map((key, i) => expr(`#grants.#old${i}`, {}, { [`#old${i}`]: key })),
            }),
          }),
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (result?.Attributes) return { outcome: 'applied', account: toAccount(result.Attributes), movement };
    const account = await this.getAccount(userId);
    if (!account) throw new StoreUnavailableError(`no account ${userId} to grant to`);
    // The key is there: this write applied and its answer was lost, or an earlier call used it.
    if (account.grants[grant.key]) return { outcome: 'replayed', account };
    return { outcome: grant.amount < 0 ? 'insufficient' : 'balance_limit', account };
  }

  async extendGrant(userId: string, sessionId: string, request: GrantExtension): Promise<GrantExtensionResult> {
    const write = (grant: number, fresh: boolean) =>
      conditional(() =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tables.credits,
            Key: accountKey(userId),
            ...expressionInput({
              condition: allOf(
                sessionIsPending(sessionId),
                fresh ? windowIsOver(request.window) : windowHasRoom(request.window, request.tokensPerMinute - grant),
              ),
              update: update({ set: grantExtensionUpdate(sessionId, request.window, grant, fresh) }),
            }),
          }),
        ),
      );
    // Usually the stream is the first in its user's new minute; otherwise share what is left.
    if (await write(request.grant, true)) return { outcome: 'extended', grant: request.grant };
    for (let attempt = 0; attempt < 5; attempt++) {
      const account = await this.getAccount(userId);
      if (!account?.pending[sessionId]) return { outcome: 'gone' };
      if (account.tpmWindow !== request.window) {
        if (await write(request.grant, true)) return { outcome: 'extended', grant: request.grant };
        continue;
      }
      const grant = Math.min(request.grant, request.tokensPerMinute - (account.tpmTokens ?? 0));
      if (grant <= 0) return { outcome: 'full' };
      if (await write(grant, false)) return { outcome: 'extended', grant };
    }
    return { outcome: 'full' };
  }

  async recordSignals(userId: string, write: SignalWrite): Promise<void> {
    const { set, remove } = signalUpdate(write);
    await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: accountKey(userId),
          ...expressionInput({ condition: accountExists, update: update({ set, remove }) }),
        }),
      ),
    );
  }

  async requestKill(userId: string, sessionId: string, actor: string): Promise<boolean> {
    const done = await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: accountKey(userId),
          ...expressionInput({
            condition: sessionIsPending(sessionId),
            update: update({ set: [killUpdate(sessionId, actor)] }),
          }),
        }),
      ),
    );
    return done !== undefined;
  }

  async project(userId: string, movements: Movement[]): Promise<void> {
    if (movements.length) await writeProjections(this.db, this.tables, userId, movements);
  }

  async publishLoad(publication: LoadPublication, expiresAt: number): Promise<void> {
    await guarded(() =>
      this.db.send(
        new PutCommand({
          TableName: this.tables.credits,
          Item: { ...loadKey(publication.containerId), ...publication, expiresAt },
        }),
      ),
    );
  }

  readLoad(since: number): Promise<LoadPublication[]> {
    return readLoadGauges(this.db, this.tables.credits, since);
  }

  async recordRejection(userId: string, reason: string, now: number): Promise<void> {
    await countRejection(this.db, this.tables.credits, userId, reason, now);
  }

  async accountsDue(now: number, limit: number): Promise<string[]> {
    const pages = await Promise.all(
      sweepShards.map((shard) =>
        guarded(() =>
          this.db.send(
            new QueryCommand({
              TableName: this.tables.credits,
              IndexName: creditIndexes.sweepDue,
              KeyConditionExpression: '#sweepShard = :shard AND #sweepAt <= :now',
              ExpressionAttributeNames: { '#sweepShard': 'sweepShard', '#sweepAt': 'sweepAt' },
              ExpressionAttributeValues: { ':shard': shard, ':now': now },
              Limit: limit,
            }),
          ),
        ),
      ),
    );
    const users = pages.flatMap((page) => (page.Items ?? []).map((item) => String(item.pk)));
    return [...new Set(users)].map(userIdOfPartition).slice(0, limit);
  }

  async tidy(userId: string, rev: number, projected: string[], sweepAt: number | undefined): Promise<boolean> {
    const names = Object.fromEntries(projected.map((id, i) => [`#m${i}`, id]));
    const done = await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: accountKey(userId),
          ...expressionInput({
            condition: allOf(accountExists, revIs(rev)),
            update: update({
              set: sweepAt === undefined ? [] : [expr('#sweepAt = :sweepAt', { ':sweepAt': sweepAt })],
              remove: [
                ...projected.map((_, i) => expr(`#outbox.#m${i}`, {}, { [`#m${i}`]: names[`#m${i}`]! })),
                ...(sweepAt === undefined ? [expr('#sweepAt')] : []),
              ],
            }),
          }),
        }),
      ),
    );
    return done !== undefined;
  }
}
