// The admission and settlement rules as DynamoDB conditions and updates on the account
// item. Each rule re-checks, atomically at write time, what the pure decision assumed.
import { expr, type Expression } from './expression.js';
import type { AdmissionWrite } from '../admission.js';
import type { PendingReservation } from '../account.js';

const sessionName = (sessionId: string) => ({ '#sid': sessionId });

export const accountExists = expr('attribute_exists(#pk)');
export const tierIs = (tier: string) => expr('#tier = :tier', { ':tier': tier });
export const bucketIsFull = (now: number) => expr('attribute_not_exists(#tat) OR #tat <= :now', { ':now': now });
export const bucketHasToken = (now: number, ceiling: number) =>
  expr('#tat > :now AND #tat <= :bucketCeiling', { ':now': now, ':bucketCeiling': ceiling });
export const leaseSlotFree = (maxConcurrent: number) =>
  expr('size(#pending) < :maxConcurrent', { ':maxConcurrent': maxConcurrent });
export const sessionIsNew = (sessionId: string) =>
  expr('attribute_not_exists(#pending.#sid)', {}, sessionName(sessionId));
export const sessionIsPending = (sessionId: string) =>
  expr('attribute_exists(#pending.#sid)', {}, sessionName(sessionId));
export const balanceCovers = (amount: number) => expr('#available >= :reserve', { ':reserve': amount });
export const windowHasRoom = (window: number, ceiling: number) =>
  expr('#tpmWindow = :window AND #tpmTokens <= :windowCeiling', { ':window': window, ':windowCeiling': ceiling });
export const windowIsOver = (window: number) =>
  expr('attribute_not_exists(#tpmWindow) OR #tpmWindow < :window', { ':window': window });
export const windowIs = (window: number) => expr('#tpmWindow = :window', { ':window': window });

export function admissionCondition(write: AdmissionWrite): Expression[] {
  return [
    accountExists,
    tierIs(write.tier),
    write.bucket.variant === 'idle' ? bucketIsFull(write.now) : bucketHasToken(write.now, write.bucket.ceiling),
    leaseSlotFree(write.maxConcurrent),
    sessionIsNew(write.sessionId),
    balanceCovers(write.reserve),
    write.window.variant === 'current'
      ? windowHasRoom(write.window.window, write.window.ceiling)
      : windowIsOver(write.window.window),
  ];
}

export function admissionUpdate(write: AdmissionWrite): Expression[] {
  const pending: PendingReservation = write.pending;
  return [
    write.bucket.variant === 'idle'
      ? expr('#tat = :newTat', { ':newTat': write.bucket.newTat })
      : expr('#tat = #tat + :interval', { ':interval': write.bucket.intervalMs }),
    expr('#pending.#sid = :pendingEntry', { ':pendingEntry': pending }, sessionName(write.sessionId)),
    expr('#available = #available - :reserve', { ':reserve': write.reserve }),
    write.window.variant === 'current'
      ? expr('#tpmTokens = #tpmTokens + :grant', { ':grant': write.window.grant })
      : expr('#tpmWindow = :window, #tpmTokens = :grant', {
          ':window': write.window.window,
          ':grant': write.window.grant,
        }),
  ];
}

/** Posting a pending reservation: deduct the charge, release the rest. */
export function postingUpdate(charge: number, reserved: number): Expression[] {
  return [
    expr('#balance = #balance - :charge, #available = #available + :release', {
      ':charge': charge,
      ':release': reserved - charge,
    }),
  ];
}

export const returnUnusedTokens = (unused: number) =>
  expr('#tpmTokens = #tpmTokens - :unusedGrant', { ':unusedGrant': unused });
export const removePending = (sessionId: string) => expr('#pending.#sid', {}, sessionName(sessionId));
