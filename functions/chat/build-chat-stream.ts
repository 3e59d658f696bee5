// Composition root of the chat-stream function: configuration in, a ready handler out.
// Built once per Lambda container (or local server) and reused across requests.
import { loadConfig, type ServiceConfig } from '../config.js';
import { createAuthenticator } from '../auth/bearer-auth.js';
import { createLanguageModelResolver } from '../providers/language-models.js';
import { createLogger } from '../observability/logger.js';
import { createChatStreamHandler, type ChatStreamHandler } from './chat-stream-service.js';
import { unmeteredGate } from './unmetered-gate.js';
import type { StreamGate } from './stream-gate.js';

export function buildChatStreamHandler(config: ServiceConfig = loadConfig()): ChatStreamHandler {
  const logger = createLogger('chat-stream');
  const gate: StreamGate = unmeteredGate;
  return createChatStreamHandler({
    maxBodyBytes: config.maxBodyBytes,
    catalog: config.catalog,
    authenticate: createAuthenticator(config.auth),
    resolveModel: createLanguageModelResolver(config),
    gate,
    logger,
  });
}
