// The throttler's ExperimentSource: each tier's running experiment kept in memory and
// looked up again once it is older than the tier cache (`TIER_CACHE_MS`), so in the common
// case finding a user's variant costs no request, only a hash. Refusals are counted off the
// request's path. Staleness: a container sees an experiment start or stop up to one cache
// period late.
import type { ServiceLogger } from '../observability/logger.js';
import type { Variant } from '../throttle/effective-tier.js';
import type { ExperimentSource } from '../throttle/experiment-source.js';
import { assignVariant } from './assignment.js';
import type { Experiment } from './experiment.js';
import type { ExperimentReader } from './experiment-store.js';

export interface CachedExperimentSourceOptions {
  store: ExperimentReader;
  cacheMs: number;
  logger: ServiceLogger;
}

export class CachedExperimentSource implements ExperimentSource {
  private readonly byTier = new Map<string, { experiment?: Experiment; fetchedAt: number }>();

  constructor(private readonly options: CachedExperimentSourceOptions) {}

  async variantFor(userId: string, tier: string, now: number): Promise<Variant | undefined> {
    const experiment = await this.running(tier, now);
    if (!experiment) return undefined;
    const { name, limits } = assignVariant(experiment, userId);
    return { experimentId: experiment.id, name, limits };
  }

  recordRefusal(variant: Variant, userId: string, reason: string): void {
    this.options.store.recordRefusal(variant.experimentId, variant.name, userId, reason).catch((err: unknown) => {
      this.options.logger.warn('experiment refusal not counted', {
        userId,
        experimentId: variant.experimentId,
        variant: variant.name,
        reason,
        error: String(err),
      });
    });
  }

  private async running(tier: string, now: number): Promise<Experiment | undefined> {
    const cached = this.byTier.get(tier);
    if (cached && now - cached.fetchedAt < this.options.cacheMs) return cached.experiment;
    const id = await this.options.store.runningId(tier);
    // An experiment's declaration never changes: only a new id needs a second read.
    const experiment =
      id === undefined
        ? undefined
        : cached?.experiment?.id === id
          ? cached.experiment
          : await this.options.store.get(id);
    this.byTier.set(tier, { experiment, fetchedAt: now });
    return experiment;
  }
}
