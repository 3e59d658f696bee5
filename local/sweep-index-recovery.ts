// dynalite writes an item and its index entries as separate LevelDB writes, so killing the
// dev server can leave the sparse `sweepDue` index out of step with the accounts. The
// sweeper only finds work through that index, so at start (with data on disk) every
// account that has `sweepAt` is rewritten with the same value, which rewrites its index
// entry. DynamoDB keeps indexes in step itself; this is for the embedded store only.
import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../functions/shared/tables.js';

export async function recoverSweepIndex(db: DynamoDBDocumentClient, tables: TableNames): Promise<number> {
  let recovered = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tables.credits,
        FilterExpression: 'attribute_exists(#sweepAt)',
        ProjectionExpression: '#pk, #sk, #sweepAt',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#sweepAt': 'sweepAt' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      await db.send(
        new UpdateCommand({
          TableName: tables.credits,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET #sweepAt = :sweepAt',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#sweepAt': 'sweepAt', '#pk': 'pk' },
          ExpressionAttributeValues: { ':sweepAt': item.sweepAt },
        }),
      );
      recovered += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return recovered;
}
