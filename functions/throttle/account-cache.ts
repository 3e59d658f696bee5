// This container's view of the accounts it serves: the state its own writes left (so
// admission is one write, no read, in the common case), and the outbox movements it has
// projected, which its next write on the account drops (so outboxes stay short without
// a write of their own). Bounded; stale entries only cost a retry.
import type { Account } from './account.js';
import { afterResolution } from './account-transitions.js';
import type { Resolution } from './settlement.js';

/** Accounts (and users with projected movements) kept; the least recently written go first. */
export const maxCachedAccounts = 10_000;
/** Movements dropped per write, so a write stays small. */
const maxDropsPerWrite = 10;

export class AccountCache {
  private readonly accounts = new Map<string, Account>();
  private readonly projected = new Map<string, Set<string>>();

  get(userId: string): Account | undefined {
    return this.accounts.get(userId);
  }

  remember(account: Account): void {
    this.accounts.delete(account.userId);
    if (this.accounts.size >= maxCachedAccounts) this.accounts.delete(this.accounts.keys().next().value!);
    this.accounts.set(account.userId, account);
  }

  resolved(resolution: Resolution, tokensReturned: boolean): void {
    const account = this.accounts.get(resolution.userId);
    if (account) this.remember(afterResolution(account, resolution, tokensReturned));
  }

  /** A movement this container projected: its next write on the account may drop it. */
  markProjected(userId: string, movementId: string): void {
    let ids = this.projected.get(userId);
    if (!ids) {
      if (this.projected.size >= maxCachedAccounts) this.projected.delete(this.projected.keys().next().value!);
      ids = new Set();
      this.projected.set(userId, ids);
    }
    ids.add(movementId);
  }

  /** Movements to drop with the next write on the account. */
  toDrop(userId: string): string[] {
    return [...(this.projected.get(userId) ?? [])].slice(0, maxDropsPerWrite);
  }

  /** The write that carried these drops succeeded. */
  dropped(userId: string, movementIds: string[]): void {
    const ids = this.projected.get(userId);
    for (const id of movementIds) ids?.delete(id);
    if (ids?.size === 0) this.projected.delete(userId);
  }
}
