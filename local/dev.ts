// `npm run dev`: the whole service locally, no AWS account and no API key.
import { join } from 'node:path';
import { startLocalStack } from './local-stack.js';
import { devAdminToken, devJwtSecret } from './dev-token.js';
import { localDataDir, removeDevServerInfo, writeDevServerInfo } from './local-data.js';

const env = process.env;
const port = Number(env.PORT ?? 3000);
const dataDir = localDataDir();
// An external DynamoDB-compatible store (e.g. DynamoDB Local) instead of the embedded one.
const externalStore = env.DYNAMODB_ENDPOINT;
const stack = await startLocalStack({
  port,
  host: env.HOST ?? '127.0.0.1',
  dynamoEndpoint: externalStore,
  // The embedded store runs in a process of its own, as a real store would.
  dynamoInOwnProcess: true,
  dynamoPort: Number(env.DYNAMODB_PORT ?? 0) || undefined,
  // v4: sessions carry the bySettledHour (usage rollup) and byVariant (experiments) indexes,
  // which dynalite cannot add to a table.
  dynamoPath: externalStore || env.DYNAMODB_IN_MEMORY === 'true' ? undefined : join(dataDir, 'dynamodb-v4'),
  tables: {
    tiers: env.TIERS_TABLE ?? 'tiers',
    credits: env.CREDITS_TABLE ?? 'credits',
    sessions: env.SESSIONS_TABLE ?? 'sessions',
  },
  modelPort: Number(env.LOCAL_MODEL_PORT ?? 0) || undefined,
  tokensPerSecond: Number(env.LOCAL_MODEL_TOKENS_PER_SECOND ?? 40),
  jwtSecret: devJwtSecret(dataDir),
  // ADMIN_TOKEN (at least 24 characters) replaces the generated one, e.g. to share it with a team's tools.
  adminToken: env.ADMIN_TOKEN ?? devAdminToken(dataDir),
  playgroundTokens: true, // the playground's dev tokens exist only here, for loopback clients
  dashboard: true, // the usage dashboard, reading the admin API for loopback clients
  environment: {
    SIGNUP_CREDITS: env.SIGNUP_CREDITS ?? '5000000',
    DEFAULT_TIER: env.DEFAULT_TIER ?? 'pro',
    LOG_LEVEL: env.LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  },
  logger: false,
});
// Where this server listens, for `npm run admin` to find without flags.
const info = { url: stack.url, adminUrl: stack.adminUrl, pid: process.pid };
const infoFile = writeDevServerInfo(info, dataDir);
const token = await stack.token('dev-user', { expiresIn: '7d' });
const url = `${stack.streamUrl}?provider=local&model=local-small`;

console.log(`
Streaming AI service running locally

  Playground     ${stack.url}/
  Dashboard      ${stack.url}/dashboard  (usage and cost)
  Stream URL     ${stack.streamUrl}
  Admin API      ${stack.adminUrl}  (npm run admin -- help; OpenAPI at ${stack.adminUrl}/openapi.json)
  Local model    ${stack.model.url}  (OpenAI-compatible)
  DynamoDB       ${stack.dynamoEndpoint}${externalStore ? ' (external, DYNAMODB_ENDPOINT)' : ''}  (tables: ${Object.values(stack.tables).join(', ')})
  Data           ${dataDir}  (URLs in ${infoFile}${env.ADMIN_TOKEN ? '; admin token from ADMIN_TOKEN' : ''})

Dev token for "dev-user" (valid 7 days; "npm run token -- <userId>" makes more):
  ${token}

Try it:
  curl -N -X POST '${url}' \\
    -H 'authorization: Bearer ${token}' \\
    -H 'content-type: application/json' \\
    -d '{"messages":[{"role":"user","content":"20 words"}]}'

Press Ctrl+C to stop.`);

const shutdown = async () => {
  removeDevServerInfo(info, dataDir);
  await stack.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
