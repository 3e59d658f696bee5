// A stream's single settlement: one write that resolves its reservation (with any abuse
// signal its ending shows), then one batch that projects the ledger entry and the session
// record. Retried on store failures; what still fails is left to the sweeper.
import type { ServiceLogger } from '../observability/logger.js';
import type { ThrottleMetrics } from '../observability/throttle-metrics.js';
import type { ModelPrice } from '../shared/catalog.js';
import type { StreamEndReason } from '../shared/reasons.js';
import type { PendingReservation } from './account.js';
import type { AccountCache } from './account-cache.js';
import { type AbuseSignal, quickDisconnectMs, type SignalWrite, signalWrite } from './abuse-score.js';
import { movementId } from './movements.js';
import { type Resolution, resolutionOf, settlementAmounts } from './settlement.js';
import type { ResolveOutcome, ThrottleStore } from './throttle-store.js';
import type { TokenUsage } from './usage-tally.js';

export interface SettlementContext {
  store: ThrottleStore;
  logger: ServiceLogger;
  metrics: ThrottleMetrics;
  cache?: AccountCache;
}

export interface StreamOutcome {
  userId: string;
  sessionId: string;
  pending: PendingReservation;
  price: ModelPrice;
  usage: TokenUsage;
  usageSource: 'provider' | 'estimate';
  endReason: StreamEndReason;
  now: number;
  /** Unused minute tokens to return, when the stream took grants from more than one window. */
  unusedTokens?: { window: number; tokens: number };
  firstByteMs?: number;
  abuseBlockAt: number;
}

const resolveAttempts = 3;

export async function settleStream(context: SettlementContext, outcome: StreamOutcome): Promise<void> {
  const { pending, userId, sessionId, now } = outcome;
  const amounts = settlementAmounts(outcome.usage, pending, outcome.price);
  if (outcome.unusedTokens) amounts.unusedGrant = outcome.unusedTokens.tokens;
  const resolution: Resolution = {
    ...resolutionOf({
      userId,
      sessionId,
      pending: outcome.unusedTokens ? { ...pending, window: outcome.unusedTokens.window } : pending,
      amounts,
      usageSource: outcome.usageSource,
      endReason: outcome.endReason,
      now,
    }),
    signals: endSignals(context, outcome),
  };
  if (resolution.signals?.blockUntil !== undefined) context.metrics.abuseDetected(pending.tier);
  const resolved = await resolve(context, resolution);
  if (resolved === 'resolved') {
    // The projection is the second and last write; if it fails the sweeper writes it.
    try {
      await context.store.project(userId, [resolution.movement]);
      context.cache?.markProjected(userId, movementId(resolution.movement));
    } catch (err) {
      context.logger.warn('projection left to the sweeper', { sessionId, error: String(err) });
    }
    context.metrics.settled({
      model: pending.model,
      inputTokens: amounts.inputTokens,
      outputTokens: amounts.outputTokens,
      costMicros: amounts.charge,
      firstByteMs: outcome.firstByteMs,
    });
  }
  context.logger.info('session settled', {
    sessionId,
    userId,
    tier: pending.tier,
    model: pending.model,
    requestedModel: pending.requestedModel,
    endReason: outcome.endReason,
    outcome: resolved ?? 'left_to_sweeper',
    inputTokens: amounts.inputTokens,
    outputTokens: amounts.outputTokens,
    usageSource: outcome.usageSource,
    reserved: pending.reserved,
    charged: amounts.charge,
    overrun: amounts.overrun,
    firstByteMs: outcome.firstByteMs,
    durationMs: now - pending.startedAt,
  });
}

/** Abuse signals this ending shows, recorded with the settlement (no write of their own). */
function endSignals(context: SettlementContext, outcome: StreamOutcome): SignalWrite | undefined {
  const signals: AbuseSignal[] = [];
  if (outcome.endReason === 'client_disconnect' && outcome.now - outcome.pending.startedAt < quickDisconnectMs) {
    signals.push('disconnect_retry');
  }
  if (outcome.endReason === 'max_tokens_exceeded') signals.push('max_token_cut');
  if (signals.length === 0) return undefined;
  const known = context.cache?.get(outcome.userId)?.abuse ?? {};
  return signalWrite(known, signals, outcome.abuseBlockAt, outcome.now);
}

async function resolve(context: SettlementContext, resolution: Resolution): Promise<ResolveOutcome | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const drops = context.cache?.toDrop(resolution.userId) ?? [];
      const result = await context.store.resolve(resolution, drops);
      if (result.outcome === 'resolved') {
        context.cache?.dropped(resolution.userId, drops);
        context.cache?.resolved(resolution, result.tokensReturned ?? false);
      }
      return result.outcome;
    } catch (err) {
      if (attempt >= resolveAttempts) {
        // The sweeper resolves it once the lease lapses, charging the last reported allowance.
        context.logger.error('settlement failed; left to the sweeper', {
          sessionId: resolution.sessionId,
          error: String(err),
        });
        return undefined;
      }
      await new Promise((done) => setTimeout(done, 50 * 2 ** attempt * Math.random()));
    }
  }
}
