// What resolving a reservation posts: the actual cost (provider usage where reported, the
// tokenizer's count where not), never more than the reservation, the rest released, the
// unused part of the minute grant returned. A resolution is one conditional write on the
// account; its movement is then projected into a ledger entry and a session record.
import { type ModelCatalog, parseModelKey, priceOf, type ModelPrice } from '../shared/catalog.js';
import type { StreamEndReason } from '../shared/reasons.js';
import type { Movement, PendingReservation, SettledSession } from './account.js';
import { costOf } from './pricing.js';
import type { SignalWrite } from './abuse-score.js';
import type { TokenUsage } from './usage-tally.js';

export interface SettlementAmounts extends TokenUsage {
  /** Micro-units posted (deducted from the balance). */
  charge: number;
  /** What the usage cost beyond the reservation: absorbed, and logged. */
  overrun: number;
  /** Tokens of the minute grant not used, returned to the window. */
  unusedGrant: number;
}

export function settlementAmounts(
  usage: TokenUsage,
  pending: Pick<PendingReservation, 'reserved' | 'tokenGrant'>,
  price: ModelPrice | undefined,
): SettlementAmounts {
  // A model no longer priced is charged its reservation: the most it could have cost.
  const cost = price ? costOf(price, usage.inputTokens, usage.outputTokens) : pending.reserved;
  const charge = Math.min(cost, pending.reserved);
  return {
    ...usage,
    charge,
    overrun: cost - charge,
    unusedGrant: Math.max(0, pending.tokenGrant - usage.inputTokens - usage.outputTokens),
  };
}

/** The one write that resolves a pending reservation. */
export interface Resolution {
  userId: string;
  sessionId: string;
  now: number;
  charge: number;
  /** Micro-units of the reservation given back to `available`. */
  release: number;
  /** Unused minute tokens, returned only while their window is current. */
  unusedTokens: { window: number; tokens: number };
  movement: Extract<Movement, { kind: 'charge' }>;
  /** The sweeper resolves only a reservation whose lease lapsed before this time (a late report wins). */
  leaseLapsedBefore?: number;
  /** Abuse signals the stream's end showed, recorded in the same write. */
  signals?: SignalWrite;
}

export interface ResolutionFacts {
  userId: string;
  sessionId: string;
  pending: PendingReservation;
  amounts: SettlementAmounts;
  usageSource: SettledSession['usageSource'];
  endReason: StreamEndReason;
  now: number;
}

export function resolutionOf(facts: ResolutionFacts): Resolution {
  const { pending, amounts, now } = facts;
  return {
    userId: facts.userId,
    sessionId: facts.sessionId,
    now,
    charge: amounts.charge,
    release: pending.reserved - amounts.charge,
    unusedTokens: { window: pending.window, tokens: amounts.unusedGrant },
    movement: {
      kind: 'charge',
      at: now,
      amount: -amounts.charge,
      session: {
        sessionId: facts.sessionId,
        userId: facts.userId,
        tier: pending.tier,
        model: pending.model,
        requestedModel: pending.requestedModel,
        startedAt: pending.startedAt,
        settledAt: now,
        reserved: pending.reserved,
        tokenGrant: pending.tokenGrant,
        tokensIn: amounts.inputTokens,
        tokensOut: amounts.outputTokens,
        charged: amounts.charge,
        overrun: amounts.overrun,
        unusedGrant: amounts.unusedGrant,
        usageSource: facts.usageSource,
        endReason: facts.endReason,
        ...(pending.killedBy ? { killedBy: pending.killedBy } : {}),
        ...(pending.variant ? { variant: pending.variant } : {}),
      },
    },
  };
}

/**
 * A stream whose Lambda died is charged what it reported plus what it may have sent since:
 * its prompt as last reported, and its whole output allowance (a stream never sends past
 * the allowance it reported). So it is never charged less than it sent, and at most one
 * report interval (`reportEveryTokens`) and the report-ahead lead (at most another
 * interval), plus the part that crossed them, more.
 */
export function deadStreamResolution(
  userId: string,
  sessionId: string,
  pending: PendingReservation,
  catalog: ModelCatalog,
  now: number,
  leaseLapsedBefore: number,
): Resolution {
  const ref = parseModelKey(pending.model);
  const usage = {
    inputTokens: pending.reportedIn,
    outputTokens: Math.min(pending.allowanceOut, pending.maxOutputTokens),
  };
  const amounts = settlementAmounts(usage, pending, ref ? priceOf(catalog, ref) : undefined);
  return {
    ...resolutionOf({ userId, sessionId, pending, amounts, usageSource: 'reported', endReason: 'lease_expired', now }),
    leaseLapsedBefore,
  };
}
