// Experiments on DynamoDB, in the credits table: each experiment's item under the
// `EXPERIMENT` partition (kept after it stops, so its report stays), a claim item per tier
// naming the running one, and per-user counters in a few partitions of their own. No
// transactions: an experiment's item is written first, then the claim starts it, so a
// crash in between leaves an experiment that never ran, not a tier running a ghost.
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  claimPrefix,
  experimentClaimKey,
  experimentKey,
  experimentMemberKey,
  experimentMemberPartitions,
  experimentPartition,
  experimentPrefix,
  rejectionAttribute,
  upgradeAttribute,
  variantTag,
} from '../shared/keys.js';
import { sessionIndexes, type TableNames } from '../shared/tables.js';
import { settledSessionSchema, type SettledSession } from '../throttle/account.js';
import { conditional, guarded } from '../throttle/dynamo/store-errors.js';
import { anyOf, expr, expressionInput, update } from '../throttle/dynamo/expression.js';
import { experimentSchema, sameDefinition, type Experiment, type ExperimentRecord } from './experiment.js';
import type { CreateOutcome, ExperimentStore, MemberCounters, StopOutcome } from './experiment-store.js';

const rejectedPrefix = rejectionAttribute('');
const upgradedPrefix = upgradeAttribute('');

// Stored as `experimentTier`: an item with a `tier` would join the accountsByTier index.
const toItem = ({ tier, ...experiment }: Experiment) => ({
  ...experimentKey(experiment.id),
  ...experiment,
  experimentTier: tier,
});
const fromItem = ({ pk: _pk, sk: _sk, experimentTier, ...item }: Record<string, unknown>): Experiment =>
  experimentSchema.parse({ ...item, tier: experimentTier });

/** Counters named `<prefix><key>` on an item, as `{ key: count }`. */
const countersOf = (item: Record<string, unknown>, prefix: string) =>
  Object.fromEntries(
    Object.entries(item)
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, count]) => [name.slice(prefix.length), Number(count)]),
  );

export class DynamoExperimentStore implements ExperimentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: TableNames,
  ) {}

  async runningId(tier: string): Promise<string | undefined> {
    const { Item } = await guarded(() =>
      this.db.send(new GetCommand({ TableName: this.tables.credits, Key: experimentClaimKey(tier) })),
    );
    return typeof Item?.experimentId === 'string' ? Item.experimentId : undefined;
  }

  async get(id: string): Promise<Experiment | undefined> {
    const { Item } = await guarded(() =>
      this.db.send(new GetCommand({ TableName: this.tables.credits, Key: experimentKey(id), ConsistentRead: true })),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async record(id: string): Promise<ExperimentRecord | undefined> {
    const experiment = await this.get(id);
    if (!experiment) return undefined;
    return { ...experiment, status: (await this.runningId(experiment.tier)) === id ? 'running' : 'stopped' };
  }

  async create(experiment: Experiment): Promise<CreateOutcome> {
    const { id, tier } = experiment;
    const holder = await this.runningId(tier);
    if (holder !== undefined && holder !== id) return { outcome: 'tier_busy', runningId: holder };
    const written = await conditional(() =>
      this.db.send(
        new PutCommand({
          TableName: this.tables.credits,
          Item: toItem(experiment),
          ...expressionInput({ condition: expr('attribute_not_exists(#pk)') }),
        }),
      ),
    );
    if (!written) {
      // Only a retry of the same declaration, not yet stopped, may go on to claim the tier.
      const existing = await this.get(id);
      if (!existing || existing.stoppedAt !== undefined || !sameDefinition(existing, experiment))
        return { outcome: 'exists' };
    }
    const claimed = await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: experimentClaimKey(tier),
          ...expressionInput({
            condition: anyOf(expr('attribute_not_exists(#experimentId)'), expr('#experimentId = :id', { ':id': id })),
            update: update({ set: [expr('#experimentId = :id', { ':id': id })] }),
          }),
        }),
      ),
    );
    if (!claimed) {
      // Another create won the tier in between: this experiment never runs, and its id stays taken.
      await this.markStopped(id, 'system', experiment.createdAt);
      return { outcome: 'tier_busy', runningId: (await this.runningId(tier)) ?? 'unknown' };
    }
    const created = (await this.record(id))!;
    return { outcome: written ? 'created' : 'replayed', experiment: created };
  }

  async stop(id: string, actor: string, now: number): Promise<StopOutcome> {
    const experiment = await this.get(id);
    if (!experiment) return { outcome: 'not_found' };
    // Clearing the claim is what stops it; the stop time on the experiment is a record of that.
    const released = await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: experimentClaimKey(experiment.tier),
          ...expressionInput({
            condition: expr('#experimentId = :id', { ':id': id }),
            update: update({ remove: [expr('#experimentId')] }),
          }),
        }),
      ),
    );
    const marked = experiment.stoppedAt === undefined && (await this.markStopped(id, actor, now));
    const record = (await this.record(id))!;
    return { outcome: released || marked ? 'stopped' : 'already_stopped', experiment: record };
  }

  private async markStopped(id: string, actor: string, now: number): Promise<boolean> {
    const done = await conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: experimentKey(id),
          ...expressionInput({
            condition: expr('attribute_exists(#pk) AND attribute_not_exists(#stoppedAt)'),
            update: update({
              set: [expr('#stoppedAt = :now', { ':now': now }), expr('#stoppedBy = :actor', { ':actor': actor })],
            }),
          }),
        }),
      ),
    );
    return done !== undefined;
  }

  async list(): Promise<ExperimentRecord[]> {
    const items = await this.queryAll({
      TableName: this.tables.credits,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': experimentPartition },
    });
    const claims = new Map(
      items
        .filter((item) => String(item.sk).startsWith(claimPrefix) && typeof item.experimentId === 'string')
        .map((item) => [String(item.sk).slice(claimPrefix.length), String(item.experimentId)]),
    );
    return items
      .filter((item) => String(item.sk).startsWith(experimentPrefix))
      .map(fromItem)
      .map((e): ExperimentRecord => ({ ...e, status: claims.get(e.tier) === e.id ? 'running' : 'stopped' }))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  recordRefusal(experimentId: string, variant: string, userId: string, reason: string): Promise<void> {
    return this.count(experimentId, variant, userId, rejectionAttribute(reason));
  }

  recordTierChange(experimentId: string, variant: string, userId: string, toTier: string): Promise<void> {
    return this.count(experimentId, variant, userId, upgradeAttribute(toTier));
  }

  /** One ADD on the user's member item, which it creates: no read, no condition. */
  private async count(experimentId: string, variant: string, userId: string, counter: string): Promise<void> {
    await guarded(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: experimentMemberKey(experimentId, variant, userId),
          UpdateExpression: 'ADD #counter :one SET #variant = :variant, #userId = :userId',
          ExpressionAttributeNames: { '#counter': counter, '#variant': 'variant', '#userId': 'userId' },
          ExpressionAttributeValues: { ':one': 1, ':variant': variant, ':userId': userId },
        }),
      ),
    );
  }

  async members(experimentId: string): Promise<MemberCounters[]> {
    const shards = await Promise.all(
      experimentMemberPartitions(experimentId).map((pk) =>
        this.queryAll({
          TableName: this.tables.credits,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': pk },
        }),
      ),
    );
    return shards.flat().map((item) => ({
      variant: String(item.variant),
      userId: String(item.userId),
      rejections: countersOf(item, rejectedPrefix),
      upgrades: countersOf(item, upgradedPrefix),
    }));
  }

  async variantSessions(experimentId: string, variant: string): Promise<SettledSession[]> {
    const items = await this.queryAll({
      TableName: this.tables.sessions,
      IndexName: sessionIndexes.byVariant,
      KeyConditionExpression: '#variant = :variant',
      ExpressionAttributeNames: { '#variant': 'variant' },
      ExpressionAttributeValues: { ':variant': variantTag(experimentId, variant) },
    });
    return items.map((item) => settledSessionSchema.parse(item));
  }

  private async queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await guarded(() => this.db.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
