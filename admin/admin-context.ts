// What every admin route gets: the store, the deployment's settings, a clock, and the caller.
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ModelCatalog } from '../functions/shared/catalog.js';
import type { ProviderDeclarations } from '../functions/shared/providers.js';
import type { CatalogSource } from '../functions/catalog/catalog-source.js';
import type { DynamoCatalogStore } from '../functions/catalog/dynamo-catalog-store.js';
import type { DynamoRollupStore } from '../functions/rollup/dynamo-rollup-store.js';
import type { AdminStore } from './admin-store.js';
import type { ExperimentStore } from '../functions/experiments/experiment-store.js';
import type { AdminAuthConfig } from './admin-auth.js';

export interface AdminContext {
  store: AdminStore;
  /** The current model catalog, read afresh: what tiers are checked against. */
  catalog: CatalogSource;
  /** The stored catalog, the one the deployment was configured with, and its declared providers. */
  models: {
    store: Pick<DynamoCatalogStore, 'get' | 'replace'>;
    configured: ModelCatalog;
    providers: ProviderDeclarations;
  };
  /** Limit experiments (their own store: they live apart from accounts and tiers). */
  experiments: ExperimentStore;
  /** The stream function's timeout (in AWS); tiers must end their streams well before it. */
  streamTimeoutSeconds?: number;
  /** The tier new accounts get (DEFAULT_TIER): it must always exist. */
  defaultTier: string;
  /** The usage rollup items (what the dashboard reads) and what recomputing an hour needs. */
  rollups: Pick<DynamoRollupStore, 'rollups' | 'settledSessions' | 'rejections' | 'putRollup'>;
  auth: AdminAuthConfig;
  clock: () => number;
}

export type AdminApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, as recorded on every change. */
    actor: string;
  }
}
