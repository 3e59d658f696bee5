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
  type ModelRef,
  type ModelPrice,
} from '../shared/catalog.js';
import type { Account, PendingReservation } from './account.js';
import type { Tier } from '../shared/tier.js';
import { modelAllowed } from '../shared/tier.js';
import { takeFromBucket, type BucketVariant } from './token-bucket.js';
import { takeFromWindow, type WindowVariant } from './token-window.js';
import { takeLease } from './lease.js';
import { affordableOutputTokens, costOf } from './pricing.js';

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

/** Which limit sized the output allowance, i.e. which one a cut-off stream ran into. */
export type BindingLimit = 'max_tokens_exceeded' | 'rate_limit_exceeded' | 'credits_exhausted';

export type RefusalType =
  | 'model_not_allowed'
  | 'feature_not_allowed'
  | 'rate_limit_exceeded'
  | 'concurrency_limit_exceeded'
  | 'tokens_per_minute_exceeded'
  | 'credits_exhausted';

export interface Refusal {
  admitted: false;
  status: 402 | 403 | 429;
  type: RefusalType;
  message: string;
  retryAfterMs?: number;
  rateLimit: RateLimitState;
  /** Leases whose hard expiry passed (for a concurrency refusal). */
  expiredLeases?: string[];
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

/** Time a lease outlives its stream's longest possible run before it is presumed dead. */
export const leaseGraceMs = 60_000;

const refuse = (
  status: Refusal['status'],
  type: RefusalType,
  message: string,
  rateLimit: RateLimitState,
  extra: Partial<Refusal> = {},
): Refusal => ({
  admitted: false,
  status,
  type,
  message,
  rateLimit,
  ...extra,
});

export function decideAdmission(
  account: Account,
  tier: Tier,
  request: AdmissionInput,
  catalog: ModelCatalog,
  now: number,
): AdmissionDecision {
  const bucket = takeFromBucket({ tat: account.tat }, tier, now);
  const rateLimit: RateLimitState = { limit: tier.burst, remaining: bucket.remaining, resetMs: bucket.resetMs };
  const requested = modelKey(request.model);

  if (!modelAllowed(tier, requested)) {
    return refuse(403, 'model_not_allowed', `model ${requested} is not included in the ${tier.name} tier`, rateLimit);
  }
  const missing = request.features.find((f) => !(tier.features as string[]).includes(f));
  if (missing)
    return refuse(403, 'feature_not_allowed', `feature ${missing} is not included in the ${tier.name} tier`, rateLimit);

  if (!bucket.allowed) {
    return refuse(
      429,
      'rate_limit_exceeded',
      `request rate limit of the ${tier.name} tier reached (${tier.requestsPerHour}/hour, burst ${tier.burst})`,
      rateLimit,
      { retryAfterMs: bucket.retryAfterMs },
    );
  }
  const lease = takeLease(account.pending, tier.concurrentStreams, now);
  if (!lease.allowed) {
    return refuse(
      429,
      'concurrency_limit_exceeded',
      `the ${tier.name} tier allows ${tier.concurrentStreams} concurrent stream(s)`,
      rateLimit,
      { retryAfterMs: 5_000, expiredLeases: lease.expired },
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
      429,
      'tokens_per_minute_exceeded',
      `tokens per minute limit of the ${tier.name} tier reached (${tier.tokensPerMinute})`,
      rateLimit,
      { retryAfterMs: window.retryAfterMs },
    );
  }

  const outputCap = Math.min(tier.maxTokensPerRequest, window.grant - inputTokens);
  const capBinding: BindingLimit = outputCap < tier.maxTokensPerRequest ? 'rate_limit_exceeded' : 'max_tokens_exceeded';
  const sized = sizeReservation(account.available, tier, { ...request, inputTokens }, catalog, outputCap, capBinding);
  if (!sized) {
    return refuse(
      402,
      'credits_exhausted',
      `the balance (${account.available} micro-units available) cannot pay for this request`,
      rateLimit,
    );
  }

  const grant = inputTokens + sized.maxOutputTokens;
  return {
    admitted: true,
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
        reserved: sized.reserve,
        tokenGrant: grant,
        window: window.window,
        model: modelKey(sized.model),
        requestedModel: requested,
        tokensIn: request.inputTokens,
        startedAt: now,
        expiresAt: now + tier.maxStreamSeconds * 1000 + leaseGraceMs,
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
