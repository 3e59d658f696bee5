// Starts the real local stack (embedded DynamoDB, local model server, Function URL
// emulator with the real handler) once per test file. With DYNAMODB_ENDPOINT set (e.g.
// AWS's DynamoDB Local) the stack uses that server, with tables of its own.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/local-stack.js';

export function useLocalStack(options: Partial<LocalStackOptions> = {}): () => LocalStack {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    const external = process.env.DYNAMODB_ENDPOINT;
    const suffix = randomUUID().slice(0, 8);
    stack = await startLocalStack({
      jwtSecret: randomBytes(32).toString('base64url'),
      adminToken: randomBytes(32).toString('base64url'),
      ...(external
        ? {
            dynamoEndpoint: external,
            tables: { tiers: `tiers-${suffix}`, credits: `credits-${suffix}`, sessions: `sessions-${suffix}` },
          }
        : {}),
      tokensPerSecond: 0,
      ...options,
      environment: { LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true', ...options.environment },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });
  return () => {
    if (!stack) throw new Error('local stack not started');
    return stack;
  };
}
