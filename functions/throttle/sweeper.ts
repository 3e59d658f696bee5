// Settles what a dead Lambda left behind: sessions whose lease ran out unsettled (found
// through the sessions index), and reservations whose stream never opened its session
// record (found on the account when they block a new stream). Charges the usage the last
// heartbeat recorded. Run on a schedule in AWS and on a timer locally.
import { parseModelKey, priceOf, type ModelCatalog } from '../shared/catalog.js';
import type { Account } from './account.js';
import { settlementAmounts } from './settlement.js';
import type { SessionOpening, SessionRecord, SettlementOutcome } from './session-record.js';
import type { ThrottleStore } from './throttle-store.js';

export interface SweepResult {
  examined: number;
  settled: number;
}

function settleAbandoned(
  store: ThrottleStore,
  catalog: ModelCatalog,
  session: SessionOpening & { tokensOut?: number },
  now: number,
  leaseExpiredBefore: number,
): Promise<SettlementOutcome> {
  const ref = parseModelKey(session.model);
  const price = ref ? priceOf(catalog, ref) : undefined;
  const usage = { inputTokens: session.tokensIn, outputTokens: session.tokensOut ?? 0 };
  // A model no longer priced is charged its reservation: the most it could have cost.
  const amounts = price
    ? settlementAmounts(usage, session.reserved, session.tokenGrant, price)
    : { ...usage, charge: session.reserved, overrun: 0, unusedGrant: 0 };
  return store.settle({
    session,
    amounts,
    usageSource: 'estimate',
    endReason: 'lease_expired',
    now,
    leaseExpiredBefore,
  });
}

export async function sweepExpiredSessions(
  store: ThrottleStore,
  catalog: ModelCatalog,
  now: number,
  graceMs: number,
  batch = 100,
): Promise<SweepResult> {
  const cutoff = now - graceMs;
  const expired: SessionRecord[] = await store.expiredSessions(cutoff, batch);
  let settled = 0;
  for (const session of expired) {
    if ((await settleAbandoned(store, catalog, session, now, cutoff)) === 'settled') settled += 1;
  }
  return { examined: expired.length, settled };
}

/** Settles reservations whose hard expiry passed, so their stream slots and credits come back. */
export async function releaseExpiredReservations(
  store: ThrottleStore,
  catalog: ModelCatalog,
  account: Account,
  sessionIds: string[],
  now: number,
): Promise<number> {
  let released = 0;
  for (const sessionId of sessionIds) {
    const pending = account.pending[sessionId];
    if (!pending || pending.expiresAt > now) continue;
    const recorded = await store.getSession(sessionId);
    const session: SessionOpening & { tokensOut?: number } = recorded ?? {
      sessionId,
      userId: account.userId,
      tier: account.tier,
      model: pending.model,
      requestedModel: pending.requestedModel,
      startedAt: pending.startedAt,
      leaseUntil: pending.startedAt,
      reserved: pending.reserved,
      tokenGrant: pending.tokenGrant,
      window: pending.window,
      tokensIn: pending.tokensIn,
    };
    if ((await settleAbandoned(store, catalog, session, now, now)) === 'settled') released += 1;
  }
  return released;
}
