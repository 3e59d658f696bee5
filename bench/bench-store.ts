// The store the benchmarks run against: the embedded one (dynalite) in a process of its
// own, as DynamoDB is in production, or any DynamoDB-compatible server named by
// DYNAMODB_ENDPOINT (DynamoDB Local). Tables get names of their own per run, and the
// yardstick of every store figure is here: one bare conditional UpdateItem.
import { randomUUID } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTables, localAwsCredentials } from '../local/embedded-dynamodb.js';
import { spawnEmbeddedDynamo } from '../local/embedded-dynamodb-process.js';
import type { TableNames } from '../functions/shared/tables.js';
import { tierSchema } from '../functions/shared/tier.js';
import { createDocumentClient } from '../functions/throttle/dynamo/dynamo-client.js';
import { seedTiers } from '../functions/throttle/dynamo/seed-tiers.js';
import { DynamoExperimentStore } from '../functions/experiments/dynamo-experiment-store.js';

/** Limits no benchmark reaches, so every stream is admitted; reporting as the tiers' defaults. */
export const benchTier = tierSchema.parse({
  name: 'bench',
  requestsPerHour: 3_600_000,
  burst: 100_000,
  maxTokensPerRequest: 100_000,
  concurrentStreams: 1_000,
  tokensPerMinute: 1_000_000_000,
  maxStreamSeconds: 300,
  allowedModels: ['*'],
});

export interface BenchStore {
  endpoint: string;
  /** What the store is, for the report. */
  description: string;
  pid?: number;
  tables: TableNames;
  /** A document client as the service builds it (same pool, timeouts and retries). */
  client(): DynamoDBDocumentClient;
  close(): Promise<void>;
}

export async function startBenchStore(): Promise<BenchStore> {
  const external = process.env.DYNAMODB_ENDPOINT;
  const spawned = external ? undefined : await spawnEmbeddedDynamo();
  const endpoint = external ?? spawned!.endpoint;
  const run = randomUUID().slice(0, 8);
  const tables: TableNames = {
    tiers: `bench-${run}-tiers`,
    credits: `bench-${run}-credits`,
    sessions: `bench-${run}-sessions`,
  };
  await createTables(endpoint, tables);
  const clients: DynamoDBDocumentClient[] = [];
  const client = () => {
    const db = createDocumentClient({ region: 'us-east-1', endpoint, credentials: localAwsCredentials });
    clients.push(db);
    return db;
  };
  await seedTiers(client(), tables.tiers, [benchTier]);
  // A limit experiment runs on the bench tier: admission must stay one request with it on.
  await new DynamoExperimentStore(client(), tables).create({
    id: 'bench-split',
    tier: benchTier.name,
    salt: 'bench-split',
    variants: [
      { name: 'control', share: 0.5, limits: {} },
      { name: 'smaller-burst', share: 0.5, limits: { burst: 50_000 } },
    ],
    createdAt: Date.now(),
    createdBy: 'bench',
  });
  return {
    endpoint,
    description: external
      ? `DYNAMODB_ENDPOINT ${external}`
      : `dynalite in its own process (pid ${spawned!.pid}, in memory)`,
    pid: spawned?.pid,
    tables,
    client,
    close: async () => {
      for (const db of clients) db.destroy();
      await spawned?.close();
    },
  };
}

/**
 * The yardstick: one conditional UpdateItem on a small item of the credits table (a
 * counter under a ceiling), ReturnValues NONE, through a client built like the service's.
 */
export function bareUpdate(db: DynamoDBDocumentClient, tables: TableNames) {
  return (key: string) =>
    db.send(
      new UpdateCommand({
        TableName: tables.credits,
        Key: { pk: `BARE#${key}`, sk: 'BARE' },
        UpdateExpression: 'SET #n = if_not_exists(#n, :zero) + :one',
        ConditionExpression: 'attribute_not_exists(#n) OR #n < :ceiling',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':ceiling': Number.MAX_SAFE_INTEGER },
      }),
    );
}
