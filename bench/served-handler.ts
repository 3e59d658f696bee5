// The chat-stream Lambda handler served in this process by the Function URL emulator,
// built from an environment as its container builds it (its own store client, from
// DYNAMODB_ENDPOINT). Invocations are tracked: an invocation ends after the stream was
// settled, so `idle()` is the moment every reservation of a round is resolved.
import Fastify from 'fastify';
import { randomBytes } from 'node:crypto';
import { localAwsLambda, installLocalAwsLambda } from '../local/lambda-response-stream.js';
import {
  functionUrlPayloadLimit,
  registerFunctionUrl,
  type StreamingLambdaHandler,
} from '../local/function-url-emulator.js';
import { defaultLocalCors } from '../local/function-url-cors.js';
import { loadConfig } from '../functions/config.js';
import { buildChatStreamHandler } from '../functions/lambda/build-chat-stream.js';
import type { TableNames } from '../functions/shared/tables.js';
import { benchTier } from './bench-store.js';

export interface ServedHandler {
  url: string;
  /** Resolves once no invocation is running (every stream settled). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface HandlerSettings {
  jwtSecret: string;
  modelUrl: string;
  dynamoEndpoint: string;
  tables: TableNames;
  throttled: boolean;
}

export async function serveChatStream(settings: HandlerSettings): Promise<ServedHandler> {
  // The process environment the handler's logger, metrics and AWS SDK read, as the dev server sets it.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  installLocalAwsLambda();
  const { chatStreamLambda } = await import('../functions/lambda/chat-stream-lambda.js');
  const config = loadConfig({
    JWT_SECRET: settings.jwtSecret,
    TOOL_APPROVAL_SECRET: randomBytes(32).toString('base64url'),
    LOCAL_MODEL_URL: settings.modelUrl,
    DYNAMODB_ENDPOINT: settings.dynamoEndpoint,
    TIERS_TABLE: settings.tables.tiers,
    CREDITS_TABLE: settings.tables.credits,
    SESSIONS_TABLE: settings.tables.sessions,
    DEFAULT_TIER: benchTier.name,
    SIGNUP_CREDITS: String(1e15),
    THROTTLE_ENABLED: String(settings.throttled),
    // Tools change the model call (their definitions go with it): off on both sides, so only throttling differs.
    TOOLS_ENABLED: 'false',
    // Business-aware throttling on: the load gauge publishes and reads (off the stream's path).
    STREAM_CAPACITY: '1000',
  });
  const lambda = chatStreamLambda(() => buildChatStreamHandler(config)) as unknown as StreamingLambdaHandler;

  let running = 0;
  const waiters: Array<() => void> = [];
  const tracked = localAwsLambda.streamifyResponse(async (...args: Parameters<StreamingLambdaHandler>) => {
    running += 1;
    try {
      return await lambda(...args);
    } finally {
      running -= 1;
      if (running === 0) for (const wake of waiters.splice(0)) wake();
    }
  });

  const app = Fastify({ bodyLimit: functionUrlPayloadLimit, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  registerFunctionUrl(app, {
    functionName: 'chat-stream',
    routes: ['/api/ai/*'],
    handler: tracked,
    cors: defaultLocalCors,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `${address}/api/ai/chat-stream?provider=local&model=local-small&protocol=data`,
    idle: () => (running === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    close: () => app.close(),
  };
}
