// Counts a refusal twice, in parallel: in the user's hourly usage item (per-user reports)
// and in one of the hour's global shards (the usage rollup sums the shards instead of
// scanning users). Counters, not money: a retried write may count a refusal twice.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { rejectionAttribute, rejectionCounterKey, rejectionShardCount, usageKey } from '../../shared/keys.js';
import { guarded } from './store-errors.js';

const hourStartOf = (now: number) => now - (now % 3_600_000);

function increment(table: string, key: Record<string, string>, reason: string, now: number) {
  return new UpdateCommand({
    TableName: table,
    Key: key,
    UpdateExpression: 'ADD #counter :one SET #at = if_not_exists(#at, :now)',
    ExpressionAttributeNames: { '#counter': rejectionAttribute(reason), '#at': 'hourStart' },
    ExpressionAttributeValues: { ':one': 1, ':now': hourStartOf(now) },
  });
}

export async function countRejection(
  db: DynamoDBDocumentClient,
  table: string,
  userId: string,
  reason: string,
  now: number,
  // Any shard will do: the counts are summed. Random spreads a flood from one user too.
  shard = Math.floor(Math.random() * rejectionShardCount),
): Promise<void> {
  await Promise.all(
    [usageKey(userId, now), rejectionCounterKey(shard, now)].map((key) =>
      guarded(() => db.send(increment(table, key, reason, now))),
    ),
  );
}
