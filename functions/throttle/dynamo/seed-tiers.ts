// Writes the default tiers where they are missing (an operator's edits are kept).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { defaultTiers } from '../../shared/default-tiers.js';
import type { Tier } from '../../shared/tier.js';

export async function seedTiers(
  db: DynamoDBDocumentClient,
  tableName: string,
  tiers: Tier[] = defaultTiers,
): Promise<void> {
  for (const tier of tiers) {
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: tier,
          ConditionExpression: 'attribute_not_exists(#name)',
          ExpressionAttributeNames: { '#name': 'name' },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }
}
