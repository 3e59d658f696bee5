// Issue 12: the admin API's log lines in Lambda carry the invocation's request id
// (`function_request_id`, as the chat stream's Powertools logs do), so an operator can go
// from a request to its logs.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { functionUrlEvent } from '../../local/function-url-event.js';
import { lambdaContext } from '../../local/function-url-emulator.js';
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
    LOG_LEVEL: 'INFO', // the request log lines are at info
  });
  ({ handler } = (await import('../../admin/lambda.js')) as unknown as { handler: typeof handler });
});

const operator = {
  accessKey: 'AKIA',
  accountId: '123456789012',
  callerId: 'AIDA',
  userArn: 'arn:aws:iam::123456789012:user/operator',
  userId: 'AIDA',
};

function listTiers(): LambdaFunctionURLEvent {
  const base = functionUrlEvent({
    method: 'GET',
    url: '/admin/tiers',
    headers: { host: 'admin.lambda-url.us-east-1.on.aws' },
    body: undefined,
    sourceIp: '10.0.0.1',
  });
  return { ...base, requestContext: { ...base.requestContext, authorizer: { iam: operator } } as never };
}

describe('admin API logs in Lambda', () => {
  it("tag every request's log lines with the Lambda request id of its invocation", async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      written.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    const ids = ['admin-req-1', 'admin-req-2'];
    try {
      for (const id of ids) {
        const response = await handler(listTiers(), lambdaContext('admin', 30_000, id));
        expect(response.statusCode).toBe(200);
      }
    } finally {
      spy.mockRestore();
    }
    const lines = written.flatMap((line) => {
      try {
        return [JSON.parse(line) as { msg?: string; function_request_id?: string }];
      } catch {
        return [];
      }
    });
    const completed = lines.filter((line) => line.msg === 'request completed');
    expect(completed.map((line) => line.function_request_id)).toEqual(ids);
  });
});
