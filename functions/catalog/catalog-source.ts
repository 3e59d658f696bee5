// Where the service reads the model catalog from. The chat function and the sweeper read
// the stored catalog (managed through the admin API) and keep it for the tier cache time,
// so a price change applies to new streams within that time; while the store has none,
// or cannot be read, the catalog the deployment was configured with stands in.
import type { ModelCatalog } from '../shared/catalog.js';

export interface CatalogSource {
  /** The catalog to price new streams with. Never fails: a failed read answers the last known catalog. */
  current(): Promise<ModelCatalog>;
}

/** A catalog that never changes (tests, benchmarks, a service without a store). */
export const fixedCatalog = (catalog: ModelCatalog): CatalogSource => ({ current: async () => catalog });

export interface CachedCatalogOptions {
  /** Reads the stored catalog; undefined when none is stored. */
  load: () => Promise<ModelCatalog | undefined>;
  /** The configured catalog: used until one is stored, and when the first read fails. */
  fallback: ModelCatalog;
  cacheMs: number;
  clock?: () => number;
  onError?: (error: unknown) => void;
}

/** After a failed read, the last catalog known is used this long before the store is asked again. */
const retryAfterErrorMs = 5_000;

export class CachedCatalog implements CatalogSource {
  private cached?: { catalog: ModelCatalog; until: number };
  private loading?: Promise<ModelCatalog>;
  private readonly clock: () => number;

  constructor(private readonly options: CachedCatalogOptions) {
    this.clock = options.clock ?? Date.now;
  }

  current(): Promise<ModelCatalog> {
    const cached = this.cached;
    if (cached && this.clock() < cached.until) return Promise.resolve(cached.catalog);
    // Concurrent requests of a cold or expired cache share one read.
    this.loading ??= this.refresh().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async refresh(): Promise<ModelCatalog> {
    try {
      const catalog = (await this.options.load()) ?? this.options.fallback;
      this.cached = { catalog, until: this.clock() + this.options.cacheMs };
      return catalog;
    } catch (err) {
      // Stale rather than down: pricing keeps working on the last catalog read.
      this.options.onError?.(err);
      const catalog = this.cached?.catalog ?? this.options.fallback;
      this.cached = { catalog, until: this.clock() + Math.max(this.options.cacheMs, retryAfterErrorMs) };
      return catalog;
    }
  }
}
