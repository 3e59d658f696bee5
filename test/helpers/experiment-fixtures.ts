// Limit experiments for tests: started through the real store, and users picked by the
// real assignment so a test knows in advance which variant each of its users is in.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { assignVariant } from '../../functions/experiments/assignment.js';
import { DynamoExperimentStore } from '../../functions/experiments/dynamo-experiment-store.js';
import type { Experiment, ExperimentVariant } from '../../functions/experiments/experiment.js';
import type { TableNames } from '../../functions/shared/tables.js';

export async function startExperiment(
  db: DynamoDBDocumentClient,
  tables: TableNames,
  tier: string,
  variants: Array<Pick<ExperimentVariant, 'name' | 'share'> & Partial<ExperimentVariant>>,
): Promise<Experiment> {
  const id = `exp-${randomUUID().slice(0, 8)}`;
  const experiment: Experiment = {
    id,
    tier,
    salt: id,
    variants: variants.map((v) => ({ limits: {}, ...v })),
    createdAt: Date.now(),
    createdBy: 'test',
  };
  const created = await new DynamoExperimentStore(db, tables).create(experiment);
  if (created.outcome !== 'created') throw new Error(`experiment not started: ${created.outcome}`);
  return experiment;
}

/** `count` new user ids that the experiment puts in `variant`. */
export function usersIn(
  experiment: { salt: string; variants: ReadonlyArray<{ name: string; share: number }> },
  variant: string,
  count: number,
): string[] {
  const users: string[] = [];
  while (users.length < count) {
    const userId = `u-${randomUUID().slice(0, 8)}`;
    if (assignVariant(experiment, userId).name === variant) users.push(userId);
  }
  return users;
}
