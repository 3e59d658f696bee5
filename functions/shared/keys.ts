// Item keys in the credits table. A user's items share one partition: the account, ledger
// entries that sort by time, hourly usage counters, tool runs and notes. Audit records
// have a partition of their own.
const userPrefix = 'USER#';
export const userPartition = (userId: string) => `${userPrefix}${userId}`;
export const userIdOfPartition = (pk: string) => pk.slice(userPrefix.length);

export const accountKey = (userId: string) => ({ pk: userPartition(userId), sk: 'ACCOUNT' });

export const ledgerPrefix = 'LEDGER#';

export const ledgerKey = (userId: string, at: number, kind: 'charge' | 'grant', id: string) => ({
  pk: userPartition(userId),
  sk: `${ledgerPrefix}${new Date(at).toISOString()}#${kind}#${id}`,
});

/** Shards of the sparse `sweepDue` index, so its partitions stay cool at scale. */
export const sweepShardCount = 8;
export function sweepShardOf(userId: string): string {
  let hash = 2166136261; // FNV-1a: stable across containers and runs
  for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 16777619);
  return `sweep#${(hash >>> 0) % sweepShardCount}`;
}
export const sweepShards = Array.from({ length: sweepShardCount }, (_, i) => `sweep#${i}`);

/** Settled sessions are kept this long, then DynamoDB TTL removes them. */
export const settledSessionRetentionSeconds = 90 * 24 * 3600;

/** Hourly usage counters (refusals by reason) of a user. */
export const usagePrefix = 'USAGE#';
export const usageHour = (at: number) => new Date(at).toISOString().slice(0, 13); // 2026-11-24T12
export const usageKey = (userId: string, at: number) => ({
  pk: userPartition(userId),
  sk: `${usagePrefix}${usageHour(at)}`,
});
export const rejectionAttribute = (reason: string) => `rejected_${reason}`;

/** A confirmed tool call's run record (at most one run per call). */
export const toolRunKey = (userId: string, toolCallId: string) => ({
  pk: userPartition(userId),
  sk: `TOOLRUN#${toolCallId}`,
});

export const notePrefix = 'NOTE#';
export const noteKey = (userId: string, noteId: string) => ({
  pk: userPartition(userId),
  sk: `${notePrefix}${noteId}`,
});

export const auditPartition = 'AUDIT';

/** The run-time model catalog (models, prices, providers), seeded from the stack config. */
export const catalogKey = { pk: 'CONFIG', sk: 'MODEL_CATALOG' } as const;

/** Refusals of all users by hour, counted across shards (partitions), so no key runs hot under a flood. */
export const rejectionShardCount = 8;
export const rejectionCounterKey = (shard: number, at: number) => ({
  pk: `REJECTIONS#${shard}`,
  sk: usageHour(at),
});

/**
 * The load gauge: every chat-stream container puts `{ pk: LOAD#<shard>, sk: <containerId>,
 * active, capacity, at }` about every 10 s (`loadKey`); readers sum the fresh ones.
 */
export const loadShardCount = 8;
export const loadPartitions = Array.from({ length: loadShardCount }, (_, i) => `LOAD#${i}`);
export function loadKey(containerId: string) {
  let hash = 2166136261; // FNV-1a, as the sweep shards
  for (let i = 0; i < containerId.length; i++) hash = Math.imul(hash ^ containerId.charCodeAt(i), 16777619);
  return { pk: loadPartitions[(hash >>> 0) % loadShardCount]!, sk: containerId };
}

/** Hourly usage rollups and per-minute load samples, in one partition sorted by hour: a range is one Query. */
export const rollupPartition = 'ROLLUP';
export const rollupKey = (hour: string) => ({ pk: rollupPartition, sk: `${hour}#usage` });
export const loadSamplesKey = (hour: string) => ({ pk: rollupPartition, sk: `${hour}#load` });
