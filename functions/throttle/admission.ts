// Pre-stream admission as one pure decision over (account, tier, request, now): model and
// feature entitlement, the request bucket, a concurrency lease, a tokens-per-minute grant
// and a credit reservation of the worst case, degrading to the tier's cheaper model when
// the balance cannot cover the requested one. The store turns an admit into one
// conditional write whose conditions re-check exactly these rules.
import {
  modelKey,
  parseModelKey,
  priceOf,
  type ModelCatalog,
  type ModelPrice,
  type ModelRef,
} from '../shared/catalog.js';
import type { RefusalReason } from '../shared/reasons.js';
import { variantTag } from '../shared/keys.js';
import { modelAllowed, type Tier } from '../shared/tier.js';
import type { Account, PendingReservation } from './account.js';
import type { BindingLimit } from './end-reason.js';
import { abuseScore } from './abuse-score.js';
import { effectiveTier, type LimitContext } from './effective-tier.js';
import { leaseGraceMs, leaseLapsed, leaseMs, takeLease } from './lease.js';
import { affordableOutputTokens, costOf } from './pricing.js';
import { takeFromBucket, type BucketVariant } from './token-bucket.js';
import { takeFromWindow, type WindowVariant } from './token-window.js';

export interface AdmissionInput {
  sessionId: string;
  model: ModelRef;
  inputTokens: number;
  features: string[];
  toolsRequested: boolean;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetMs: number;
}

interface Refusal {
  admitted: false;
  reason: Extract<
    RefusalReason,
    | 'model_not_allowed'
    | 'feature_not_allowed'
    | 'rate_limit_exceeded'
    | 'concurrency_limit_exceeded'
    | 'tokens_per_minute_exceeded'
    | 'credits_exhausted'
    | 'capacity'
    | 'abuse_detected'
  >;
  message: string;
  retryAfterMs?: number;
  rateLimit: RateLimitState;
  /** Reservations whose stream can no longer be running: resolving them may free what was refused. */
  lapsed: string[];
}

/** Everything the store needs for the single conditional admission write. */
export interface AdmissionWrite {
  userId: string;
  tier: string;
  sessionId: string;
  now: number;
  bucket: { variant: BucketVariant; intervalMs: number; newTat: number; ceiling: number };
  maxConcurrent: number;
  window: { variant: WindowVariant; window: number; grant: number; ceiling: number };
  reserve: number;
  pending: PendingReservation;
}

export interface Admit {
  admitted: true;
  /** The limits this stream runs under (the tier's, after variant, load and abuse). */
  tier: Tier;
  model: ModelRef;
  price: ModelPrice;
  degradedFrom?: ModelRef;
  maxOutputTokens: number;
  binding: BindingLimit;
  /** Tools are offered only on tiers with `tool_execution`. */
  toolsAllowed: boolean;
  /** Model calls this stream may make (a tool loop's steps). */
  maxSteps: number;
  write: AdmissionWrite;
  rateLimit: RateLimitState;
}

export type AdmissionDecision = Admit | Refusal;

const lapsedOf = (account: Account, now: number) =>
  Object.entries(account.pending)
    .filter(([, p]) => leaseLapsed(p, now))
    .map(([id]) => id);

/** How long a tier shed for load waits before asking again (about the load gauge's refresh). */
const capacityRetryMs = 10_000;

export function decideAdmission(
  account: Account,
  declared: Tier,
  request: AdmissionInput,
  catalog: ModelCatalog,
  now: number,
  context: Omit<LimitContext, 'abuseScore'> = {},
): AdmissionDecision {
  const effective = effectiveTier(declared, { ...context, abuseScore: abuseScore(account.abuse, now) });
  const tier = effective.tier;
  const bucket = takeFromBucket({ tat: account.tat }, tier, now);
  const rateLimit: RateLimitState = { limit: tier.burst, remaining: bucket.remaining, resetMs: bucket.resetMs };
  const requested = modelKey(request.model);
  const refuse = (reason: Refusal['reason'], message: string, retryAfterMs?: number): Refusal => ({
    admitted: false,
    reason,
    message,
    rateLimit,
    retryAfterMs,
    lapsed: lapsedOf(account, now),
  });

  if (account.abuseBlockedUntil !== undefined && account.abuseBlockedUntil > now) {
    return refuse('abuse_detected', 'requests from this account are paused for abuse', account.abuseBlockedUntil - now);
  }
  if (effective.shed) {
    return refuse(
      'capacity',
      `the service is at ${Math.round(effective.load * 100)}% of its capacity; the ${tier.name} tier is paused`,
      capacityRetryMs,
    );
  }
  if (!modelAllowed(tier, requested)) {
    return refuse('model_not_allowed', `model ${requested} is not included in the ${tier.name} tier`);
  }
  const missing = request.features.find((f) => !(tier.features as string[]).includes(f));
  if (missing) return refuse('feature_not_allowed', `feature ${missing} is not included in the ${tier.name} tier`);

  if (!bucket.allowed) {
    return refuse(
      'rate_limit_exceeded',
      `request rate limit of the ${tier.name} tier reached (${tier.requestsPerHour}/hour, burst ${tier.burst})`,
      bucket.retryAfterMs,
    );
  }
  const lease = takeLease(account.pending, tier.concurrentStreams, now);
  if (!lease.allowed) {
    return refuse(
      'concurrency_limit_exceeded',
      `the ${tier.name} tier allows ${tier.concurrentStreams} concurrent stream(s)`,
      Math.min(...Object.values(account.pending).map((p) => p.leaseUntil + leaseGraceMs - now), 5_000),
    );
  }
  // A tool loop sends the prompt again at every step: its worst case is steps x prompt.
  const toolsAllowed = request.toolsRequested && (tier.features as string[]).includes('tool_execution');
  const maxSteps = toolsAllowed ? tier.maxSteps : 1;
  const inputTokens = request.inputTokens * maxSteps;
  const window = takeFromWindow(
    { window: account.tpmWindow, tokens: account.tpmTokens },
    tier.tokensPerMinute,
    inputTokens + tier.maxTokensPerRequest,
    inputTokens + 1,
    now,
  );
  if (!window.allowed) {
    return refuse(
      'tokens_per_minute_exceeded',
      `tokens per minute limit of the ${tier.name} tier reached (${tier.tokensPerMinute})`,
      window.retryAfterMs,
    );
  }

  // A tier that paces may run past this minute's tokens (it waits for the next minute), so
  // its reservation covers the whole answer; otherwise the minute's tokens cap the answer.
  const outputCap = tier.pacing
    ? tier.maxTokensPerRequest
    : Math.min(tier.maxTokensPerRequest, window.grant - inputTokens);
  const capBinding: BindingLimit =
    outputCap < tier.maxTokensPerRequest ? 'tokens_per_minute_exceeded' : 'max_tokens_exceeded';
  const sized = sizeReservation(account.available, tier, { ...request, inputTokens }, catalog, outputCap, capBinding);
  if (!sized) {
    return refuse(
      'credits_exhausted',
      `the balance (${account.available} micro-units available) cannot pay for this request`,
    );
  }

  const grant = tier.pacing ? window.grant : inputTokens + sized.maxOutputTokens;
  const leaseUntil = now + leaseMs(tier);
  return {
    admitted: true,
    tier,
    model: sized.model,
    price: sized.price,
    degradedFrom: sized.degraded ? request.model : undefined,
    maxOutputTokens: sized.maxOutputTokens,
    binding: sized.binding,
    toolsAllowed,
    maxSteps,
    rateLimit,
    write: {
      userId: account.userId,
      tier: tier.name,
      sessionId: request.sessionId,
      now,
      bucket: {
        variant: bucket.variant,
        intervalMs: bucket.intervalMs,
        newTat: bucket.newTat,
        ceiling: bucket.ceiling,
      },
      maxConcurrent: tier.concurrentStreams,
      window: { variant: window.variant, window: window.window, grant, ceiling: tier.tokensPerMinute - grant },
      reserve: sized.reserve,
      pending: {
        tier: tier.name,
        model: modelKey(sized.model),
        requestedModel: requested,
        reserved: sized.reserve,
        tokenGrant: grant,
        window: window.window,
        tokensIn: request.inputTokens,
        maxOutputTokens: sized.maxOutputTokens,
        startedAt: now,
        leaseUntil,
        expiresAt: now + tier.maxStreamSeconds * 1000 + leaseMs(tier),
        // Until the stream reports, its first step's prompt is what the provider has been sent.
        reportedIn: request.inputTokens,
        reportedOut: 0,
        // The first tokens may stream before any report: the bound a dead stream is charged.
        allowanceOut: Math.min(tier.reportEveryTokens, sized.maxOutputTokens),
        reportedAt: now,
        ...(context.variant ? { variant: variantTag(context.variant.experimentId, context.variant.name) } : {}),
      },
    },
  };
}

interface SizedReservation {
  model: ModelRef;
  price: ModelPrice;
  degraded: boolean;
  reserve: number;
  maxOutputTokens: number;
  binding: BindingLimit;
}

/** Full worst case on the requested model; else the tier's cheaper model; else what the balance affords. */
function sizeReservation(
  available: number,
  tier: Tier,
  request: AdmissionInput,
  catalog: ModelCatalog,
  outputCap: number,
  capBinding: BindingLimit,
): SizedReservation | undefined {
  const full = (model: ModelRef, degraded: boolean): SizedReservation | undefined => {
    const price = priceOf(catalog, model);
    if (!price) return undefined;
    const reserve = costOf(price, request.inputTokens, outputCap);
    return reserve <= available
      ? { model, price, degraded, reserve, maxOutputTokens: outputCap, binding: capBinding }
      : undefined;
  };
  const requestedPrice = priceOf(catalog, request.model);
  if (!requestedPrice) return undefined;

  const fallback = tier.degradeTo ? parseModelKey(tier.degradeTo) : undefined;
  const canDegrade = fallback && tier.degradeTo !== modelKey(request.model) && modelAllowed(tier, tier.degradeTo!);
  const sized = full(request.model, false) ?? (canDegrade ? full(fallback, true) : undefined);
  if (sized) return sized;

  const affordable = affordableOutputTokens(requestedPrice, request.inputTokens, available);
  if (affordable < 1) return undefined;
  const maxOutputTokens = Math.min(affordable, outputCap);
  return {
    model: request.model,
    price: requestedPrice,
    degraded: false,
    reserve: costOf(requestedPrice, request.inputTokens, maxOutputTokens),
    maxOutputTokens,
    binding: 'credits_exhausted',
  };
}
