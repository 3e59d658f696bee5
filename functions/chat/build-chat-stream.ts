// Composition root of the chat-stream function: configuration in, a ready handler out.
// Built once per Lambda container (or local server) and reused across requests.
import { ConfigError, loadConfig, type ServiceConfig } from '../config.js';
import { createAuthenticator } from '../auth/bearer-auth.js';
import { createLanguageModelResolver } from '../providers/language-models.js';
import { createLogger } from '../observability/logger.js';
import { createThrottleMetrics } from '../observability/throttle-metrics.js';
import { createDocumentClient } from '../throttle/dynamo/dynamo-client.js';
import { DynamoThrottleStore } from '../throttle/dynamo/dynamo-throttle-store.js';
import { StreamingThrottler } from '../throttle/streaming-throttler.js';
import { createChatStreamHandler, type ChatStreamHandler } from './chat-stream-service.js';
import { unmeteredGate } from './unmetered-gate.js';
import type { StreamGate } from './stream-gate.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ToolRegistry } from '../tools/tool-registry.js';
import { demoTools } from '../tools/demo-tools.js';
import { DynamoNotesStore, DynamoToolRunStore } from '../tools/dynamo-tool-stores.js';
import type { ServiceLogger } from '../observability/logger.js';

export interface BuildOverrides {
  /** A document client to use instead of one built from the configuration (benchmarks count its requests). */
  db?: DynamoDBDocumentClient;
}

export function buildChatStreamHandler(
  config: ServiceConfig = loadConfig(),
  overrides: BuildOverrides = {},
): ChatStreamHandler {
  // Tools that need confirmation must not run on confirmations nobody signed: refuse to start.
  if (config.tools.enabled && !config.tools.approvalSecret)
    throw new ConfigError(
      'TOOL_APPROVAL_SECRET is required while tools are enabled (it signs tool confirmations); set it, or TOOLS_ENABLED=false',
    );
  const logger = createLogger('chat-stream');
  const db = overrides.db ?? createDocumentClient({ region: config.region, endpoint: config.dynamoEndpoint });
  const store = new DynamoThrottleStore(db, config.tables);
  return createChatStreamHandler({
    maxBodyBytes: config.maxBodyBytes,
    catalog: config.catalog,
    authenticate: createAuthenticator(config.auth),
    resolveModel: createLanguageModelResolver(config),
    gate: buildGate(config, logger, store),
    tools: config.tools.enabled ? buildTools(db, store, config.tables.credits, logger) : undefined,
    toolApprovalSecret: config.tools.approvalSecret,
    logger,
  });
}

/** The deployment's tools: the demo set. A deployment lists its own here. */
function buildTools(
  db: DynamoDBDocumentClient,
  store: DynamoThrottleStore,
  table: string,
  logger: ServiceLogger,
): ToolRegistry {
  const definitions = demoTools({
    getAccount: (userId) => store.getAccount(userId),
    notes: new DynamoNotesStore(db, table),
    clock: Date.now,
  });
  return new ToolRegistry(definitions, new DynamoToolRunStore(db, table), { logger });
}

function buildGate(
  config: ServiceConfig,
  logger: ReturnType<typeof createLogger>,
  store: DynamoThrottleStore,
): StreamGate {
  if (!config.throttle.enabled) {
    logger.warn('THROTTLE_ENABLED=false: streams are neither limited nor billed');
    return unmeteredGate;
  }
  return new StreamingThrottler({
    store,
    catalog: config.catalog,
    defaultTier: config.throttle.defaultTier,
    signupCredits: config.throttle.signupCredits,
    heartbeatMs: config.throttle.heartbeatMs,
    tierCacheMs: config.throttle.tierCacheMs,
    failOpen: config.throttle.failOpen,
    logger,
    metrics: createThrottleMetrics(),
  });
}
