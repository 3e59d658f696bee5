// `npm run dev`: the whole service locally, no AWS account and no API key.
import { startLocalStack } from './local-stack.js';
import { devAdminToken, devJwtSecret, localDataDir } from './dev-token.js';
import { join } from 'node:path';

const port = Number(process.env.PORT ?? 3000);
const stack = await startLocalStack({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  dynamoPort: Number(process.env.DYNAMODB_PORT ?? 0) || undefined,
  // v3: sessions carry the bySettledHour index (the usage rollup), which dynalite cannot add to a table.
  dynamoPath: process.env.DYNAMODB_IN_MEMORY === 'true' ? undefined : join(localDataDir, 'dynamodb-v3'),
  modelPort: Number(process.env.LOCAL_MODEL_PORT ?? 0) || undefined,
  tokensPerSecond: Number(process.env.LOCAL_MODEL_TOKENS_PER_SECOND ?? 40),
  jwtSecret: devJwtSecret(),
  adminToken: devAdminToken(),
  playgroundTokens: true, // the playground's dev tokens exist only here, for loopback clients
  environment: {
    SIGNUP_CREDITS: process.env.SIGNUP_CREDITS ?? '5000000',
    DEFAULT_TIER: process.env.DEFAULT_TIER ?? 'pro',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  },
  logger: false,
});
const token = await stack.token('dev-user', { expiresIn: '7d' });
const url = `${stack.streamUrl}?provider=local&model=local-small`;

console.log(`
Streaming AI service running locally

  Playground     ${stack.url}/
  Stream URL     ${stack.streamUrl}
  Admin API      ${stack.adminUrl}  (npm run admin -- help; OpenAPI at ${stack.adminUrl}/openapi.json)
  Local model    ${stack.model.url}  (OpenAI-compatible)
  DynamoDB       ${stack.dynamoEndpoint}  (tables: ${Object.values(stack.tables).join(', ')})

Dev token for "dev-user" (valid 7 days; "npm run token -- <userId>" makes more):
  ${token}

Try it:
  curl -N -X POST '${url}' \\
    -H 'authorization: Bearer ${token}' \\
    -H 'content-type: application/json' \\
    -d '{"messages":[{"role":"user","content":"20 words"}]}'

Press Ctrl+C to stop.`);

const shutdown = async () => {
  await stack.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
