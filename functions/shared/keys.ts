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
const sweepShardCount = 8;
/** FNV-1a: a cheap hash, stable across containers and runs, for spreading items over shards. */
function fnv1a(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}
export const sweepShardOf = (userId: string): string => `sweep#${fnv1a(userId) % sweepShardCount}`;
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
const loadShardCount = 8;
export const loadPartitions = Array.from({ length: loadShardCount }, (_, i) => `LOAD#${i}`);
export function loadKey(containerId: string) {
  return { pk: loadPartitions[fnv1a(containerId) % loadShardCount]!, sk: containerId };
}

/** Hourly usage rollups and per-minute load samples, in one partition sorted by hour: a range is one Query. */
export const rollupPartition = 'ROLLUP';
export const rollupKey = (hour: string) => ({ pk: rollupPartition, sk: `${hour}#usage` });
export const loadSamplesKey = (hour: string) => ({ pk: rollupPartition, sk: `${hour}#load` });

/** Limit experiments: each one's definition (kept after it stops), and per tier a claim naming the running one. */
export const experimentPartition = 'EXPERIMENT';
export const experimentPrefix = 'EXP#';
export const claimPrefix = 'RUNNING#';
export const experimentKey = (id: string) => ({ pk: experimentPartition, sk: `${experimentPrefix}${id}` });
export const experimentClaimKey = (tier: string) => ({ pk: experimentPartition, sk: `${claimPrefix}${tier}` });

/** What admission writes on a pending entry (and a session record carries): `<experiment id>:<variant>`. */
export const variantTag = (experimentId: string, variant: string) => `${experimentId}:${variant}`;

/** Per-user counters of an experiment (refusals by reason, tier changes), in a few partitions so none runs hot. */
const experimentMemberShardCount = 8;
const memberPrefix = 'MEMBER#';
export const experimentMemberKey = (experimentId: string, variant: string, userId: string) => ({
  pk: `EXPERIMENT#${experimentId}#${fnv1a(userId) % experimentMemberShardCount}`,
  sk: `${memberPrefix}${variant}#${userId}`,
});
export const experimentMemberPartitions = (experimentId: string) =>
  Array.from({ length: experimentMemberShardCount }, (_, i) => `EXPERIMENT#${experimentId}#${i}`);
export const upgradeAttribute = (tier: string) => `upgraded_${tier}`;
