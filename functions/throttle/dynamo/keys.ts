// Item keys in the credits table: the account, and ledger entries that sort by time.
export const accountKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'ACCOUNT' });

export const ledgerPrefix = 'LEDGER#';

export const ledgerKey = (userId: string, at: number, kind: 'charge' | 'grant', id: string) => ({
  pk: `USER#${userId}`,
  sk: `${ledgerPrefix}${new Date(at).toISOString()}#${kind}#${id}`,
});

/** The sign-up grant's key is fixed, so racing first requests write the same entry. */
export const signupLedgerKey = (userId: string) => ({
  pk: `USER#${userId}`,
  sk: `${ledgerPrefix}0000-00-00T00:00:00.000Z#grant#signup`,
});

/** Marks sessions not yet settled in the sparse `openByLease` index. */
export const openShard = 'open';

/** Settled sessions are kept this long, then DynamoDB TTL removes them. */
export const settledSessionRetentionSeconds = 90 * 24 * 3600;

/** Hourly usage counters (refusals by reason) of a user. */
export const usagePrefix = 'USAGE#';
export const usageHour = (at: number) => new Date(at).toISOString().slice(0, 13); // 2026-11-24T12
export const usageKey = (userId: string, at: number) => ({
  pk: `USER#${userId}`,
  sk: `${usagePrefix}${usageHour(at)}`,
});
export const rejectionAttribute = (reason: string) => `rejected_${reason}`;
