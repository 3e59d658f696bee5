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

/** Each container's published load, in a few partitions (so none runs hot). */
export const loadShardCount = 4;
const loadShardOf = (containerId: string) =>
  `LOAD#${[...containerId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % loadShardCount}`;
export const loadKey = (containerId: string) => ({ pk: loadShardOf(containerId), sk: containerId });
export const loadPartitions = Array.from({ length: loadShardCount }, (_, i) => `LOAD#${i}`);

/** Limit experiments: each one's definition (kept after it stops), and per tier a claim naming the running one. */
export const experimentPartition = 'EXPERIMENT';
export const experimentPrefix = 'EXP#';
export const claimPrefix = 'RUNNING#';
export const experimentKey = (id: string) => ({ pk: experimentPartition, sk: `${experimentPrefix}${id}` });
export const experimentClaimKey = (tier: string) => ({ pk: experimentPartition, sk: `${claimPrefix}${tier}` });

/** What admission writes on a pending entry (and a session record carries): `<experiment id>:<variant>`. */
export const variantTag = (experimentId: string, variant: string) => `${experimentId}:${variant}`;

/** Per-user counters of an experiment (refusals by reason, tier changes), in a few partitions so none runs hot. */
export const experimentMemberShardCount = 8;
export const memberPrefix = 'MEMBER#';
export const experimentMemberKey = (experimentId: string, variant: string, userId: string) => ({
  pk: `EXPERIMENT#${experimentId}#${fnv1a(userId) % experimentMemberShardCount}`,
  sk: `${memberPrefix}${variant}#${userId}`,
});
export const experimentMemberPartitions = (experimentId: string) =>
  Array.from({ length: experimentMemberShardCount }, (_, i) => `EXPERIMENT#${experimentId}#${i}`);
export const upgradeAttribute = (tier: string) => `upgraded_${tier}`;
