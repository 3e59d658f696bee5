// Direct access to the local DynamoDB-compatible server for setting up tiers and
// accounts and for reading back what the service wrote (accounts, ledger, sessions).
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/throttle/dynamo/dynamo-client.js';
import { accountKey, ledgerKey, ledgerPrefix, sweepShardOf } from '../../functions/shared/keys.js';
import { DynamoThrottleStore } from '../../functions/throttle/dynamo/dynamo-throttle-store.js';
import { sessionIndexes, type TableNames } from '../../functions/shared/tables.js';
import { tierSchema, type Tier } from '../../functions/shared/tier.js';
import {
  accountSchema,
  reservedOf,
  settledSessionSchema,
  type Account,
  type SettledSession,
} from '../../functions/throttle/account.js';
import { localAwsCredentials } from '../../local/embedded-dynamodb.js';

export interface LedgerEntry {
  sk: string;
  type: 'grant' | 'charge';
  amount: number;
  sessionId?: string;
  idempotencyKey?: string;
}

/** Easy test prices: 1 micro-unit per input token and 2 per output token on local-small. */
export const testCatalog = {
  openai: {},
  groq: {},
  local: {
    'local-small': { input: 1_000_000, output: 2_000_000 },
    'local-large': { input: 10_000_000, output: 20_000_000 },
  },
};

export const testTier = (name: string, overrides: Partial<Tier> = {}): Tier =>
  tierSchema.parse({
    name,
    requestsPerHour: 1_000,
    burst: 1_000,
    maxTokensPerRequest: 1_000,
    concurrentStreams: 100,
    tokensPerMinute: 1_000_000,
    maxStreamSeconds: 120,
    allowedModels: ['local:*'],
    ...overrides,
  });

export class StoreFixtures {
  readonly db: DynamoDBDocumentClient;

  constructor(
    endpoint: string,
    readonly tables: TableNames,
  ) {
    this.db = createDocumentClient({ region: 'us-east-1', endpoint, credentials: localAwsCredentials });
  }

  async putTier(tier: Tier): Promise<Tier> {
    await this.db.send(new PutCommand({ TableName: this.tables.tiers, Item: tier }));
    return tier;
  }

  /** Creates an account on `tier` with `credits`, recorded as a grant in the ledger. */
  async createAccount(userId: string, tier: string, credits: number): Promise<void> {
    const now = Date.now();
    await this.db.send(
      new PutCommand({
        TableName: this.tables.credits,
        Item: {
          ...ledgerKey(userId, now, 'grant', 'fixture'),
          type: 'grant',
          amount: credits,
          reason: 'test fixture',
          actor: 'test',
          at: now,
        },
      }),
    );
    const account: Account = {
      userId,
      tier,
      balance: credits,
      available: credits,
      pending: {},
      grants: {},
      outbox: {},
      abuse: {},
      rev: 0,
      sweepShard: sweepShardOf(userId),
      createdAt: now,
    };
    await this.db.send(new PutCommand({ TableName: this.tables.credits, Item: { ...accountKey(userId), ...account } }));
  }

  /** A new user alone on a new tier (limits from `testTier` plus `overrides`), with `credits`. */
  async userOnNewTier(overrides: Partial<Tier> = {}, credits = 1_000_000): Promise<{ userId: string; tier: Tier }> {
    const tier = await this.putTier(testTier(`t-${randomUUID().slice(0, 8)}`, overrides));
    const userId = `u-${randomUUID().slice(0, 8)}`;
    await this.createAccount(userId, tier.name, credits);
    return { userId, tier };
  }

  async account(userId: string): Promise<Account> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.credits, Key: accountKey(userId), ConsistentRead: true }),
    );
    if (!Item) throw new Error(`no account for ${userId}`);
    const { pk: _pk, sk: _sk, ...account } = Item;
    return accountSchema.parse(account);
  }

  async ledger(userId: string): Promise<LedgerEntry[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tables.credits,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ledger)',
        ExpressionAttributeValues: { ':pk': accountKey(userId).pk, ':ledger': ledgerPrefix },
        ConsistentRead: true,
      }),
    );
    return (Items ?? []) as LedgerEntry[];
  }

  /** An operator's kill of a live session, as the admin API requests it. */
  kill(userId: string, sessionId: string): Promise<boolean> {
    return new DynamoThrottleStore(this.db, this.tables).requestKill(userId, sessionId, 'test');
  }

  /** A user's settled session records (the projections of their settlements). */
  async sessions(userId: string): Promise<SettledSession[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tables.sessions,
        IndexName: sessionIndexes.byUser,
        KeyConditionExpression: 'userId = :u',
        ExpressionAttributeValues: { ':u': userId },
      }),
    );
    return (Items ?? []).map((item) => settledSessionSchema.parse(item));
  }

  /**
   * The money invariants: the ledger sums to the balance, nothing is pending once all
   * streams ended, no balance below zero.
   */
  async expectBalanced(userId: string): Promise<{ account: Account; ledger: LedgerEntry[]; charged: number }> {
    const [account, ledger] = [await this.account(userId), await this.ledger(userId)];
    const sum = ledger.reduce((total, entry) => total + entry.amount, 0);
    const pendingReserved = reservedOf(account);
    if (sum !== account.balance) throw new Error(`ledger sums to ${sum} but the balance is ${account.balance}`);
    if (account.available !== account.balance - pendingReserved)
      throw new Error(`available ${account.available} != balance ${account.balance} - pending ${pendingReserved}`);
    if (account.balance < 0 || account.available < 0) throw new Error(`negative balance: ${JSON.stringify(account)}`);
    const charged = ledger.filter((e) => e.type === 'charge').reduce((total, e) => total - e.amount, 0);
    return { account, ledger, charged };
  }

  async session(sessionId: string): Promise<SettledSession | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.sessions, Key: { sessionId }, ConsistentRead: true }),
    );
    return Item ? settledSessionSchema.parse(Item) : undefined;
  }

  close(): void {
    this.db.destroy();
  }
}
