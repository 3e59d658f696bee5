// The chat-stream Lambda behind the Function URL emulator, built as its entry point builds
// it (`chatStreamLambda(() => buildChatStreamHandler(loadConfig(env)))`), and the admin API
// as its Lambda builds it (`buildAdminContext(env)`), both on a DynamoDB client the test
// watches: an SDK middleware records every request they send, and can make chosen requests
// fail the way DynamoDB fails them. One stack per test file.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { InternalServerError } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startEmbeddedDynamo, createTables, localAwsCredentials } from '../../local/embedded-dynamodb.js';
import { startLocalModelServer } from '../../local/model/local-model-server.js';
import { installLocalAwsLambda } from '../../local/lambda-response-stream.js';
import {
  registerFunctionUrl,
  functionUrlPayloadLimit,
  type StreamingLambdaHandler,
} from '../../local/function-url-emulator.js';
import { defaultLocalCors } from '../../local/function-url-cors.js';
import { signDevToken } from '../../local/dev-token.js';
import { defaultTableNames } from '../../local/local-stack.js';
import { loadConfig } from '../../functions/config.js';
import { createDocumentClient } from '../../functions/throttle/dynamo/dynamo-client.js';
import { seedTiers } from '../../functions/throttle/dynamo/seed-tiers.js';
import type { TableNames } from '../../functions/shared/tables.js';
import type { ChatStreamHandler } from '../../functions/chat/chat-stream-service.js';
import { adminPlugin, adminServerOptions } from '../../admin/admin-app.js';
import { buildAdminContext } from '../../admin/build-admin.js';

export interface DynamoRequest {
  command: string;
  table: string;
  input: Record<string, unknown>;
}

export interface InstrumentedStack {
  streamUrl: string;
  dynamoEndpoint: string;
  tables: TableNames;
  /** The functions' environment (the Lambda environment variables). */
  environment: Record<string, string>;
  /** The admin API base (`<adminUrl>/tiers`, ...) and its bearer token. */
  adminUrl: string;
  adminToken: string;
  /** Every request the service (chat stream and admin API) sent to DynamoDB, in order. */
  requests: DynamoRequest[];
  /** Chat completion requests the local model server received. */
  modelRequests(): number;
  /**
   * Requests matching `match` fail with a DynamoDB InternalServerError saying `message`, with
   * `fields` added (e.g. a `statusCode`, as some SDK and HTTP errors carry); undefined stops it.
   */
  failRequests(
    match: ((request: DynamoRequest) => boolean) | undefined,
    message?: string,
    fields?: Record<string, unknown>,
  ): void;
  /** Serves another chat-stream Lambda, built by `build` at its cold start, at the returned URL. */
  serve(build: () => ChatStreamHandler): Promise<string>;
  token(userId: string): Promise<string>;
  close(): Promise<void>;
}

function instrument(db: DynamoDBDocumentClient, stack: Pick<InstrumentedStack, 'requests'>) {
  let failing:
    | { match: (request: DynamoRequest) => boolean; message: string; fields?: Record<string, unknown> }
    | undefined;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const table =
        (input.TableName as string | undefined) ??
        Object.keys((input.RequestItems as object | undefined) ?? {}).join('+');
      const request = { command: context.commandName ?? 'unknown', table, input };
      stack.requests.push(request);
      if (failing?.match(request)) {
        throw Object.assign(new InternalServerError({ message: failing.message, $metadata: {} }), failing.fields);
      }
      return next(args);
    },
    { step: 'initialize', name: 'requestRecorder' },
  );
  return (
    match: ((request: DynamoRequest) => boolean) | undefined,
    message = 'internal server error',
    fields?: Record<string, unknown>,
  ) => {
    failing = match && { match, message, fields };
  };
}

async function startInstrumentedStack(environment: Record<string, string> = {}): Promise<InstrumentedStack> {
  const dynamo = await startEmbeddedDynamo();
  const tables = defaultTableNames;
  await createTables(dynamo.endpoint, tables);
  const clientSettings = { region: 'us-east-1', endpoint: dynamo.endpoint, credentials: localAwsCredentials };
  const setup = createDocumentClient(clientSettings);
  await seedTiers(setup, tables.tiers);
  setup.destroy();
  const model = await startLocalModelServer(0, { tokensPerSecond: 0 });
  const jwtSecret = randomBytes(32).toString('base64url');
  const env = {
    JWT_SECRET: jwtSecret,
    LOCAL_MODEL_URL: model.url,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TOOL_APPROVAL_SECRET: randomBytes(32).toString('base64url'),
    TIERS_TABLE: tables.tiers,
    CREDITS_TABLE: tables.credits,
    SESSIONS_TABLE: tables.sessions,
    ...environment,
  };
  // POWERTOOLS_DEV: the service's logger writes through the global console, where a test can read it.
  Object.assign(process.env, { LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_DEV: 'true' });
  installLocalAwsLambda();
  const { chatStreamLambda } = await import('../../functions/lambda/chat-stream-lambda.js');
  const { buildChatStreamHandler } = await import('../../functions/lambda/build-chat-stream.js');

  const db = createDocumentClient(clientSettings);
  const stack = { requests: [] as DynamoRequest[] };
  const failRequests = instrument(db, stack);
  const apps: FastifyInstance[] = [];
  const serve = async (build: () => ChatStreamHandler) => {
    const app = Fastify({ bodyLimit: functionUrlPayloadLimit, forceCloseConnections: true });
    apps.push(app);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    const handler = chatStreamLambda(build) as unknown as StreamingLambdaHandler;
    registerFunctionUrl(app, { functionName: 'chat-stream', routes: ['/api/ai/*'], handler, cors: defaultLocalCors });
    return `${await app.listen({ port: 0, host: '127.0.0.1' })}/api/ai/chat-stream`;
  };
  const streamUrl = await serve(() => buildChatStreamHandler(loadConfig(env), { db }));

  const adminToken = randomBytes(32).toString('base64url');
  const adminApp = Fastify({ forceCloseConnections: true, ...adminServerOptions });
  apps.push(adminApp);
  await adminApp.register(adminPlugin, buildAdminContext({ ...env, ADMIN_TOKEN: adminToken }, db));
  const adminUrl = `${await adminApp.listen({ port: 0, host: '127.0.0.1' })}/admin`;

  return {
    streamUrl,
    dynamoEndpoint: dynamo.endpoint,
    tables,
    environment: env,
    adminUrl,
    adminToken,
    requests: stack.requests,
    modelRequests: () => model.stats.requests,
    failRequests,
    serve,
    token: (userId) => signDevToken(jwtSecret, userId),
    close: async () => {
      for (const app of apps) await app.close();
      db.destroy();
      await model.close();
      await dynamo.close();
    },
  };
}

export function useInstrumentedStack(environment: Record<string, string> = {}): () => InstrumentedStack {
  let stack: InstrumentedStack | undefined;
  beforeAll(async () => {
    stack = await startInstrumentedStack(environment);
  });
  afterAll(async () => {
    await stack?.close();
  });
  return () => {
    if (!stack) throw new Error('instrumented stack not started');
    return stack;
  };
}
