// The usage rollup's reads and writes on DynamoDB: an hour's settled sessions through the
// sparse `bySettledHour` index (never a scan), the hour's refusal shards, the load gauges
// of the chat-stream containers, and the rollup items (one partition, sorted by hour).
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  loadSamplesKey,
  rejectionCounterKey,
  rejectionShardCount,
  rollupKey,
  rollupPartition,
} from '../shared/keys.js';
import { sessionIndexes, type TableNames } from '../shared/tables.js';
import { settledSessionSchema, type SettledSession } from '../throttle/account.js';
import { anyOf, expr, expressionInput } from '../throttle/dynamo/expression.js';
import { conditional, guarded } from '../throttle/dynamo/store-errors.js';
import { readLoadGauges } from '../throttle/dynamo/load-gauges.js';
import { hourRollupSchema, loadSampleSchema, type HourRollup, type LoadSample } from './rollup-schema.js';

/** A container's gauge counts while it is this fresh (containers write about every 10 s). */
const loadFreshMs = 30_000;

const rejectionPrefix = 'rejected_';
const minuteAttribute = (at: number) => `m${String(new Date(at).getUTCMinutes()).padStart(2, '0')}`;

export interface StoredRollups {
  hours: HourRollup[];
  load: LoadSample[];
}

export class DynamoRollupStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Pick<TableNames, 'credits' | 'sessions'>,
  ) {}

  /** The sessions that settled in `hour`, from the sparse index (which may lag a moment behind its table). */
  async settledSessions(hour: string): Promise<SettledSession[]> {
    const sessions: SettledSession[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await guarded(() =>
        this.db.send(
          new QueryCommand({
            TableName: this.tables.sessions,
            IndexName: sessionIndexes.bySettledHour,
            KeyConditionExpression: '#settledHour = :hour',
            ExpressionAttributeNames: { '#settledHour': 'settledHour' },
            ExpressionAttributeValues: { ':hour': hour },
            ExclusiveStartKey: start,
          }),
        ),
      );
      sessions.push(...(page.Items ?? []).map((item) => settledSessionSchema.parse(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return sessions;
  }

  /** The hour's refusals by reason, summed over the shards. */
  async rejections(hourStart: number): Promise<Record<string, number>> {
    const shards = await Promise.all(
      Array.from({ length: rejectionShardCount }, (_, shard) =>
        guarded(() =>
          this.db.send(new GetCommand({ TableName: this.tables.credits, Key: rejectionCounterKey(shard, hourStart) })),
        ),
      ),
    );
    const totals: Record<string, number> = {};
    for (const { Item } of shards) {
      for (const [name, value] of Object.entries(Item ?? {})) {
        if (!name.startsWith(rejectionPrefix)) continue;
        const reason = name.slice(rejectionPrefix.length);
        totals[reason] = (totals[reason] ?? 0) + Number(value);
      }
    }
    return totals;
  }

  /** Streams running now: the sum over the containers whose gauge is fresh. */
  async activeStreams(now: number): Promise<LoadSample> {
    const gauges = await readLoadGauges(this.db, this.tables.credits, now - loadFreshMs);
    const sum = (name: 'active' | 'capacity') =>
      gauges.reduce((total, gauge) => total + Math.max(0, gauge[name] || 0), 0);
    return { at: now, active: sum('active'), capacity: sum('capacity'), containers: gauges.length };
  }

  /** Records a load sample under its minute: sampling twice in a minute keeps the later one. */
  async recordLoad(hour: string, hourStart: number, sample: LoadSample): Promise<void> {
    await guarded(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tables.credits,
          Key: loadSamplesKey(hour),
          ...expressionInput({
            update: expr(
              'SET #minute = :sample, #hourStart = :hourStart',
              { ':sample': sample, ':hourStart': hourStart },
              {
                '#minute': minuteAttribute(sample.at),
              },
            ),
          }),
        }),
      ),
    );
  }

  /** Writes an hour's rollup unless a newer computation of it is already there. */
  async putRollup(rollup: HourRollup): Promise<boolean> {
    const written = await conditional(() =>
      this.db.send(
        new PutCommand({
          TableName: this.tables.credits,
          Item: { ...rollupKey(rollup.hour), ...rollup },
          ...expressionInput({
            condition: anyOf(
              expr('attribute_not_exists(#pk)'),
              expr('#computedAt <= :computedAt', { ':computedAt': rollup.computedAt }),
            ),
          }),
        }),
      ),
    );
    return written !== undefined;
  }

  /** Rollups and load samples of the hours from `fromHour` to `toHour`, oldest first. */
  async rollups(fromHour: string, toHour: string): Promise<StoredRollups> {
    const result: StoredRollups = { hours: [], load: [] };
    let start: Record<string, unknown> | undefined;
    do {
      const page = await guarded(() =>
        this.db.send(
          new QueryCommand({
            TableName: this.tables.credits,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
            // `#` sorts before every letter: `<hour>#~` is past both of an hour's items.
            ExpressionAttributeValues: { ':pk': rollupPartition, ':from': fromHour, ':to': `${toHour}#~` },
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const sk = String(item.sk);
        if (sk.endsWith('#usage')) result.hours.push(hourRollupSchema.parse(item));
        else if (sk.endsWith('#load')) result.load.push(...samplesOf(item));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return result;
  }
}

function samplesOf(item: Record<string, unknown>): LoadSample[] {
  return Object.entries(item)
    .filter(([name]) => /^m\d\d$/.test(name))
    .map(([, sample]) => loadSampleSchema.parse(sample))
    .sort((a, b) => a.at - b.at);
}
