// The three DynamoDB tables (keys and indexes from functions/shared/tables.ts),
// on-demand, encrypted, with point-in-time recovery, TTL on sessions, deletion
// protection where configured, and the stack's tiers and model catalog seeded once.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import { tagsFor } from './tags.js';
import { keyAttributes, tableSpecs, type TableRole } from '../functions/shared/tables.js';
import { catalogKey } from '../functions/shared/keys.js';

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

  const table = (role: TableRole) => {
    const spec = tableSpecs[role];
    return new aws.dynamodb.Table(
      `${prefix}-${role}`,
      {
        ...common,
        hashKey: spec.hashKey.name,
        rangeKey: spec.rangeKey?.name,
        attributes: keyAttributes(spec),
        globalSecondaryIndexes: spec.indexes.length
          ? spec.indexes.map((index) => ({
              name: index.name,
              hashKey: index.hashKey.name,
              rangeKey: index.rangeKey?.name,
              projectionType: index.projection,
            }))
          : undefined,
        ttl: spec.ttlAttribute ? { attributeName: spec.ttlAttribute, enabled: true } : undefined,
        tags: tagsFor(settings, role),
      },
      protect,
    );
  };
  const tiers = table('tiers');
  const credits = table('credits');
  const sessions = table('sessions');

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
  // The run-time model catalog, seeded once as well: afterwards the admin API manages it.
  const catalog = { ...catalogKey, models: settings.models, rev: 0, updatedAt: 0, updatedBy: 'seed' };
  new aws.dynamodb.TableItem(
    `${prefix}-model-catalog`,
    {
      tableName: credits.name,
      hashKey: credits.hashKey,
      rangeKey: credits.rangeKey,
      item: pulumi.output(JSON.stringify((toDynamoJson(catalog) as { M: unknown }).M)),
    },
    { ignoreChanges: ['item'] },
  );
  return { tiers, credits, sessions };
}
