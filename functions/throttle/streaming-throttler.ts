// The StreamingThrottler: admits a stream with one conditional write in the common case
// (the account state cached from this container's last write), deciding again on the
// state the store answers when a rule no longer held. Contention is not a limit: writes
// that collide are retried with jitter within a time budget, and only a decision on
// fresh state refuses. Hands out ThrottledStreams that monitor, report and settle.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdmissionRequest, AdmittedStream, StreamGate } from '../chat/stream-gate.js';
import { unmeteredGate } from '../chat/unmetered-gate.js';
import { refusal } from '../http/refusals.js';
import type { ServiceLogger } from '../observability/logger.js';
import type { ThrottleMetrics } from '../observability/throttle-metrics.js';
import { modelKey } from '../shared/catalog.js';
import type { CatalogSource } from '../catalog/catalog-source.js';
import type { RefusalReason } from '../shared/reasons.js';
import type { Tier } from '../shared/tier.js';
import { tokenCounterFor } from '../tokens/token-counter.js';
import type { Account } from './account.js';
import { type Admit, type AdmissionWrite, decideAdmission, type RateLimitState } from './admission.js';
import { resolutionOf } from './settlement.js';
import { leaseMs } from './lease.js';
import { resolveLapsed } from './sweeper.js';
import { ThrottledStream } from './throttled-stream.js';
import { AccountCache } from './account-cache.js';
import { type AbuseSignal, signalWrite } from './abuse-score.js';
import type { ExperimentSource } from './experiment-source.js';
import type { LoadGauge } from './load-gauge.js';
import { afterAdmission } from './account-transitions.js';
import { StoreBusyError, StoreUnavailableError, type ThrottleStore } from './throttle-store.js';
import { rateLimitHeaders } from '../http/refusals.js';

export interface StreamingThrottlerOptions {
  store: ThrottleStore;
  /** Prices of new streams (`fixedCatalog(...)` for a catalog that never changes). */
  catalog: CatalogSource;
  defaultTier: string;
  signupCredits: number;
  tierCacheMs: number;
  failOpen: boolean;
  logger: ServiceLogger;
  metrics: ThrottleMetrics;
  /** How long admission keeps retrying writes that collide with other requests of the same user. */
  admissionBudgetMs?: number;
  /** The service's load (shedding by tier); without it, load never limits. */
  load?: LoadGauge;
  /** Limit experiments; without it, every user gets the tier's limits. */
  experiments?: ExperimentSource;
  clock?: () => number;
  /** How streams wait when pacing (tests drive time themselves). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const defaultAdmissionBudgetMs = 5_000;

/** Refusals that say a user keeps pushing against a limit. */
const refusalSignals: Partial<Record<RefusalReason, AbuseSignal>> = {
  rate_limit_exceeded: 'pinned_at_limit',
  tokens_per_minute_exceeded: 'pinned_at_limit',
  concurrency_limit_exceeded: 'concurrency_burst',
};

/** Full jitter: a random wait up to an exponentially growing cap. */
const backoffMs = (attempt: number) => Math.random() * Math.min(200, 4 * 2 ** attempt);

export class StreamingThrottler implements StreamGate {
  private readonly cache = new AccountCache();
  private readonly tiers = new Map<string, { tier: Tier; fetchedAt: number }>();
  /** Tiers served from a stale cache entry, to refresh after the admission that used them. */
  private readonly staleTiers = new Set<string>();
  private readonly refreshingTiers = new Set<string>();
  private readonly clock: () => number;

  constructor(private readonly options: StreamingThrottlerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async admit(request: AdmissionRequest): Promise<AdmittedStream> {
    try {
      return await this.admitMetered(request);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      const busy = err instanceof StoreBusyError;
      this.options.logger.error('throttle store failed at admission', {
        userId: request.userId,
        error: err.message,
        busy,
      });
      // Fail-open is for an outage only: a saturated store keeps metering (and refusing).
      if (this.options.failOpen && !busy) return this.admitUnmetered(request);
      const reason: RefusalReason = busy ? 'store_contention' : 'store_unavailable';
      this.options.metrics.rejected(reason);
      throw refusal(
        reason,
        busy ? 'usage metering is saturated; retry shortly' : 'usage metering is unavailable; no stream was started',
        {
          retryAfterMs: busy ? 1_000 : 5_000,
          rateLimit: this.cachedRateLimit(request.userId),
        },
      );
    } finally {
      this.refreshStaleTiers();
    }
  }

  private async admitMetered(request: AdmissionRequest): Promise<AdmittedStream> {
    const { store } = this.options;
    const catalog = await this.options.catalog.current();
    const sessionId = randomUUID();
    const input = {
      sessionId,
      model: request.model,
      inputTokens: request.inputTokens,
      features: request.features,
      toolsRequested: request.toolsRequested,
    };
    const budgetEnds = this.clock() + (this.options.admissionBudgetMs ?? defaultAdmissionBudgetMs);
    let account = this.cache.get(request.userId);
    let fresh = false;
    if (!account) {
      account = await this.loadAccount(request.userId);
      fresh = true;
    }
    let lapsedTried = false;
    for (let attempt = 0; ; attempt++) {
      const tier = await this.tier(account.tier);
      const now = this.clock();
      const variant = await this.options.experiments?.variantFor(request.userId, tier.name, now);
      const decision = decideAdmission(account, tier, input, catalog, now, {
        load: this.options.load?.current(),
        variant,
      });
      if (decision.admitted) {
        // Contention is not a limit: retry collided writes within a time budget, then say so.
        if (attempt > 0 && this.clock() >= budgetEnds) {
          this.reject(account, tier, 'store_contention');
          throw refusal('store_contention', 'too many simultaneous requests for this account; retry shortly', {
            retryAfterMs: 1_000,
            rateLimit: decision.rateLimit,
          });
        }
        const drops = this.cache.toDrop(request.userId);
        const result = await store.admit(decision.write, drops).catch((err: unknown) => {
          // The write may have applied with its answer lost: release what it may have reserved.
          if (err instanceof StoreUnavailableError) this.releaseUnstarted(decision.write);
          throw err;
        });
        if (result.admitted) {
          this.cache.dropped(request.userId, drops);
          // What this write did, applied to the state it was decided on: the next admission's state.
          this.cache.remember(result.account ?? afterAdmission(account, decision.write));
          this.options.metrics.admitted(tier.name, modelKey(decision.model));
          this.options.load?.streamStarted();
          return this.startStream(decision, decision.tier, request.userId);
        }
        account = result.account ?? (await this.loadAccount(request.userId));
        this.cache.remember(account);
        fresh = true;
      } else if (!fresh) {
        // Refused on cached state: decide again on the store's.
        account = await this.reload(request.userId);
        fresh = true;
        continue;
      } else if (decision.lapsed.length > 0 && !lapsedTried) {
        // Reservations of streams that died stand in the way: resolve them, then decide again.
        lapsedTried = true;
        if ((await resolveLapsed(store, catalog, account, decision.lapsed, now)) > 0) {
          account = await this.reload(request.userId);
          continue;
        }
      } else {
        this.reject(account, tier, decision.reason);
        if (variant) this.options.experiments?.recordRefusal?.(variant, request.userId, decision.reason, now);
        throw refusal(decision.reason, decision.message, {
          rateLimit: decision.rateLimit,
          retryAfterMs: decision.retryAfterMs,
        });
      }
      if (attempt > 0) await sleep(backoffMs(attempt));
    }
  }

  private async loadAccount(userId: string): Promise<Account> {
    const existing = await this.options.store.getAccount(userId);
    if (existing) return existing;
    const { account, created } = await this.options.store.createAccount(
      userId,
      this.options.defaultTier,
      this.options.signupCredits,
      this.clock(),
    );
    if (created) {
      // The sign-up ledger entry; off the first byte's path, and the sweeper's if this fails.
      this.options.store.project(userId, Object.values(account.outbox)).catch((err: unknown) => {
        this.options.logger.warn('sign-up projection left to the sweeper', { userId, error: String(err) });
      });
    }
    return account;
  }

  private async reload(userId: string): Promise<Account> {
    const account = await this.loadAccount(userId);
    this.cache.remember(account);
    return account;
  }

  /** Releases a reservation whose stream never started, charging nothing; best effort (else the sweeper resolves it). */
  private releaseUnstarted(write: AdmissionWrite): void {
    const resolution = resolutionOf({
      userId: write.userId,
      sessionId: write.sessionId,
      pending: write.pending,
      amounts: { inputTokens: 0, outputTokens: 0, charge: 0, overrun: 0, unusedGrant: write.pending.tokenGrant },
      usageSource: 'estimate',
      endReason: 'internal_error',
      now: this.clock(),
    });
    const release = async () => {
      if ((await this.options.store.resolve(resolution)).outcome === 'resolved') {
        await this.options.store.project(write.userId, [resolution.movement]);
      }
    };
    release().catch((err: unknown) => {
      this.options.logger.warn('unstarted reservation left to the sweeper', {
        sessionId: write.sessionId,
        error: String(err),
      });
    });
  }

  /** Counts a refusal (and, for limits a user keeps running into, an abuse signal), without delaying it. */
  private reject(account: Account, tier: Tier, reason: RefusalReason): void {
    const { userId } = account;
    this.options.metrics.rejected(reason);
    this.options.store.recordRejection(userId, reason, this.clock()).catch((err: unknown) => {
      this.options.logger.warn('refusal not counted', { userId, reason, error: String(err) });
    });
    const signal = refusalSignals[reason];
    if (signal) void this.recordSignal(account, tier, signal);
  }

  /** Records an abuse signal, blocking the user when it takes the score past the tier's threshold. */
  private recordSignal(account: Account, tier: Tier, signal: AbuseSignal): Promise<void> {
    const write = signalWrite(account.abuse, [signal], tier.abuse.block, this.clock());
    if (write.blockUntil !== undefined) {
      this.options.metrics.abuseDetected(tier.name);
      this.options.logger.warn('abuse detected: user blocked', { userId: account.userId, signal });
    }
    return this.options.store.recordSignals(account.userId, write).catch((err: unknown) => {
      this.options.logger.warn('abuse signal not recorded', { userId: account.userId, signal, error: String(err) });
    });
  }

  /**
   * A signal the chat service saw before admission (e.g. a flood of tool confirmations). Awaited: the
   * refusal it goes with is rare and cheap, and the score is then up to date before the next request.
   */
  async signal(userId: string, signal: AbuseSignal): Promise<void> {
    const account = this.cache.get(userId) ?? (await this.options.store.getAccount(userId));
    if (!account) return;
    await this.recordSignal(account, await this.tier(account.tier), signal);
  }

  private cachedRateLimit(userId: string): RateLimitState | undefined {
    const account = this.cache.get(userId);
    const tier = account && this.tiers.get(account.tier)?.tier;
    if (!account || !tier) return undefined;
    const decision = decideAdmission(
      account,
      tier,
      {
        sessionId: '-',
        model: { provider: 'local', modelId: '-' },
        inputTokens: 0,
        features: [],
        toolsRequested: false,
      },
      {}, // the rate limit does not depend on prices
      this.clock(),
    );
    return decision.rateLimit;
  }

  private async tier(name: string): Promise<Tier> {
    const cached = this.tiers.get(name);
    const age = cached ? this.clock() - cached.fetchedAt : Number.POSITIVE_INFINITY;
    if (cached && age < this.options.tierCacheMs) return cached.tier;
    // Stale for less than one more period: serve it, and refresh it once this admission is
    // done, so a warm container's admission stays one write (a tier edit applies within 2 periods).
    if (cached && age < 2 * this.options.tierCacheMs) {
      this.staleTiers.add(name);
      return cached.tier;
    }
    return this.fetchTier(name);
  }

  private async fetchTier(name: string): Promise<Tier> {
    const tier = await this.options.store.getTier(name);
    if (!tier) {
      this.tiers.delete(name);
      throw refusal('tier_not_found', `the account's tier "${name}" is not defined`);
    }
    this.tiers.set(name, { tier, fetchedAt: this.clock() });
    return tier;
  }

  private refreshStaleTiers(): void {
    for (const name of this.staleTiers) {
      this.staleTiers.delete(name);
      if (this.refreshingTiers.has(name)) continue;
      this.refreshingTiers.add(name);
      this.fetchTier(name)
        .catch((err: unknown) => this.options.logger.warn('tier refresh failed', { tier: name, error: String(err) }))
        .finally(() => this.refreshingTiers.delete(name));
    }
  }

  private async startStream(decision: Admit, tier: Tier, userId: string): Promise<AdmittedStream> {
    const { write } = decision;
    const model = modelKey(decision.model);
    return new ThrottledStream(
      {
        store: this.options.store,
        clock: this.clock,
        logger: this.options.logger,
        metrics: this.options.metrics,
        cache: this.cache,
        sleep: this.options.sleep,
        onEnded: () => this.options.load?.streamEnded(),
      },
      {
        userId,
        sessionId: write.sessionId,
        pending: write.pending,
        model: decision.model,
        price: decision.price,
        budget: {
          maxTokensPerRequest: tier.maxTokensPerRequest,
          tokenGrant: write.pending.tokenGrant,
          reserved: write.pending.reserved,
          price: decision.price,
          deadline: write.now + tier.maxStreamSeconds * 1000,
          binding: decision.binding,
        },
        counter: await tokenCounterFor(decision.model),
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
        policy: {
          pacing: tier.pacing,
          tokensPerMinute: tier.tokensPerMinute,
          warnAt: tier.warnAt,
          abuseBlockAt: tier.abuse.block,
        },
        reporting: {
          leaseMs: leaseMs(tier),
          reportEveryTokens: tier.reportEveryTokens,
          reportEverySeconds: tier.reportEverySeconds,
        },
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
    const cap = this.tiers.get(this.options.defaultTier)?.tier.maxTokensPerRequest ?? 1_000;
    const stream = await unmeteredGate.admit(request);
    return { ...stream, maxOutputTokens: cap, remainingOutputTokens: () => cap, maxSteps: 1, toolsAllowed: false };
  }
}
