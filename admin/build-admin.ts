// Composition root of the admin API: configuration in, a context for the routes out.
import { z } from 'zod';
import { loadConfig, ConfigError } from '../functions/config.js';
import { createDocumentClient } from '../functions/throttle/dynamo/dynamo-client.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAdminStore } from './dynamo-admin-store.js';
import { DynamoExperimentStore } from '../functions/experiments/dynamo-experiment-store.js';
import type { AdminContext } from './admin-context.js';
import { DynamoCatalogStore } from '../functions/catalog/dynamo-catalog-store.js';
import { CachedCatalog } from '../functions/catalog/catalog-source.js';
import { DynamoRollupStore } from '../functions/rollup/dynamo-rollup-store.js';

const adminEnvironment = z.object({
  ADMIN_TOKEN: z.string().min(24, 'ADMIN_TOKEN must be at least 24 characters').optional(),
  ADMIN_TRUST_IAM: z.enum(['true', 'false']).default('false'),
});

export function buildAdminContext(
  env: Record<string, string | undefined> = process.env,
  db?: DynamoDBDocumentClient,
): AdminContext {
  const config = loadConfig(env);
  const admin = adminEnvironment.safeParse(env);
  if (!admin.success)
    throw new ConfigError(`invalid admin configuration: ${admin.error.issues.map((i) => i.message).join('; ')}`);
  const trustIam = admin.data.ADMIN_TRUST_IAM === 'true';
  if (!trustIam && !admin.data.ADMIN_TOKEN)
    throw new ConfigError('the admin API needs ADMIN_TRUST_IAM=true or an ADMIN_TOKEN');
  const client = db ?? createDocumentClient({ region: config.region, endpoint: config.dynamoEndpoint });
  const catalogStore = new DynamoCatalogStore(client, config.tables.credits);
  return {
    store: new DynamoAdminStore(client, config.tables, config.throttle.defaultTier, config.throttle.signupCredits),
    catalog: new CachedCatalog({ load: () => catalogStore.models(), fallback: config.catalog, cacheMs: 0 }),
    models: { store: catalogStore, configured: config.catalog, providers: config.providers },
    rollups: new DynamoRollupStore(client, config.tables),
    experiments: new DynamoExperimentStore(client, config.tables),
    streamTimeoutSeconds: config.streamTimeoutSeconds,
    defaultTier: config.throttle.defaultTier,
    auth: { trustIam, token: admin.data.ADMIN_TOKEN },
    clock: Date.now,
  };
}
