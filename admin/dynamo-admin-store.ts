// The admin store on DynamoDB. Credit changes are exactly once per idempotency key: the
// account update is gated on the key not being in the account's `grants` map (the same
// pattern as a stream's pending reservation), and the ledger entry's key is derived from
// the key and the time the gate recorded, so a retry rewrites the same entry.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Account } from '../functions/throttle/account.js';
import { tierSchema, type Tier } from '../functions/shared/tier.js';
import { creditIndexes, sessionIndexes, type TableNames } from '../functions/shared/tables.js';
import type { SessionRecord } from '../functions/throttle/session-record.js';
import { DynamoThrottleStore } from '../functions/throttle/dynamo/dynamo-throttle-store.js';
import {
  accountKey,
  auditPartition,
  ledgerKey,
  ledgerPrefix,
  usagePrefix,
  usageHour,
  userIdOfPartition,
} from '../functions/shared/keys.js';
import { allOf, expr, expressionInput, update } from '../functions/throttle/dynamo/expression.js';
import type {
  AdminStore,
  AuditRecord,
  CreditChange,
  CreditResult,
  LedgerEntry,
  Page,
  UsageCounters,
} from './admin-store.js';

/** Idempotency keys are remembered this long (retries come within minutes). */
const grantKeyRetentionMs = 7 * 24 * 3_600_000;

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException;
const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
const decodeCursor = (cursor: string | undefined) => {
  if (!cursor) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

function toLedgerEntry(item: Record<string, unknown>): LedgerEntry {
  const { pk: _pk, sk, ...rest } = item;
  return { id: String(sk).slice(ledgerPrefix.length), ...(rest as Omit<LedgerEntry, 'id'>) };
}

export class DynamoAdminStore implements AdminStore {
  private readonly throttleStore: DynamoThrottleStore;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: TableNames,
    private readonly defaultTier: string,
  ) {
    this.throttleStore = new DynamoThrottleStore(db, tables);
  }

  async listTiers(): Promise<Tier[]> {
    const { Items } = await this.db.send(new ScanCommand({ TableName: this.tables.tiers }));
    return (Items ?? []).map((item) => tierSchema.parse(item)).sort((a, b) => a.name.localeCompare(b.name));
  }

  getTier(name: string): Promise<Tier | undefined> {
    return this.throttleStore.getTier(name);
  }

  async putTier(tier: Tier): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tables.tiers, Item: tier }));
  }

  async deleteTier(name: string): Promise<'deleted' | 'not_found' | 'in_use'> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tables.credits,
        IndexName: creditIndexes.accountsByTier,
        KeyConditionExpression: '#tier = :tier',
        ExpressionAttributeNames: { '#tier': 'tier' },
        ExpressionAttributeValues: { ':tier': name },
        Limit: 1,
      }),
    );
    if (Items?.length) return 'in_use';
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tables.tiers,
          Key: { name },
          ...expressionInput({ condition: expr('attribute_exists(#name)') }),
        }),
      );
      return 'deleted';
    } catch (err) {
      if (isConditionFailure(err)) return 'not_found';
      throw err;
    }
  }

  getAccount(userId: string): Promise<Account | undefined> {
    return this.throttleStore.getAccount(userId);
  }

  async assignTier(userId: string, tier: string, now: number): Promise<Account> {
    await this.throttleStore.ensureAccount(userId, this.defaultTier, 0, now);
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tables.credits,
        Key: accountKey(userId),
        ...expressionInput({
          condition: expr('attribute_exists(#pk)'),
          update: update({ set: [expr('#tier = :tier', { ':tier': tier })] }),
        }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const { pk: _pk, sk: _sk, ...account } = Attributes!;
    return account as Account;
  }

  async applyCredit(userId: string, change: CreditChange, now: number): Promise<CreditResult> {
    const account = await this.throttleStore.ensureAccount(userId, this.defaultTier, 0, now);
    const previous = account.grants?.[change.idempotencyKey];
    if (previous) return this.replay(userId, change, previous);

    const stale = Object.entries(account.grants ?? {})
      .filter(([, g]) => now - g.at > grantKeyRetentionMs)
      .map(([key]) => key);
    const keyName = { '#key': change.idempotencyKey };
    const conditions = [expr('attribute_exists(#pk)'), expr('attribute_not_exists(#grants.#key)', {}, keyName)];
    if (change.amount < 0) conditions.push(expr('#available >= :debit', { ':debit': -change.amount }));
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: accountKey(userId),
          ...expressionInput({
            condition: allOf(...conditions),
            update: update({
              set: [
                expr('#balance = #balance + :amount, #available = #available + :amount', { ':amount': change.amount }),
                expr('#grants.#key = :grant', { ':grant': { amount: change.amount, at: now } }, keyName),
              ],
              remove: stale.map((key, i) => expr(`#grants.#old${i}`, {}, { [`#old${i}`]: key })),
            }),
          }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      const entry = await this.writeGrantEntry(userId, change, now);
      return {
        outcome: 'applied',
        entry,
        balance: Attributes!.balance as number,
        available: Attributes!.available as number,
      };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const current = (await this.getAccount(userId))!;
      const raced = current.grants?.[change.idempotencyKey];
      if (raced) return this.replay(userId, change, raced);
      return { outcome: 'insufficient', available: current.available };
    }
  }

  /** The same key again: same amount replays (and repairs a missing ledger entry), another amount is a conflict. */
  private async replay(
    userId: string,
    change: CreditChange,
    applied: { amount: number; at: number },
  ): Promise<CreditResult> {
    if (applied.amount !== change.amount) {
      return {
        outcome: 'conflict',
        message: `idempotency key ${change.idempotencyKey} was already used for an amount of ${applied.amount}`,
      };
    }
    const entry = await this.writeGrantEntry(userId, change, applied.at);
    const account = (await this.getAccount(userId))!;
    return { outcome: 'replayed', entry, balance: account.balance, available: account.available };
  }

  private async writeGrantEntry(userId: string, change: CreditChange, at: number): Promise<LedgerEntry> {
    const key = ledgerKey(userId, at, 'grant', change.idempotencyKey);
    const item = {
      ...key,
      type: 'grant',
      amount: change.amount,
      reason: change.reason,
      actor: change.actor,
      idempotencyKey: change.idempotencyKey,
      at,
    };
    // The first write of the entry wins; a retry finds it there.
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.credits,
          Item: item,
          ...expressionInput({ condition: expr('attribute_not_exists(#pk)') }),
        }),
      );
      return toLedgerEntry(item);
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tables.credits, Key: key, ConsistentRead: true }),
      );
      return toLedgerEntry(Item!);
    }
  }

  async ledger(userId: string, limit: number, cursor?: string): Promise<Page<LedgerEntry>> {
    const { Items, LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tables.credits,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :ledger)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': accountKey(userId).pk, ':ledger': ledgerPrefix },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    return { items: (Items ?? []).map(toLedgerEntry), nextCursor: encodeCursor(LastEvaluatedKey) };
  }

  async userSessions(userId: string, options: { limit: number; from?: number; to?: number }): Promise<SessionRecord[]> {
    const sessions: SessionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const { Items, LastEvaluatedKey } = await this.db.send(
        new QueryCommand({
          TableName: this.tables.sessions,
          IndexName: sessionIndexes.byUser,
          KeyConditionExpression: '#userId = :userId AND #startedAt BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#userId': 'userId', '#startedAt': 'startedAt' },
          ExpressionAttributeValues: {
            ':userId': userId,
            ':from': options.from ?? 0,
            ':to': options.to ?? Number.MAX_SAFE_INTEGER,
          },
          ScanIndexForward: false,
          Limit: Math.min(options.limit - sessions.length, 500),
          ExclusiveStartKey: start,
        }),
      );
      sessions.push(...((Items ?? []) as SessionRecord[]));
      start = LastEvaluatedKey;
    } while (start && sessions.length < options.limit);
    return sessions;
  }

  async sessionsBetween(from: number, to: number): Promise<SessionRecord[]> {
    const sessions: SessionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const { Items, LastEvaluatedKey } = await this.db.send(
        new ScanCommand({
          TableName: this.tables.sessions,
          FilterExpression: '#startedAt BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#startedAt': 'startedAt' },
          ExpressionAttributeValues: { ':from': from, ':to': to },
          ExclusiveStartKey: start,
        }),
      );
      sessions.push(...((Items ?? []) as SessionRecord[]));
      start = LastEvaluatedKey;
    } while (start);
    return sessions;
  }

  async usageCounters(
    userId: string | undefined,
    from: number,
    to: number,
  ): Promise<Array<UsageCounters & { userId: string }>> {
    const [low, high] = [`${usagePrefix}${usageHour(from - (from % 3_600_000))}`, `${usagePrefix}${usageHour(to)}`];
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = userId
        ? await this.db.send(
            new QueryCommand({
              TableName: this.tables.credits,
              KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
              ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
              ExpressionAttributeValues: { ':pk': accountKey(userId).pk, ':low': low, ':high': high },
              ExclusiveStartKey: start,
            }),
          )
        : await this.db.send(
            new ScanCommand({
              TableName: this.tables.credits,
              FilterExpression: '#sk BETWEEN :low AND :high',
              ExpressionAttributeNames: { '#sk': 'sk' },
              ExpressionAttributeValues: { ':low': low, ':high': high },
              ExclusiveStartKey: start,
            }),
          );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.map((item) => ({
      userId: userIdOfPartition(String(item.pk)),
      hourStart: Number(item.hourStart),
      rejections: Object.fromEntries(
        Object.entries(item)
          .filter(([name]) => name.startsWith('rejected_'))
          .map(([name, count]) => [name.slice('rejected_'.length), Number(count)]),
      ),
    }));
  }

  getSession(sessionId: string): Promise<SessionRecord | undefined> {
    return this.throttleStore.getSession(sessionId);
  }

  async requestKill(sessionId: string, actor: string, now: number): Promise<'requested' | 'not_found' | 'not_active'> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tables.sessions,
          Key: { sessionId },
          ...expressionInput({
            condition: expr('#status = :active', { ':active': 'active' }),
            update: update({
              set: [
                expr('#killRequested = :true, #killedBy = :actor, #killRequestedAt = :now', {
                  ':true': true,
                  ':actor': actor,
                  ':now': now,
                }),
              ],
            }),
          }),
        }),
      );
      return 'requested';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return (await this.getSession(sessionId)) ? 'not_active' : 'not_found';
    }
  }

  async audit(record: AuditRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tables.credits,
        Item: { pk: auditPartition, sk: `${new Date(record.at).toISOString()}#${randomUUID()}`, ...record },
      }),
    );
  }

  async auditLog(limit: number): Promise<AuditRecord[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tables.credits,
        KeyConditionExpression: '#pk = :audit',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':audit': auditPartition },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map(({ pk: _pk, sk: _sk, ...record }) => record as AuditRecord);
  }
}
