// The local stack with its store behind two proxies, once per test file: a counting proxy
// (every DynamoDB request the service makes is recorded) and, in front of it, a TCP proxy
// that can cut the store off (an outage on demand).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/embedded-dynamodb.js';
import { startLocalStack, type LocalStack } from '../../local/local-stack.js';
// The benchmark's counting proxy: the same HTTP-level count (retries included) in tests and bench.
import { startCountingProxy, type CountingProxy } from '../../bench/counting-proxy.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export interface CountedStack {
  stack: LocalStack;
  /** DynamoDB requests the service made. */
  storeRequests: () => number;
  /** Model requests the service made. */
  modelRequests: () => number;
  outage: TcpProxy;
  jwtSecret: string;
}

export function useCountedStack(environment: Record<string, string>): () => CountedStack {
  let dynamo: EmbeddedDynamo | undefined;
  let counter: CountingProxy | undefined;
  let outage: TcpProxy | undefined;
  let counted: CountedStack | undefined;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    counter = await startCountingProxy(dynamo.endpoint);
    outage = await startTcpProxy(Number(new URL(counter.endpoint).port));
    const jwtSecret = randomBytes(32).toString('base64url');
    const stack = await startLocalStack({
      jwtSecret,
      adminToken: randomBytes(32).toString('base64url'),
      tokensPerSecond: 0,
      dynamoEndpoint: outage.endpoint,
      sweepIntervalMs: 0,
      environment: { LOG_LEVEL: 'CRITICAL', POWERTOOLS_METRICS_DISABLED: 'true', ...environment },
    });
    const { seen } = counter;
    counted = {
      stack,
      storeRequests: () => seen.length,
      modelRequests: () => stack.model.stats.requests,
      outage,
      jwtSecret,
    };
  });
  afterAll(async () => {
    await counted?.stack.close();
    await outage?.close();
    await counter?.close();
    await dynamo?.close();
  });
  return () => {
    if (!counted) throw new Error('counted stack not started');
    return counted;
  };
}
