// What this container's own writes did to an account, applied to its cached copy, so the
// next admission decides on fresh-enough state without asking the store for the item
// (writes return nothing). The cache may miss other containers' writes: that only makes
// a decision optimistic, and the write's conditions re-check every rule on the item.
import type { Account } from './account.js';
import type { AdmissionWrite } from './admission.js';
import type { Resolution } from './settlement.js';

export function afterAdmission(account: Account, write: AdmissionWrite): Account {
  const sameWindow = write.window.variant === 'current';
  return {
    ...account,
    tat: write.bucket.variant === 'idle' ? write.bucket.newTat : (account.tat ?? write.now) + write.bucket.intervalMs,
    pending: { ...account.pending, [write.sessionId]: write.pending },
    available: account.available - write.reserve,
    tpmWindow: write.window.window,
    tpmTokens: (sameWindow ? (account.tpmTokens ?? 0) : 0) + write.window.grant,
    rev: account.rev + 1,
  };
}

export function afterResolution(account: Account, resolution: Resolution, tokensReturned: boolean): Account {
  const { [resolution.sessionId]: _resolved, ...pending } = account.pending;
  return {
    ...account,
    pending,
    balance: account.balance - resolution.charge,
    available: account.available + resolution.release,
    tpmTokens: tokensReturned ? (account.tpmTokens ?? 0) - resolution.unusedTokens.tokens : account.tpmTokens,
    rev: account.rev + 1,
  };
}
