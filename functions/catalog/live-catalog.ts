// The catalog the functions price with: the stored one, kept for the tier cache time (so a
// price change applies to new streams within it), or the configured one while none is stored.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ServiceConfig } from '../config.js';
import type { ServiceLogger } from '../observability/logger.js';
import { CachedCatalog, type CatalogSource } from './catalog-source.js';
import { DynamoCatalogStore } from './dynamo-catalog-store.js';

export function liveCatalog(
  config: Pick<ServiceConfig, 'catalog' | 'tables' | 'throttle'>,
  db: DynamoDBDocumentClient,
  logger: Pick<ServiceLogger, 'warn'>,
  cacheMs = config.throttle.tierCacheMs,
): CatalogSource {
  const stored = new DynamoCatalogStore(db, config.tables.credits);
  return new CachedCatalog({
    load: () => stored.models(),
    fallback: config.catalog,
    cacheMs,
    onError: (error) => logger.warn('model catalog not read; using the last one known', { error: String(error) }),
  });
}
