// The StreamingThrottler: admits a stream with one conditional write in the common case
// (account state cached from the previous write in this container), re-reading and
// retrying only when the cached state was stale; refuses with the limit's status and
// headers; hands out ThrottledStreams that monitor, heartbeat and settle.
import { randomUUID } from 'node:crypto';
import { httpError } from '../http/errors.js';
import { modelKey, type ModelCatalog } from '../shared/catalog.js';
import type { AdmissionRequest, AdmittedStream, StreamGate } from '../chat/stream-gate.js';
import type { ServiceLogger } from '../observability/logger.js';
import type { ThrottleMetrics } from '../observability/throttle-metrics.js';
import type { Account } from './account.js';
import { decideAdmission, type Admit, type RateLimitState, type Refusal } from './admission.js';
import { releaseExpiredReservations } from './sweeper.js';
import { StoreUnavailableError, type ThrottleStore } from './throttle-store.js';
import type { Tier } from '../shared/tier.js';
import { ThrottledStream } from './throttled-stream.js';
import { unmeteredGate } from '../chat/unmetered-gate.js';

export interface StreamingThrottlerOptions {
  store: ThrottleStore;
  catalog: ModelCatalog;
  defaultTier: string;
  signupCredits: number;
  heartbeatMs: number;
  tierCacheMs: number;
  failOpen: boolean;
  logger: ServiceLogger;
  metrics: ThrottleMetrics;
  clock?: () => number;
}

const maxAttempts = 8;
const maxCachedAccounts = 10_000;

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-reset': String(Math.ceil(state.resetMs / 1000)),
  };
}

function refusalError(refusal: Refusal) {
  const headers = rateLimitHeaders(refusal.rateLimit);
  if (refusal.retryAfterMs !== undefined)
    headers['retry-after'] = String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)));
  return httpError(refusal.status, refusal.type, refusal.message, { headers });
}

export class StreamingThrottler implements StreamGate {
  private readonly accounts = new Map<string, Account>();
  private readonly tiers = new Map<string, { tier: Tier; fetchedAt: number }>();
  private readonly clock: () => number;

  constructor(private readonly options: StreamingThrottlerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async admit(request: AdmissionRequest): Promise<AdmittedStream> {
    try {
      return await this.admitMetered(request);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      this.options.logger.error('throttle store unavailable at admission', {
        userId: request.userId,
        error: err.message,
      });
      if (this.options.failOpen) return this.admitUnmetered(request);
      this.options.metrics.rejected('store_unavailable');
      throw httpError(503, 'store_unavailable', 'usage metering is unavailable; no stream was started', {
        headers: { 'retry-after': '5' },
      });
    }
  }

  private async admitMetered(request: AdmissionRequest): Promise<AdmittedStream> {
    const { store } = this.options;
    const sessionId = randomUUID();
    let account = this.accounts.get(request.userId);
    let fresh = false;
    if (!account) {
      account = await store.ensureAccount(
        request.userId,
        this.options.defaultTier,
        this.options.signupCredits,
        this.clock(),
      );
      fresh = true;
    }
    let recovered = false;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const tier = await this.tier(account.tier);
      const decision = decideAdmission(
        account,
        tier,
        {
          sessionId,
          model: request.model,
          inputTokens: request.inputTokens,
          features: request.features,
          toolsRequested: request.toolsRequested,
        },
        this.options.catalog,
        this.clock(),
      );
      if (decision.admitted) {
        const updated = await store.admit(decision.write);
        if (updated) {
          this.remember(updated);
          this.options.metrics.admitted(tier.name, modelKey(decision.model));
          return this.startStream(decision, tier, request);
        }
      } else if (fresh) {
        if (decision.type === 'concurrency_limit_exceeded' && decision.expiredLeases?.length && !recovered) {
          recovered = true;
          await releaseExpiredReservations(store, this.options.catalog, account, decision.expiredLeases, this.clock());
        } else {
          this.reject(request.userId, decision.type);
          throw refusalError(decision);
        }
      }
      // The state the decision used was stale (cached, or changed by a racing request): read it again.
      const current = await store.getAccount(request.userId);
      if (!current) throw new StoreUnavailableError(`account ${request.userId} disappeared`);
      account = current;
      this.remember(account);
      fresh = true;
    }
    this.reject(request.userId, 'contention');
    throw httpError(429, 'rate_limit_exceeded', 'too many simultaneous requests for this account; retry shortly', {
      headers: { 'retry-after': '1' },
    });
  }

  /** Counts a refusal; the count is written without delaying the refusal itself. */
  private reject(userId: string, reason: string): void {
    this.options.metrics.rejected(reason);
    this.options.store.recordRejection(userId, reason, this.clock()).catch((err: unknown) => {
      this.options.logger.warn('refusal not counted', { userId, reason, error: String(err) });
    });
  }

  private remember(account: Account): void {
    this.accounts.delete(account.userId);
    if (this.accounts.size >= maxCachedAccounts) this.accounts.delete(this.accounts.keys().next().value!);
    this.accounts.set(account.userId, account);
  }

  private async tier(name: string): Promise<Tier> {
    const cached = this.tiers.get(name);
    if (cached && this.clock() - cached.fetchedAt < this.options.tierCacheMs) return cached.tier;
    const tier = await this.options.store.getTier(name);
    if (!tier) throw httpError(503, 'tier_not_found', `the account's tier "${name}" is not defined`);
    this.tiers.set(name, { tier, fetchedAt: this.clock() });
    return tier;
  }

  private startStream(decision: Admit, tier: Tier, request: AdmissionRequest): AdmittedStream {
    const { write } = decision;
    const now = write.now;
    const model = modelKey(decision.model);
    return new ThrottledStream(
      {
        store: this.options.store,
        clock: this.clock,
        heartbeatMs: this.options.heartbeatMs,
        logger: this.options.logger,
        metrics: this.options.metrics,
      },
      {
        opening: {
          sessionId: write.sessionId,
          userId: request.userId,
          tier: tier.name,
          model,
          requestedModel: modelKey(request.model),
          startedAt: now,
          leaseUntil: now + this.options.heartbeatMs * 3,
          reserved: write.reserve,
          tokenGrant: write.window.grant,
          window: write.window.window,
          tokensIn: request.inputTokens,
        },
        model: decision.model,
        limits: {
          maxTokensPerRequest: tier.maxTokensPerRequest,
          price: decision.price,
          deadline: now + tier.maxStreamSeconds * 1000,
        },
        maxOutputTokens: decision.maxOutputTokens,
        binding: decision.binding,
        maxSteps: decision.maxSteps,
        toolsAllowed: decision.toolsAllowed,
        headers: rateLimitHeaders(decision.rateLimit),
        notices: decision.degradedFrom
          ? [
              {
                type: 'model_degraded',
                requestedModel: modelKey(decision.degradedFrom),
                model,
                message: `Your balance does not cover ${modelKey(decision.degradedFrom)}; this answer uses ${model}.`,
              },
            ]
          : [],
      },
    );
  }

  /** Configured fail-open: stream without metering, capped by the default tier, and say so loudly in the logs. */
  private async admitUnmetered(request: AdmissionRequest): Promise<AdmittedStream> {
    this.options.logger.warn('admitting UNMETERED stream (THROTTLE_FAIL_OPEN)', {
      userId: request.userId,
      model: modelKey(request.model),
    });
    this.options.metrics.admitted('unmetered', modelKey(request.model));
    const cachedDefault = this.tiers.get(this.options.defaultTier)?.tier;
    const stream = await unmeteredGate.admit(request);
    return {
      ...stream,
      maxOutputTokens: cachedDefault?.maxTokensPerRequest ?? 1_000,
      maxSteps: 1,
      toolsAllowed: false,
    };
  }
}
