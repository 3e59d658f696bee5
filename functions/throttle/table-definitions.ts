// Key schemas of the three tables, as the store reads and writes them. The Pulumi
// program declares the same keys (a test checks that they agree).
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const creditIndexes = {
  /** Account items by tier (only accounts carry `tier`): who is on a tier. */
  accountsByTier: 'accountsByTier',
} as const;

export const sessionIndexes = {
  /** A user's sessions, newest first. */
  byUser: 'byUser',
  /** Sessions not yet settled, by lease expiry: what the sweeper reads. Sparse. */
  openByLease: 'openByLease',
} as const;

export interface TableNames {
  tiers: string;
  credits: string;
  sessions: string;
}

export function tableDefinitions(names: TableNames): CreateTableCommandInput[] {
  return [
    {
      TableName: names.tiers,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'name', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
    },
    {
      TableName: names.credits,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'tier', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: creditIndexes.accountsByTier,
          KeySchema: [
            { AttributeName: 'tier', KeyType: 'HASH' },
            { AttributeName: 'pk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    },
    {
      TableName: names.sessions,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'sessionId', AttributeType: 'S' },
        { AttributeName: 'userId', AttributeType: 'S' },
        { AttributeName: 'startedAt', AttributeType: 'N' },
        { AttributeName: 'openShard', AttributeType: 'S' },
        { AttributeName: 'leaseUntil', AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: sessionIndexes.byUser,
          KeySchema: [
            { AttributeName: 'userId', KeyType: 'HASH' },
            { AttributeName: 'startedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: sessionIndexes.openByLease,
          KeySchema: [
            { AttributeName: 'openShard', KeyType: 'HASH' },
            { AttributeName: 'leaseUntil', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  ];
}

/** Attribute that expires settled sessions (DynamoDB TTL, epoch seconds). */
export const sessionTtlAttribute = 'expiresAt';
