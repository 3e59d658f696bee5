// The admin API's Lambda entry (as its IAM-authenticated Function URL invokes it): the
// caller's IAM identity is the actor; a request without one is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { functionUrlEvent } from '../../local/function-url-event.js';
import { useTestStore } from '../helpers/test-store.js';

let handler: (event: LambdaFunctionURLEvent, context: Context) => Promise<{ statusCode: number; body: string }>;

const local = useTestStore();

beforeAll(async () => {
  const { endpoint, tables } = local;
  Object.assign(process.env, {
    ADMIN_TRUST_IAM: 'true',
    DYNAMODB_ENDPOINT: endpoint,
    TIERS_TABLE: tables.tiers,
    CREDITS_TABLE: tables.credits,
    SESSIONS_TABLE: tables.sessions,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    LOG_LEVEL: 'ERROR',
  });
  ({ handler } = (await import('../../admin/lambda.js')) as unknown as { handler: typeof handler });
});

const context = { awsRequestId: 'test', functionName: 'admin' } as Context;
function event(method: string, path: string, body?: unknown, iam?: Record<string, string>): LambdaFunctionURLEvent {
  const base = functionUrlEvent({
    method,
    url: path,
    headers:
      body === undefined
        ? { host: 'admin.lambda-url.us-east-1.on.aws' }
        : { host: 'admin.lambda-url.us-east-1.on.aws', 'content-type': 'application/json' },
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    sourceIp: '10.0.0.1',
  });
  return iam ? { ...base, requestContext: { ...base.requestContext, authorizer: { iam } } as never } : base;
}

describe('admin API in Lambda', () => {
  const operator = {
    accessKey: 'AKIA',
    accountId: '123456789012',
    callerId: 'AIDA',
    userArn: 'arn:aws:iam::123456789012:user/operator',
    userId: 'AIDA',
  };

  it('serves a SigV4-authenticated caller and records its ARN as the actor', async () => {
    const tier = {
      requestsPerHour: 10,
      burst: 2,
      maxTokensPerRequest: 100,
      concurrentStreams: 1,
      tokensPerMinute: 1000,
      maxStreamSeconds: 30,
      allowedModels: ['local:*'],
    };
    const put = await handler(event('PUT', '/admin/tiers/lambda-tier', tier, operator), context);
    expect(put.statusCode).toBe(200);
    const audit = await handler(event('GET', '/admin/audit', undefined, operator), context);
    expect(JSON.parse(audit.body)).toContainEqual(
      expect.objectContaining({ action: 'tier.put', actor: operator.userArn }),
    );
  });

  it('refuses a request that carries no IAM identity', async () => {
    const response = await handler(event('GET', '/admin/tiers'), context);
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body).error.type).toBe('unauthorized');
  });
});
