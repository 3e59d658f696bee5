// The three tables as one description: their keys, indexes and TTL. The local stack
// creates tables from it, the Pulumi program declares them from it, and the stores name
// indexes through it, so a key or index is defined in exactly one place.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface TableNames {
  tiers: string;
  credits: string;
  sessions: string;
}
export type TableRole = keyof TableNames;

type AttributeType = 'S' | 'N';
interface KeyAttribute {
  name: string;
  type: AttributeType;
}

interface IndexSpec {
  name: string;
  hashKey: KeyAttribute;
  rangeKey?: KeyAttribute;
  projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableSpec {
  hashKey: KeyAttribute;
  rangeKey?: KeyAttribute;
  indexes: IndexSpec[];
  /** Attribute holding an expiry in epoch seconds (DynamoDB TTL). */
  ttlAttribute?: string;
}

const string = (name: string): KeyAttribute => ({ name, type: 'S' });
const number = (name: string): KeyAttribute => ({ name, type: 'N' });

export const creditIndexes = {
  /** Account items by tier (only accounts carry `tier`): who is on a tier. */
  accountsByTier: 'accountsByTier',
  /** Accounts the sweeper should look at, by when (sparse: only accounts with a `sweepAt`). */
  sweepDue: 'sweepDue',
} as const;

export const sessionIndexes = {
  /** A user's settled sessions, newest first. */
  byUser: 'byUser',
  /** Settled sessions by the hour they settled in (`settledHour`): what the usage rollup recomputes an hour from. */
  bySettledHour: 'bySettledHour',
  /** Settled sessions of a limit-experiment variant (sparse: only sessions with a `variant`). */
  byVariant: 'byVariant',
} as const;

export const tableSpecs: Record<TableRole, TableSpec> = {
  tiers: { hashKey: string('name'), indexes: [] },
  credits: {
    hashKey: string('pk'),
    rangeKey: string('sk'),
    indexes: [
      { name: creditIndexes.accountsByTier, hashKey: string('tier'), rangeKey: string('pk'), projection: 'KEYS_ONLY' },
      {
        name: creditIndexes.sweepDue,
        hashKey: string('sweepShard'),
        rangeKey: number('sweepAt'),
        projection: 'KEYS_ONLY',
      },
    ],
  },
  sessions: {
    hashKey: string('sessionId'),
    indexes: [
      { name: sessionIndexes.byUser, hashKey: string('userId'), rangeKey: number('startedAt'), projection: 'ALL' },
      {
        name: sessionIndexes.bySettledHour,
        hashKey: string('settledHour'),
        rangeKey: string('sessionId'),
        projection: 'ALL',
      },
      { name: sessionIndexes.byVariant, hashKey: string('variant'), rangeKey: number('startedAt'), projection: 'ALL' },
    ],
    ttlAttribute: 'expiresAt',
  },
};

/** Every attribute a key of the table or of one of its indexes uses, once. */
export function keyAttributes(spec: TableSpec): KeyAttribute[] {
  const all = [spec.hashKey, spec.rangeKey, ...spec.indexes.flatMap((i) => [i.hashKey, i.rangeKey])];
  const byName = new Map(all.filter((a): a is KeyAttribute => a !== undefined).map((a) => [a.name, a]));
  return [...byName.values()];
}

const keySchema = (hash: KeyAttribute, range?: KeyAttribute) => [
  { AttributeName: hash.name, KeyType: 'HASH' as const },
  ...(range ? [{ AttributeName: range.name, KeyType: 'RANGE' as const }] : []),
];

/** CreateTable requests for a local server (TTL is a deploy-time property; dynalite lacks it). */
export function createTableInputs(names: TableNames): CreateTableCommandInput[] {
  return (Object.keys(tableSpecs) as TableRole[]).map((role) => {
    const spec = tableSpecs[role];
    return {
      TableName: names[role],
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keyAttributes(spec).map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
      KeySchema: keySchema(spec.hashKey, spec.rangeKey),
      ...(spec.indexes.length
        ? {
            GlobalSecondaryIndexes: spec.indexes.map((index) => ({
              IndexName: index.name,
              KeySchema: keySchema(index.hashKey, index.rangeKey),
              Projection: { ProjectionType: index.projection },
            })),
          }
        : {}),
    };
  });
}
