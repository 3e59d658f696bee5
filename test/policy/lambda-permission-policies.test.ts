// no-public-lambda-permission: "*" may invoke only when narrowed, and only the chat stream's
// URL (authorization NONE, function tagged chat-stream) may be opened to everyone.
import { describe, expect, it } from 'vitest';
import { stackViolations } from '../helpers/policy-harness.js';
import { functionUrl, lambda, permission } from '../helpers/policy-fixtures.js';
import { noPublicLambdaPermission } from '../../infra/policy/lambda-permission-policies.js';

const stream = lambda('chat-stream');
const admin = lambda('admin-api');
const sweeper = lambda('sweeper');
const streamUrl = functionUrl('chat-stream-url', 'chat-stream-dev', { authorizationType: 'NONE' });
const adminUrl = functionUrl('admin-api-url', 'admin-api-dev', { authorizationType: 'AWS_IAM' });
const stack = [stream, admin, sweeper, streamUrl, adminUrl];
const check = (...permissions: ReturnType<typeof permission>[]) =>
  stackViolations(noPublicLambdaPermission, [...stack, ...permissions]);

describe('no-public-lambda-permission', () => {
  it('passes narrowed grants and the public grants of the stream URL', async () => {
    expect(
      await check(
        permission('sweeper-invoke', {
          function: 'sweeper-dev',
          principal: 'events.amazonaws.com',
          sourceArn: 'arn:aws:events:eu-west-1:1:rule/x',
        }),
        permission('by-account', { function: 'sweeper-dev', principal: '*', sourceAccount: '123456789012' }),
        permission('by-org', { function: 'sweeper-dev', principal: '*', principalOrgId: 'o-abc' }),
        permission('iam-url', {
          function: 'admin-api-dev',
          principal: '*',
          action: 'lambda:InvokeFunctionUrl',
          functionUrlAuthType: 'AWS_IAM',
        }),
        permission('stream-url', {
          function: 'chat-stream-dev',
          principal: '*',
          action: 'lambda:InvokeFunctionUrl',
          functionUrlAuthType: 'NONE',
        }),
        permission('stream-via-url', {
          function: stream.props.arn,
          principal: '*',
          invokedViaFunctionUrl: true,
        }),
      ),
    ).toEqual([]);
  });

  it('fires on "*" with nothing narrowing it', async () => {
    expect(await check(permission('open', { function: 'sweeper-dev', principal: '*' }))).toHaveLength(1);
  });

  it("fires on a grant that makes another function's URL public", async () => {
    const openAdmin = permission('open-admin-url', {
      function: 'admin-api-dev',
      principal: '*',
      action: 'lambda:InvokeFunctionUrl',
      functionUrlAuthType: 'NONE',
    });
    const sweeperViaUrl = permission('sweeper-via-url', {
      function: 'sweeper-dev',
      principal: '*',
      invokedViaFunctionUrl: true,
    });
    expect(await check(openAdmin, sweeperViaUrl)).toHaveLength(2);
  });

  it('fires on a public grant for the stream when its URL uses AWS_IAM', async () => {
    const iamStreamUrl = functionUrl('chat-stream-url', 'chat-stream-dev', { authorizationType: 'AWS_IAM' });
    const openStream = permission('stream-url', {
      function: 'chat-stream-dev',
      principal: '*',
      action: 'lambda:InvokeFunctionUrl',
      functionUrlAuthType: 'NONE',
    });
    expect(await stackViolations(noPublicLambdaPermission, [stream, iamStreamUrl, openStream])).toHaveLength(1);
  });
});
