// The admin store on DynamoDB. Money moves only through the throttle store's account
// writes (a grant is one conditional write, exactly once per idempotency key, projected
// into the ledger afterwards); this store adds tiers, reports, sessions and the audit log.
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
import { accountSchema, settledSessionSchema, type SettledSession } from '../functions/throttle/account.js';
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
import { expr, expressionInput, update } from '../functions/throttle/dynamo/expression.js';
import { encodeLedgerCursor, type LedgerPosition } from './ledger-cursor.js';
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

/** A settled session record as stored: the projection's fields (status and TTL are storage details). */
const toSettledSession = (item: Record<string, unknown>): SettledSession => settledSessionSchema.parse(item);

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
    private readonly signupCredits: number,
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

  /** The account, created (with sign-up credit, as on a first chat request) if absent. */
  private async ensureAccount(userId: string, now: number): Promise<Account> {
    const existing = await this.throttleStore.getAccount(userId);
    if (existing) return existing;
    const { account, created } = await this.throttleStore.createAccount(
      userId,
      this.defaultTier,
      this.signupCredits,
      now,
    );
    if (created) await this.throttleStore.project(userId, Object.values(account.outbox));
    return account;
  }

  async assignTier(userId: string, tier: string, now: number): Promise<Account> {
    await this.ensureAccount(userId, now);
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
    return accountSchema.parse(account);
  }

  async applyCredit(userId: string, change: CreditChange, now: number): Promise<CreditResult> {
    const account = await this.ensureAccount(userId, now);
    const forget = Object.entries(account.grants)
      .filter(([, g]) => now - g.at > grantKeyRetentionMs)
      .map(([key]) => key);
    const result = await this.throttleStore.grant(
      userId,
      { amount: change.amount, key: change.idempotencyKey, reason: change.reason, actor: change.actor, forget },
      now,
    );
    const { balance, available } = result.account;
    if (result.outcome === 'insufficient') return { outcome: 'insufficient', available };
    if (result.outcome === 'balance_limit') return { outcome: 'balance_limit', balance };
    const applied = result.account.grants[change.idempotencyKey]!;
    if (result.outcome === 'replayed' && applied.amount !== change.amount) {
      return {
        outcome: 'conflict',
        message: `idempotency key ${change.idempotencyKey} was already used for an amount of ${applied.amount}`,
      };
    }
    // Project now (again, for a replay whose first projection may have failed): idempotent.
    const pending = result.account.outbox[`grant:${change.idempotencyKey}`];
    if (pending) await this.throttleStore.project(userId, [pending]);
    const entry = await this.ledgerEntry(userId, applied.at, change.idempotencyKey);
    return { outcome: result.outcome, entry, balance, available };
  }

  private async ledgerEntry(userId: string, at: number, key: string): Promise<LedgerEntry> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.credits,
        Key: ledgerKey(userId, at, 'grant', key),
        ConsistentRead: true,
      }),
    );
    if (!Item) throw new Error(`ledger entry of grant ${key} is missing`);
    return toLedgerEntry(Item);
  }

  async ledger(userId: string, limit: number, after?: LedgerPosition): Promise<Page<LedgerEntry>> {
    const { Items, LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tables.credits,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :ledger)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': accountKey(userId).pk, ':ledger': ledgerPrefix },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: after,
      }),
    );
    return { items: (Items ?? []).map(toLedgerEntry), nextCursor: encodeLedgerCursor(LastEvaluatedKey) };
  }

  async userSessions(
    userId: string,
    options: { limit: number; from?: number; to?: number },
  ): Promise<SettledSession[]> {
    const sessions: SettledSession[] = [];
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
      sessions.push(...(Items ?? []).map(toSettledSession));
      start = LastEvaluatedKey;
    } while (start && sessions.length < options.limit);
    return sessions;
  }

  async sessionsBetween(from: number, to: number): Promise<SettledSession[]> {
    const sessions: SettledSession[] = [];
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
      sessions.push(...(Items ?? []).map(toSettledSession));
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

  async getSession(sessionId: string): Promise<SettledSession | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.sessions, Key: { sessionId }, ConsistentRead: true }),
    );
    return Item ? toSettledSession(Item) : undefined;
  }

  async resetAbuse(userId: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: accountKey(userId),
          ...expressionInput({
            condition: expr('attribute_exists(#pk)'),
            update: update({ set: [expr('#abuse = :none', { ':none': {} })], remove: [expr('#abuseBlockedUntil')] }),
          }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  requestKill(userId: string, sessionId: string, actor: string): Promise<boolean> {
    return this.throttleStore.requestKill(userId, sessionId, actor);
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
