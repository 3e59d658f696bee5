// The load gauges every chat-stream container publishes (`loadKey`), read back: one Query
// per shard for those written since a moment. Admission's load (LoadGauge) and the usage
// rollup's active-streams sample both read them this way.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadPartitions } from '../../shared/keys.js';
import type { LoadPublication } from '../load-gauge.js';
import { guarded } from './store-errors.js';

export async function readLoadGauges(
  db: DynamoDBDocumentClient,
  table: string,
  since: number,
): Promise<LoadPublication[]> {
  const pages = await Promise.all(
    loadPartitions.map((pk) =>
      guarded(() =>
        db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: '#pk = :pk',
            FilterExpression: '#at >= :since',
            ExpressionAttributeNames: { '#pk': 'pk', '#at': 'at' },
            ExpressionAttributeValues: { ':pk': pk, ':since': since },
          }),
        ),
      ),
    ),
  );
  return pages.flatMap((page) =>
    (page.Items ?? []).map((item) => ({
      containerId: String(item.containerId),
      active: Number(item.active),
      capacity: Number(item.capacity),
      at: Number(item.at),
    })),
  );
}
