// The local stack for benchmarks: embedded DynamoDB, local model server, and two Function
// URL emulators serving the same chat-stream Lambda, one throttled and one not, so both
// are measured side by side in one run. The throttled one's DynamoDB requests are
// counted by an SDK middleware.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  startEmbeddedDynamo,
  createTables,
  localAwsCredentials,
  type EmbeddedDynamo,
} from '../local/embedded-dynamodb.js';
import { startLocalModelServer, type LocalModelServer } from '../local/model/local-model-server.js';
import { installLocalAwsLambda } from '../local/lambda-response-stream.js';
import {
  registerFunctionUrl,
  functionUrlPayloadLimit,
  type StreamingLambdaHandler,
} from '../local/function-url-emulator.js';
import { defaultLocalCors } from '../local/function-url-cors.js';
import { signDevToken } from '../local/dev-token.js';
import { defaultTableNames } from '../local/local-stack.js';
import { loadConfig } from '../functions/config.js';
import { createDocumentClient } from '../functions/throttle/dynamo/dynamo-client.js';
import { seedTiers } from '../functions/throttle/dynamo/seed-tiers.js';
import { tierSchema } from '../functions/shared/tier.js';
import { buildChatStreamHandler } from '../functions/chat/build-chat-stream.js';
import { DynamoExperimentStore } from '../functions/experiments/dynamo-experiment-store.js';

export interface CountedRequest {
  command: string;
  table: string;
  input: Record<string, unknown>;
}

export interface BenchStack {
  dynamo: EmbeddedDynamo;
  model: LocalModelServer;
  db: DynamoDBDocumentClient;
  throttledUrl: string;
  unthrottledUrl: string;
  counted: CountedRequest[];
  secret: string;
  token(userId: string): Promise<string>;
  close(): Promise<void>;
}

export const benchTier = tierSchema.parse({
  name: 'bench',
  requestsPerHour: 1_000_000,
  burst: 1_000_000,
  maxTokensPerRequest: 10_000,
  concurrentStreams: 1_000,
  tokensPerMinute: 100_000_000,
  maxStreamSeconds: 300,
  allowedModels: ['*'],
});

function countRequests(db: DynamoDBDocumentClient, counted: CountedRequest[]): void {
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const table =
        (input.TableName as string | undefined) ??
        Object.keys((input.RequestItems as object | undefined) ?? {}).join('+');
      counted.push({ command: context.commandName ?? 'unknown', table, input });
      return next(args);
    },
    { step: 'initialize', name: 'requestCounter' },
  );
}

async function emulator(handler: StreamingLambdaHandler): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ bodyLimit: functionUrlPayloadLimit, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
  registerFunctionUrl(app, { functionName: 'chat-stream', routes: ['/api/ai/*'], handler, cors: defaultLocalCors });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `${address}/api/ai/chat-stream` };
}

export async function startBenchStack(): Promise<BenchStack> {
  const dynamo = await startEmbeddedDynamo();
  await createTables(dynamo.endpoint, defaultTableNames);
  const db = createDocumentClient({ region: 'us-east-1', endpoint: dynamo.endpoint, credentials: localAwsCredentials });
  await seedTiers(db, defaultTableNames.tiers, [benchTier]);
  // A limit experiment runs on the bench tier: admission must stay one request with it on.
  await new DynamoExperimentStore(db, defaultTableNames).create({
    id: 'bench-split',
    tier: benchTier.name,
    salt: 'bench-split',
    variants: [
      { name: 'control', share: 0.5, limits: {} },
      { name: 'smaller-burst', share: 0.5, limits: { burst: 50_000 } },
    ],
    createdAt: Date.now(),
    createdBy: 'bench',
  });
  const model = await startLocalModelServer(0, { tokensPerSecond: 0 });
  const secret = randomBytes(32).toString('base64url');
  const environment = {
    JWT_SECRET: secret,
    TOOL_APPROVAL_SECRET: randomBytes(32).toString('base64url'),
    LOCAL_MODEL_URL: model.url,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    DEFAULT_TIER: 'bench',
    SIGNUP_CREDITS: '1000000000000',
    LOG_LEVEL: 'ERROR',
  };
  Object.assign(process.env, {
    LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  installLocalAwsLambda();
  const { chatStreamLambda } = await import('../functions/lambda/chat-stream-lambda.js');

  const counted: CountedRequest[] = [];
  const countedDb = createDocumentClient({
    region: 'us-east-1',
    endpoint: dynamo.endpoint,
    credentials: localAwsCredentials,
  });
  countRequests(countedDb, counted);
  const throttled = await emulator(
    chatStreamLambda(() =>
      buildChatStreamHandler(loadConfig(environment), { db: countedDb }),
    ) as unknown as StreamingLambdaHandler,
  );
  const unthrottled = await emulator(
    chatStreamLambda(() =>
      buildChatStreamHandler(loadConfig({ ...environment, THROTTLE_ENABLED: 'false' })),
    ) as unknown as StreamingLambdaHandler,
  );

  return {
    dynamo,
    model,
    db,
    throttledUrl: throttled.url,
    unthrottledUrl: unthrottled.url,
    counted,
    secret,
    token: (userId) => signDevToken(secret, userId),
    close: async () => {
      await throttled.app.close();
      await unthrottled.app.close();
      await model.close();
      countedDb.destroy();
      db.destroy();
      await dynamo.close();
    },
  };
}
