// Composition root of the chat-stream function: configuration in, a ready handler out.
// Built once per Lambda container (or local server) and reused across requests.
import { loadConfig, type ServiceConfig } from '../config.js';
import { createAuthenticator } from '../auth/bearer-auth.js';
import { createLanguageModelResolver } from '../providers/language-models.js';
import { createLogger } from '../observability/logger.js';
import { createThrottleMetrics } from '../observability/throttle-metrics.js';
import { createDocumentClient } from '../throttle/dynamo/dynamo-client.js';
import { DynamoThrottleStore } from '../throttle/dynamo/dynamo-throttle-store.js';
import { StreamingThrottler } from '../throttle/streaming-throttler.js';
import { LoadGauge } from '../throttle/load-gauge.js';
import { CachedExperimentSource } from '../experiments/cached-experiment-source.js';
import { DynamoExperimentStore } from '../experiments/dynamo-experiment-store.js';
import { createChatStreamHandler, type ChatStreamHandler } from '../chat/chat-stream-service.js';
import { unmeteredGate } from '../chat/unmetered-gate.js';
import type { StreamGate } from '../chat/stream-gate.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ToolRegistry } from '../tools/tool-registry.js';
import { preloadTokenCounters } from '../tokens/token-counter.js';
import { demoTools } from '../tools/demo-tools.js';
import { DynamoNotesStore, DynamoToolRunStore } from '../tools/dynamo-tool-stores.js';
import { createAttachmentGuard } from '../attachments/attachment-guard.js';
import { ToolTurns } from '../tools/tool-turns.js';
import { ConfirmationKeys } from '../tools/confirmation-keys.js';
import type { ServiceLogger } from '../observability/logger.js';
import type { CatalogSource } from '../catalog/catalog-source.js';
import { liveCatalog } from '../catalog/live-catalog.js';
import { knownProviders } from '../shared/providers.js';

export interface BuildOverrides {
  /** A document client to use instead of one built from the configuration (benchmarks count its requests). */
  db?: DynamoDBDocumentClient;
}

export function buildChatStreamHandler(
  config: ServiceConfig = loadConfig(),
  overrides: BuildOverrides = {},
): ChatStreamHandler {
  const logger = createLogger('chat-stream');
  preloadTokenCounters(); // a few hundred ms, off the first request's path where possible
  const db = overrides.db ?? createDocumentClient({ region: config.region, endpoint: config.dynamoEndpoint });
  const store = new DynamoThrottleStore(db, config.tables);
  const catalog = liveCatalog(config, db, logger);
  return createChatStreamHandler({
    maxBodyBytes: config.maxBodyBytes,
    providers: knownProviders(config.providers),
    catalog,
    authenticate: createAuthenticator(config.auth),
    resolveModel: createLanguageModelResolver(config),
    gate: buildGate(config, logger, store, catalog, db),
    tools: config.tools.enabled ? buildTools(config, db, store, logger) : undefined,
    attachments: createAttachmentGuard(config.attachments),
    logger,
  });
}

/** The deployment's tools: the demo set. A deployment lists its own here. Fails without an approval secret. */
function buildTools(
  config: ServiceConfig,
  db: DynamoDBDocumentClient,
  store: DynamoThrottleStore,
  logger: ServiceLogger,
): ToolTurns {
  const keys = ConfirmationKeys.fromSecret(config.tools.approvalSecret);
  const table = config.tables.credits;
  const definitions = demoTools({
    getAccount: (userId) => store.getAccount(userId),
    notes: new DynamoNotesStore(db, table),
    clock: Date.now,
  });
  const registry = new ToolRegistry(definitions, new DynamoToolRunStore(db, table), { logger });
  return new ToolTurns(registry, keys, config.tools.maxConfirmations);
}

function buildGate(
  config: ServiceConfig,
  logger: ReturnType<typeof createLogger>,
  store: DynamoThrottleStore,
  catalog: CatalogSource,
  db: DynamoDBDocumentClient,
): StreamGate {
  if (!config.throttle.enabled) {
    logger.warn('THROTTLE_ENABLED=false: streams are neither limited nor billed');
    return unmeteredGate;
  }
  const { capacity, loadReportMs } = config.throttle;
  const load =
    capacity === undefined
      ? undefined
      : new LoadGauge({ store, capacity, intervalMs: loadReportMs, clock: Date.now, logger });
  load?.start();
  return new StreamingThrottler({
    store,
    catalog,
    defaultTier: config.throttle.defaultTier,
    signupCredits: config.throttle.signupCredits,
    tierCacheMs: config.throttle.tierCacheMs,
    failOpen: config.throttle.failOpen,
    logger,
    metrics: createThrottleMetrics(),
    load,
    experiments: new CachedExperimentSource({
      store: new DynamoExperimentStore(db, config.tables),
      cacheMs: config.throttle.tierCacheMs,
      logger,
    }),
  });
}
