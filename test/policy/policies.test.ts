// Each policy of the pack with a compliant and a violating resource, so none is a check
// that cannot fail.
import { describe, expect, it } from 'vitest';
import { resourceViolations, stackViolations, type ResourceUnderTest } from '../helpers/policy-harness.js';
import { onlyStreamIsPublic, prodCorsRestricted, streamUrlStreams } from '../../infra/policy/function-url-policies.js';
import {
  prodTablesProtected,
  sessionsExpire,
  tablesEncrypted,
  tablesOnDemand,
  tablesRecoverable,
} from '../../infra/policy/table-policies.js';
import {
  lambdaLogRetention,
  lambdaTimeoutBounded,
  noSecretsInEnvironment,
  streamConcurrencyCapped,
} from '../../infra/policy/lambda-policies.js';
import { dynamoLeastPrivilege } from '../../infra/policy/iam-policies.js';
import { policies } from '../../infra/policy/policies.js';

const url = (name: string, props: Record<string, unknown>): ResourceUnderTest => ({
  type: 'aws:lambda/functionUrl:FunctionUrl',
  name,
  props,
});
const table = (props: Record<string, unknown>): ResourceUnderTest => ({
  type: 'aws:dynamodb/table:Table',
  name: 'ai-sessions',
  props: {
    billingMode: 'PAY_PER_REQUEST',
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true },
    deletionProtectionEnabled: true,
    ttl: { enabled: true, attributeName: 'expiresAt' },
    tags: { environment: 'prod', component: 'sessions' },
    ...props,
  },
});
const fn = (name: string, props: Record<string, unknown>): ResourceUnderTest => ({
  type: 'aws:lambda/function:Function',
  name,
  props: {
    name: `${name}-dev`,
    timeout: 30,
    reservedConcurrentExecutions: 5,
    loggingConfig: { logGroup: `/aws/lambda/${name}-dev` },
    environment: { variables: { SECRETS_ARN: 'arn:aws:secretsmanager:x' } },
    ...props,
  },
});
const logGroup = (name: string, props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: 'aws:cloudwatch/logGroup:LogGroup',
  name: `${name}-logs`,
  props: { name: `/aws/lambda/${name}-dev`, retentionInDays: 14, ...props },
});
const rolePolicy = (statement: Record<string, unknown>): ResourceUnderTest => ({
  type: 'aws:iam/rolePolicy:RolePolicy',
  name: 'chat-stream-policy',
  props: { policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) },
});

describe('policy pack', () => {
  it('has a unique name and a description for every policy', () => {
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    expect(policies.every((p) => p.description && p.enforcementLevel === 'mandatory')).toBe(true);
  });
});

describe('Function URL policies', () => {
  it('stream-url-response-stream', async () => {
    expect(
      await resourceViolations(streamUrlStreams, url('chat-stream-url', { invokeMode: 'RESPONSE_STREAM' })),
    ).toEqual([]);
    expect(await resourceViolations(streamUrlStreams, url('chat-stream-url', { invokeMode: 'BUFFERED' }))).toHaveLength(
      1,
    );
  });

  it('no-public-admin-url', async () => {
    expect(
      await resourceViolations(onlyStreamIsPublic, url('admin-api-url', { authorizationType: 'AWS_IAM' })),
    ).toEqual([]);
    expect(await resourceViolations(onlyStreamIsPublic, url('chat-stream-url', { authorizationType: 'NONE' }))).toEqual(
      [],
    );
    expect(
      await resourceViolations(onlyStreamIsPublic, url('admin-api-url', { authorizationType: 'NONE' })),
    ).toHaveLength(1);
    expect(await resourceViolations(onlyStreamIsPublic, url('debug-url', { authorizationType: 'NONE' }))).toHaveLength(
      1,
    );
  });

  it('prod-cors-restricted', async () => {
    const prodTable = table({});
    expect(
      await stackViolations(prodCorsRestricted, [
        prodTable,
        url('chat-stream-url', { cors: { allowOrigins: ['https://app.example.com'] } }),
      ]),
    ).toEqual([]);
    expect(
      await stackViolations(prodCorsRestricted, [prodTable, url('chat-stream-url', { cors: { allowOrigins: ['*'] } })]),
    ).toHaveLength(1);
    const devTable = table({ tags: { environment: 'dev', component: 'sessions' } });
    expect(
      await stackViolations(prodCorsRestricted, [devTable, url('chat-stream-url', { cors: { allowOrigins: ['*'] } })]),
    ).toEqual([]);
  });
});

describe('table policies', () => {
  it.each([
    ['tables-point-in-time-recovery', tablesRecoverable, { pointInTimeRecovery: { enabled: false } }],
    ['tables-encrypted', tablesEncrypted, { serverSideEncryption: undefined }],
    ['tables-on-demand', tablesOnDemand, { billingMode: 'PROVISIONED' }],
    ['prod-tables-deletion-protection', prodTablesProtected, { deletionProtectionEnabled: false }],
    ['sessions-ttl', sessionsExpire, { ttl: { enabled: false } }],
  ] as const)('%s passes a compliant table and fires on a bad one', async (_name, policy, bad) => {
    expect(await resourceViolations(policy, table({}))).toEqual([]);
    expect(await resourceViolations(policy, table(bad))).toHaveLength(1);
  });

  it('does not ask dev tables for deletion protection or other tables for a TTL', async () => {
    expect(
      await resourceViolations(
        prodTablesProtected,
        table({ deletionProtectionEnabled: false, tags: { environment: 'dev', component: 'credits' } }),
      ),
    ).toEqual([]);
    expect(
      await resourceViolations(
        sessionsExpire,
        table({ ttl: undefined, tags: { environment: 'dev', component: 'credits' } }),
      ),
    ).toEqual([]);
  });
});

describe('Lambda policies', () => {
  it('lambda-log-retention', async () => {
    expect(await stackViolations(lambdaLogRetention, [fn('sweeper', {}), logGroup('sweeper')])).toEqual([]);
    expect(await stackViolations(lambdaLogRetention, [fn('sweeper', {})])).toHaveLength(1);
    expect(
      await stackViolations(lambdaLogRetention, [
        fn('sweeper', {}),
        logGroup('sweeper', { retentionInDays: undefined }),
      ]),
    ).toHaveLength(1);
  });

  it('lambda-timeout-bounds', async () => {
    expect(await resourceViolations(lambdaTimeoutBounded, fn('sweeper', { timeout: 900 }))).toEqual([]);
    expect(await resourceViolations(lambdaTimeoutBounded, fn('sweeper', { timeout: 901 }))).toHaveLength(1);
    expect(await resourceViolations(lambdaTimeoutBounded, fn('sweeper', { timeout: undefined }))).toHaveLength(1);
  });

  it('stream-reserved-concurrency', async () => {
    expect(await resourceViolations(streamConcurrencyCapped, fn('chat-stream', {}))).toEqual([]);
    expect(
      await resourceViolations(streamConcurrencyCapped, fn('chat-stream', { reservedConcurrentExecutions: undefined })),
    ).toHaveLength(1);
    expect(
      await resourceViolations(streamConcurrencyCapped, fn('admin-api', { reservedConcurrentExecutions: undefined })),
    ).toEqual([]);
  });

  it('no-literal-secrets-in-env', async () => {
    expect(
      await resourceViolations(
        noSecretsInEnvironment,
        fn('chat-stream', {
          environment: { variables: { SECRETS_ARN: 'arn:...', TIERS_TABLE: 't', MAX_TOKENS: '5' } },
        }),
      ),
    ).toEqual([]);
    const leaky = fn('chat-stream', {
      environment: { variables: { OPENAI_API_KEY: 'sk-live-123', JWT_SECRET: 'abc', ADMIN_TOKEN: 'x' } },
    });
    expect(await resourceViolations(noSecretsInEnvironment, leaky)).toHaveLength(3);
  });
});

describe('IAM policies', () => {
  it('dynamodb-least-privilege', async () => {
    expect(
      await resourceViolations(
        dynamoLeastPrivilege,
        rolePolicy({
          Effect: 'Allow',
          Action: ['dynamodb:GetItem'],
          Resource: ['arn:aws:dynamodb:eu-west-1:1:table/t'],
        }),
      ),
    ).toEqual([]);
    expect(
      await resourceViolations(
        dynamoLeastPrivilege,
        rolePolicy({ Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:eu-west-1:1:table/t' }),
      ),
    ).toHaveLength(1);
    expect(
      await resourceViolations(
        dynamoLeastPrivilege,
        rolePolicy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' }),
      ),
    ).toHaveLength(1);
    expect(
      await resourceViolations(
        dynamoLeastPrivilege,
        rolePolicy({ Effect: 'Allow', Action: ['dynamodb:Query'], Resource: '*' }),
      ),
    ).toHaveLength(1);
    expect(
      await resourceViolations(dynamoLeastPrivilege, rolePolicy({ Effect: 'Deny', Action: '*', Resource: '*' })),
    ).toEqual([]);
    expect(
      await resourceViolations(
        dynamoLeastPrivilege,
        rolePolicy({ Effect: 'Allow', Action: ['xray:PutTraceSegments'], Resource: ['*'] }),
      ),
    ).toEqual([]);
  });
});
