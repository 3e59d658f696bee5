// The three DynamoDB tables (keys as functions/throttle/table-definitions.ts reads them),
// on-demand, encrypted, with point-in-time recovery, TTL on sessions, deletion
// protection where configured, and the stack's tiers seeded once.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import { tagsFor } from './tags.js';

export interface Tables {
  tiers: aws.dynamodb.Table;
  credits: aws.dynamodb.Table;
  sessions: aws.dynamodb.Table;
}

/** DynamoDB JSON for a plain tier object (strings, numbers, lists of strings). */
function toDynamoJson(value: unknown): unknown {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toDynamoJson) };
  if (value && typeof value === 'object')
    return { M: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toDynamoJson(v)])) };
  return { NULL: true };
}

export function createTables(prefix: string, settings: StackConfig): Tables {
  const common = {
    billingMode: 'PAY_PER_REQUEST',
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true },
    deletionProtectionEnabled: settings.deletionProtection,
  };
  const protect = { protect: settings.deletionProtection };

  const tiers = new aws.dynamodb.Table(
    `${prefix}-tiers`,
    {
      ...common,
      hashKey: 'name',
      attributes: [{ name: 'name', type: 'S' }],
      tags: tagsFor(settings, 'tiers'),
    },
    protect,
  );

  const credits = new aws.dynamodb.Table(
    `${prefix}-credits`,
    {
      ...common,
      hashKey: 'pk',
      rangeKey: 'sk',
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
        { name: 'tier', type: 'S' },
      ],
      globalSecondaryIndexes: [
        { name: 'accountsByTier', hashKey: 'tier', rangeKey: 'pk', projectionType: 'KEYS_ONLY' },
      ],
      tags: tagsFor(settings, 'credits'),
    },
    protect,
  );

  const sessions = new aws.dynamodb.Table(
    `${prefix}-sessions`,
    {
      ...common,
      hashKey: 'sessionId',
      attributes: [
        { name: 'sessionId', type: 'S' },
        { name: 'userId', type: 'S' },
        { name: 'startedAt', type: 'N' },
        { name: 'openShard', type: 'S' },
        { name: 'leaseUntil', type: 'N' },
      ],
      globalSecondaryIndexes: [
        { name: 'byUser', hashKey: 'userId', rangeKey: 'startedAt', projectionType: 'ALL' },
        { name: 'openByLease', hashKey: 'openShard', rangeKey: 'leaseUntil', projectionType: 'ALL' },
      ],
      ttl: { attributeName: 'expiresAt', enabled: true },
      tags: tagsFor(settings, 'sessions'),
    },
    protect,
  );

  for (const tier of settings.tiers) {
    // Seeded once: later edits through the admin API are the operator's and are kept.
    new aws.dynamodb.TableItem(
      `${prefix}-tier-${tier.name}`,
      {
        tableName: tiers.name,
        hashKey: tiers.hashKey,
        item: pulumi.output(JSON.stringify((toDynamoJson(tier) as { M: unknown }).M)),
      },
      { ignoreChanges: ['item'] },
    );
  }
  return { tiers, credits, sessions };
}
