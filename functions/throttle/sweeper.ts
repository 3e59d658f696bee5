// Finishes what dead Lambdas left, starting from account state alone: reservations whose
// lease lapsed are resolved (charged what their stream reported it might have sent), and
// committed movements still in an outbox are projected. Accounts with work carry
// `sweepAt` in a sparse index; the index only finds candidates, the item decides. Runs
// on a schedule in AWS and on a timer locally; a new admission of the same user resolves
// lapsed reservations the same way when they stand in its way.
import type { ModelCatalog } from '../shared/catalog.js';
import type { Account } from './account.js';
import { leaseGraceMs, leaseLapsed } from './lease.js';
import { movementId } from './movements.js';
import { deadStreamResolution } from './settlement.js';
import type { ThrottleStore } from './throttle-store.js';

export interface SweepResult {
  examined: number;
  resolved: number;
  projected: number;
}

/** When the sweeper should look at an account next: its earliest lease to lapse, if any. */
function nextSweepAt(account: Pick<Account, 'pending'>): number | undefined {
  const due = Object.values(account.pending).map((p) => Math.min(p.leaseUntil + leaseGraceMs, p.expiresAt));
  return due.length ? Math.min(...due) + 1 : undefined;
}

/** Resolves the named reservations if their stream can no longer be running; answers how many it resolved. */
export async function resolveLapsed(
  store: ThrottleStore,
  catalog: ModelCatalog,
  account: Account,
  sessionIds: string[],
  now: number,
): Promise<number> {
  let resolved = 0;
  for (const sessionId of sessionIds) {
    const pending = account.pending[sessionId];
    if (!pending || !leaseLapsed(pending, now)) continue;
    // Resolve only if the lease is still as lapsed as we saw it: a late report wins.
    const lapsedBefore = pending.leaseUntil + 1;
    const resolution = deadStreamResolution(account.userId, sessionId, pending, catalog, now, lapsedBefore);
    if ((await store.resolve(resolution)).outcome !== 'resolved') continue;
    resolved += 1;
    await store.project(account.userId, [resolution.movement]);
  }
  return resolved;
}

async function sweepAccount(
  store: ThrottleStore,
  catalog: ModelCatalog,
  userId: string,
  now: number,
): Promise<Omit<SweepResult, 'examined'>> {
  let account = await store.getAccount(userId);
  if (!account) return { resolved: 0, projected: 0 };
  const resolved = await resolveLapsed(store, catalog, account, Object.keys(account.pending), now);
  if (resolved > 0) account = (await store.getAccount(userId))!;
  const movements = Object.values(account.outbox);
  await store.project(userId, movements);
  await store.tidy(userId, account.rev, movements.map(movementId), nextSweepAt(account));
  return { resolved, projected: movements.length };
}

export async function sweep(
  store: ThrottleStore,
  catalog: ModelCatalog,
  now: number,
  batch = 100,
): Promise<SweepResult> {
  const users = await store.accountsDue(now, batch);
  const result: SweepResult = { examined: users.length, resolved: 0, projected: 0 };
  for (const userId of users) {
    const swept = await sweepAccount(store, catalog, userId, now);
    result.resolved += swept.resolved;
    result.projected += swept.projected;
  }
  return result;
}
