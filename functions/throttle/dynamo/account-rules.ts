// The money rules as DynamoDB conditions and updates on the account item. Each rule
// re-checks, atomically at write time, what the pure decision assumed; each movement is
// one write that also records itself (pending entry, grant key or outbox entry), which is
// what makes a retried or duplicated write harmless.
import type { AdmissionWrite } from '../admission.js';
import type { Movement } from '../account.js';
import { movementId } from '../movements.js';
import type { Resolution } from '../settlement.js';
import { expr, type Expression } from './expression.js';
import type { SignalWrite } from '../abuse-score.js';

const sessionName = (sessionId: string) => ({ '#sid': sessionId });
const movementName = (movement: Movement) => ({ '#mid': movementId(movement) });

export const accountExists = expr('attribute_exists(#pk)');
const tierIs = (tier: string) => expr('#tier = :tier', { ':tier': tier });
const bucketIsFull = (now: number) => expr('attribute_not_exists(#tat) OR #tat <= :now', { ':now': now });
const bucketHasToken = (now: number, ceiling: number) =>
  expr('#tat > :now AND #tat <= :bucketCeiling', { ':now': now, ':bucketCeiling': ceiling });
const leaseSlotFree = (maxConcurrent: number) =>
  expr('size(#pending) < :maxConcurrent', { ':maxConcurrent': maxConcurrent });
const sessionIsNew = (sessionId: string) => expr('attribute_not_exists(#pending.#sid)', {}, sessionName(sessionId));
export const sessionIsPending = (sessionId: string) =>
  expr('attribute_exists(#pending.#sid)', {}, sessionName(sessionId));
export const sessionNotKilled = (sessionId: string) =>
  expr('attribute_not_exists(#pending.#sid.#killRequested)', {}, sessionName(sessionId));
export const leaseLapsedBefore = (sessionId: string, before: number) =>
  expr('#pending.#sid.#leaseUntil < :lapsedBefore', { ':lapsedBefore': before }, sessionName(sessionId));
export const balanceCovers = (amount: number) => expr('#available >= :reserve', { ':reserve': amount });
export const windowHasRoom = (window: number, ceiling: number) =>
  expr('#tpmWindow = :window AND #tpmTokens <= :windowCeiling', { ':window': window, ':windowCeiling': ceiling });
export const windowIsOver = (window: number) =>
  expr('attribute_not_exists(#tpmWindow) OR #tpmWindow < :window', { ':window': window });
export const windowIs = (window: number) => expr('#tpmWindow = :window', { ':window': window });
export const grantIsNew = (key: string) => expr('attribute_not_exists(#grants.#key)', {}, { '#key': key });
export const balanceStaysBelow = (limit: number, amount: number) =>
  expr('#balance <= :balanceRoom', { ':balanceRoom': limit - amount });
export const notBlocked = (now: number) =>
  expr('attribute_not_exists(#abuseBlockedUntil) OR #abuseBlockedUntil <= :now', { ':now': now });
export const revIs = (rev: number) => expr('#rev = :rev', { ':rev': rev });

/** Every write that adds or resolves money state bumps `rev` (the sweeper's tidy-up checks it). */
const bumpRev = expr('#rev = #rev + :one', { ':one': 1 });
/** Work for the sweeper, unless it already has an earlier visit planned. */
const sweepNoLaterThan = (due: number) => expr('#sweepAt = if_not_exists(#sweepAt, :due)', { ':due': due });
const addToOutbox = (movement: Movement) =>
  expr('#outbox.#mid = :movement', { ':movement': movement }, movementName(movement));

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
    notBlocked(write.now),
  ];
}

export function admissionUpdate(write: AdmissionWrite, sweepDue: number): Expression[] {
  return [
    write.bucket.variant === 'idle'
      ? expr('#tat = :newTat', { ':newTat': write.bucket.newTat })
      : expr('#tat = #tat + :interval', { ':interval': write.bucket.intervalMs }),
    expr('#pending.#sid = :pendingEntry', { ':pendingEntry': write.pending }, sessionName(write.sessionId)),
    expr('#available = #available - :reserve', { ':reserve': write.reserve }),
    write.window.variant === 'current'
      ? expr('#tpmTokens = #tpmTokens + :grant', { ':grant': write.window.grant })
      : expr('#tpmWindow = :window, #tpmTokens = :grant', {
          ':window': write.window.window,
          ':grant': write.window.grant,
        }),
    bumpRev,
    sweepNoLaterThan(sweepDue),
  ];
}

/** Resolving a pending reservation: post the charge, release the rest, record the movement. */
export function resolutionUpdate(resolution: Resolution, returnTokens: boolean, sweepDue: number): Expression[] {
  return [
    expr('#balance = #balance - :charge, #available = #available + :release', {
      ':charge': resolution.charge,
      ':release': resolution.release,
    }),
    ...(returnTokens
      ? [expr('#tpmTokens = #tpmTokens - :unusedGrant', { ':unusedGrant': resolution.unusedTokens.tokens })]
      : []),
    addToOutbox(resolution.movement),
    bumpRev,
    sweepNoLaterThan(sweepDue),
  ];
}

export const killUpdate = (sessionId: string, actor: string) =>
  expr(
    '#pending.#sid.#killRequested = :true, #pending.#sid.#killedBy = :actor',
    { ':true': true, ':actor': actor },
    sessionName(sessionId),
  );

/** Drops movements from the outbox (their projections are written). */
export const removeFromOutbox = (movementIds: string[]): Expression[] =>
  movementIds.map((id, i) => expr(`#outbox.#done${i}`, {}, { [`#done${i}`]: id }));

export const removePending = (sessionId: string) => expr('#pending.#sid', {}, sessionName(sessionId));

export function reportUpdate(
  sessionId: string,
  report: { leaseUntil: number; reportedIn: number; reportedOut: number; allowanceOut: number; now: number },
): Expression {
  return expr(
    '#pending.#sid.#leaseUntil = :leaseUntil, #pending.#sid.#reportedIn = :reportedIn, #pending.#sid.#reportedOut = :reportedOut, #pending.#sid.#allowanceOut = :allowanceOut, #pending.#sid.#reportedAt = :reportedAt',
    {
      ':leaseUntil': report.leaseUntil,
      ':reportedIn': report.reportedIn,
      ':reportedOut': report.reportedOut,
      ':allowanceOut': report.allowanceOut,
      ':reportedAt': report.now,
    },
    sessionName(sessionId),
  );
}

/** A grant or debit: the balance moves, the key is remembered, the movement waits in the outbox. */
export function grantUpdate(movement: Extract<Movement, { kind: 'grant' }>, sweepDue: number): Expression[] {
  return [
    expr('#balance = #balance + :amount, #available = #available + :amount', { ':amount': movement.amount }),
    expr('#grants.#key = :grant', { ':grant': { amount: movement.amount, at: movement.at } }, { '#key': movement.key }),
    addToOutbox(movement),
    bumpRev,
    sweepNoLaterThan(sweepDue),
  ];
}

/** Abuse signals: per-minute weights added, old ones dropped, a block set when the score passed it. */
export function signalUpdate(write: SignalWrite): { set: Expression[]; remove: Expression[] } {
  return {
    set: [
      ...write.add.map(({ key, weight }, i) =>
        expr(
          `#abuse.#sig${i} = if_not_exists(#abuse.#sig${i}, :zero) + :weight${i}`,
          { ':zero': 0, [`:weight${i}`]: weight },
          { [`#sig${i}`]: key },
        ),
      ),
      ...(write.blockUntil !== undefined
        ? [expr('#abuseBlockedUntil = :blockUntil', { ':blockUntil': write.blockUntil })]
        : []),
    ],
    remove: write.drop
      .filter((key) => !write.add.some((a) => a.key === key))
      .map((key, i) => expr(`#abuse.#old${i}`, {}, { [`#old${i}`]: key })),
  };
}

/** A paced stream's grant from a new minute window: the window's counter and the reservation's grant move together. */
export function grantExtensionUpdate(sessionId: string, window: number, grant: number, fresh: boolean): Expression[] {
  return [
    fresh
      ? expr('#tpmWindow = :window, #tpmTokens = :grant', { ':window': window, ':grant': grant })
      : expr('#tpmTokens = #tpmTokens + :grant', { ':grant': grant }),
    expr(
      '#pending.#sid.#tokenGrant = #pending.#sid.#tokenGrant + :grant, #pending.#sid.#window = :window',
      { ':grant': grant, ':window': window },
      sessionName(sessionId),
    ),
  ];
}
