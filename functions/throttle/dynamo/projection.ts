// Writes the projections of committed movements: ledger entries (credits table) and the
// final session records (sessions table), in BatchWrite requests. Each item has a
// deterministic key and content, so DynamoDB's UnprocessedItems (any subset, under
// throttling) are simply sent again; what still fails stays in the outbox for the sweeper.
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ledgerKey, settledSessionRetentionSeconds, usageHour } from '../../shared/keys.js';
import type { TableNames } from '../../shared/tables.js';
import type { Movement } from '../account.js';
import { ledgerEntryOf } from '../movements.js';
import { StoreUnavailableError } from '../throttle-store.js';
import { guarded } from './store-errors.js';

type PutRequests = Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>>;

/** BatchWriteItem takes at most 25 items. */
const batchLimit = 25;
const attempts = 4;

function projectionItems(userId: string, movements: Movement[], tables: TableNames) {
  const items: Array<{ table: string; item: Record<string, unknown> }> = [];
  for (const movement of movements) {
    const entry = ledgerEntryOf(movement);
    items.push({
      table: tables.credits,
      item: { ...ledgerKey(userId, movement.at, entry.kind, entry.id), ...entry.fields },
    });
    if (movement.kind === 'charge') {
      const { session } = movement;
      items.push({
        table: tables.sessions,
        item: {
          ...session,
          status: 'settled',
          // The usage rollup finds an hour's sessions by this (a sparse index).
          settledHour: usageHour(session.settledAt),
          expiresAt: Math.floor(session.settledAt / 1000) + settledSessionRetentionSeconds,
        },
      });
    }
  }
  return items;
}

function putRequests(items: Array<{ table: string; item: Record<string, unknown> }>): PutRequests {
  const requests: PutRequests = {};
  for (const { table, item } of items) {
    const list = requests[table] ?? [];
    list.push({ PutRequest: { Item: item } });
    requests[table] = list;
  }
  return requests;
}

export async function writeProjections(
  db: DynamoDBDocumentClient,
  tables: TableNames,
  userId: string,
  movements: Movement[],
): Promise<void> {
  const items = projectionItems(userId, movements, tables);
  for (let start = 0; start < items.length; start += batchLimit) {
    let requests = putRequests(items.slice(start, start + batchLimit));
    for (let attempt = 1; Object.keys(requests).length > 0; attempt++) {
      if (attempt > attempts) throw new StoreUnavailableError('projection kept coming back unprocessed');
      if (attempt > 1) await sleep(Math.random() * 25 * 2 ** attempt); // full jitter
      const result = await guarded(() => db.send(new BatchWriteCommand({ RequestItems: requests })));
      requests = (result.UnprocessedItems ?? {}) as PutRequests;
    }
  }
}
