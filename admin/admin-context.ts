// What every admin route gets: the store, the catalog, a clock, and the caller.
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ModelCatalog } from '../functions/shared/catalog.js';
import type { AdminStore } from './admin-store.js';
import type { ExperimentStore } from '../functions/experiments/experiment-store.js';
import type { AdminAuthConfig } from './admin-auth.js';

export interface AdminContext {
  store: AdminStore;
  /** Limit experiments (their own store: they live apart from accounts and tiers). */
  experiments: ExperimentStore;
  catalog: ModelCatalog;
  /** The stream function's timeout (in AWS); tiers must end their streams well before it. */
  streamTimeoutSeconds?: number;
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
