// The whole service on one machine: embedded DynamoDB with the tables, the local model
// server, and the Function URL emulator serving the real Lambda handler. Used by
// `npm run dev` and by the integration tests.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { startEmbeddedDynamo, createTables, localAwsCredentials, type EmbeddedDynamo } from './embedded-dynamodb.js';
import { spawnEmbeddedDynamo } from './embedded-dynamodb-process.js';
import { startLocalModelServer, type LocalModelServer } from './model/local-model-server.js';
import { installLocalAwsLambda } from './lambda-response-stream.js';
import { registerFunctionUrl, functionUrlPayloadLimit, type StreamingLambdaHandler } from './function-url-emulator.js';
import { defaultLocalCors, type FunctionUrlCors } from './function-url-cors.js';
import { signDevToken } from './dev-token.js';
import type { TableNames } from '../functions/shared/tables.js';
import { createDocumentClient } from '../functions/throttle/dynamo/dynamo-client.js';
import { seedTiers } from '../functions/throttle/dynamo/seed-tiers.js';
import { recoverSweepIndex } from './sweep-index-recovery.js';
import { DynamoThrottleStore } from '../functions/throttle/dynamo/dynamo-throttle-store.js';
import { sweep as sweepAccounts, type SweepResult } from '../functions/throttle/sweeper.js';
import { loadConfig } from '../functions/config.js';
import { adminPlugin, adminServerOptions } from '../admin/admin-app.js';
import { registerPlayground } from './playground/serve-playground.js';
import { registerDashboard } from './dashboard/serve-dashboard.js';
import { buildAdminContext } from '../admin/build-admin.js';
import { DynamoCatalogStore } from '../functions/catalog/dynamo-catalog-store.js';
import { liveCatalog } from '../functions/catalog/live-catalog.js';
import { DynamoRollupStore } from '../functions/rollup/dynamo-rollup-store.js';
import { runRollup, type RollupRun } from '../functions/rollup/rollup-job.js';

export interface LocalStackOptions {
  port?: number;
  host?: string;
  dynamoPort?: number;
  /** LevelDB directory for the embedded store; in memory when absent. */
  dynamoPath?: string;
  /** Use this DynamoDB endpoint instead of starting the embedded one. */
  dynamoEndpoint?: string;
  /** Run the embedded store in a child process (as `npm run dev` does), not in this one. */
  dynamoInOwnProcess?: boolean;
  modelPort?: number;
  tokensPerSecond?: number;
  jwtSecret: string;
  /** Bearer token of the local admin API. */
  adminToken: string;
  tables?: TableNames;
  cors?: FunctionUrlCors;
  /** Extra environment for the functions (the Lambda environment variables). */
  environment?: Record<string, string>;
  logger?: boolean;
  /** How often the local sweeper runs (the schedule in AWS); 0 disables the timer. */
  sweepIntervalMs?: number;
  /** Let the playground hand dev tokens to loopback clients (`npm run dev`); off unless asked for. */
  playgroundTokens?: boolean;
  /** Serve the usage dashboard at /dashboard, reading the admin API with the admin token for loopback clients. */
  dashboard?: boolean;
}

export interface LocalStack {
  url: string;
  streamUrl: string;
  adminUrl: string;
  adminToken: string;
  dynamoEndpoint: string;
  tables: TableNames;
  model: LocalModelServer;
  dynamo?: EmbeddedDynamo;
  app: FastifyInstance;
  /** Runs the sweeper once, now. */
  sweep(): Promise<SweepResult>;
  /** Brings the usage rollup up to date, now (the sweep timer does it after each sweep). */
  rollup(): Promise<RollupRun>;
  token(userId: string, options?: { expiresIn?: string | number }): Promise<string>;
  close(): Promise<void>;
}

export const defaultTableNames: TableNames = { tiers: 'tiers', credits: 'credits', sessions: 'sessions' };

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const tables = options.tables ?? defaultTableNames;
  const storeOptions = { port: options.dynamoPort, path: options.dynamoPath };
  const dynamo = options.dynamoEndpoint
    ? undefined
    : options.dynamoInOwnProcess
      ? await spawnEmbeddedDynamo(storeOptions)
      : await startEmbeddedDynamo(storeOptions);
  const dynamoEndpoint = options.dynamoEndpoint ?? dynamo!.endpoint;
  await createTables(dynamoEndpoint, tables);
  const db = createDocumentClient({ region: 'us-east-1', endpoint: dynamoEndpoint, credentials: localAwsCredentials });
  await seedTiers(db, tables.tiers);
  // Data on disk may come from a dev server that was killed: put the sweeper's index back in step.
  if (dynamo && options.dynamoPath) await recoverSweepIndex(db, tables);
  const model = await startLocalModelServer(options.modelPort ?? 0, { tokensPerSecond: options.tokensPerSecond });

  // The Lambda environment of the functions, as the Pulumi program sets it in AWS.
  Object.assign(process.env, {
    JWT_SECRET: options.jwtSecret,
    LOCAL_MODEL_URL: model.url,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? localAwsCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? localAwsCredentials.secretAccessKey,
    TOOL_APPROVAL_SECRET: randomBytes(32).toString('base64url'),
    TIERS_TABLE: tables.tiers,
    CREDITS_TABLE: tables.credits,
    SESSIONS_TABLE: tables.sessions,
    ...options.environment,
  });
  installLocalAwsLambda();
  const chatStream = await import('../functions/lambda/chat-stream-handler.js');

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: functionUrlPayloadLimit,
    forceCloseConnections: true,
    ...adminServerOptions, // the admin API is served here too
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  registerFunctionUrl(app, {
    functionName: 'chat-stream',
    routes: ['/api/ai/*'],
    handler: chatStream.handler as unknown as StreamingLambdaHandler,
    cors: options.cors ?? defaultLocalCors,
  });

  // The sweeper as AWS runs it on a schedule: same code, same configuration.
  const functionConfig = loadConfig();
  // The run-time model catalog starts as the configured one (MODEL_CATALOG), as the Pulumi program seeds it.
  await new DynamoCatalogStore(db, tables.credits).seed(functionConfig.catalog, Date.now());
  const catalog = liveCatalog(functionConfig, db, console);
  const store = new DynamoThrottleStore(db, tables);
  const sweep = async () => sweepAccounts(store, await catalog.current(), Date.now());
  const rollups = new DynamoRollupStore(db, tables);
  const rollup = () => runRollup(rollups, Date.now());
  const sweepIntervalMs = options.sweepIntervalMs ?? 5_000;
  const sweeper =
    sweepIntervalMs > 0
      ? setInterval(
          () =>
            void sweep()
              .then(rollup)
              .catch((err: unknown) => console.warn('local sweeper failed:', err)),
          sweepIntervalMs,
        ).unref()
      : undefined;

  // The admin API, as its Lambda runs it, under /admin (token auth locally).
  const adminContext = buildAdminContext({ ...process.env, ADMIN_TOKEN: options.adminToken }, db);
  await app.register(adminPlugin, adminContext);

  // The playground page at /; under `npm run dev` it also hands out dev tokens and shows the user's account.
  registerPlayground(app, {
    jwtSecret: options.jwtSecret,
    devTokens: options.playgroundTokens ?? false,
    catalog,
    accounts: adminContext.store,
  });
  if (options.dashboard) {
    // The page's API calls go to the admin API in this process, with the admin token added here.
    registerDashboard(app, {
      upstream: 'the local admin API',
      adminGet: async (pathAndQuery) => {
        const answer = await app.inject({
          method: 'GET',
          url: `/admin${pathAndQuery}`,
          headers: { authorization: `Bearer ${options.adminToken}`, 'x-admin-actor': 'dashboard' },
        });
        return { status: answer.statusCode, body: answer.json() };
      },
    });
  }

  const url = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return {
    url,
    streamUrl: `${url}/api/ai/chat-stream`,
    adminUrl: `${url}/admin`,
    adminToken: options.adminToken,
    dynamoEndpoint,
    tables,
    model,
    dynamo,
    app,
    sweep,
    rollup,
    token: (userId, tokenOptions) => signDevToken(options.jwtSecret, userId, tokenOptions),
    close: async () => {
      clearInterval(sweeper);
      await app.close();
      db.destroy();
      await model.close();
      await dynamo?.close();
    },
  };
}
