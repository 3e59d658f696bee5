// IAM policies: DynamoDB least privilege, no wildcards on every resource (X-Ray excepted),
// no admin managed policies however attached.
import { describe, expect, it } from 'vitest';
import { resourceViolations, type ResourceUnderTest } from '../helpers/policy-harness.js';
import { iamPolicy, lambda, tableArn } from '../helpers/policy-fixtures.js';
import { dynamoLeastPrivilege } from '../../infra/policy/iam-policies.js';
import { noWildcardIam } from '../../infra/policy/iam-wildcard-policies.js';
import { noAdminManagedPolicies } from '../../infra/policy/iam-managed-policies.js';

const allow = (Action: unknown, Resource: unknown = tableArn) => ({ Effect: 'Allow', Action, Resource });

describe('dynamodb-least-privilege', () => {
  it('passes named actions on named tables and fires on wildcards', async () => {
    const check = (statement: Record<string, unknown>) =>
      resourceViolations(dynamoLeastPrivilege, iamPolicy('RolePolicy', statement));
    expect(await check(allow(['dynamodb:GetItem']))).toEqual([]);
    expect(await check(allow('dynamodb:*'))).toHaveLength(1);
    expect(await check(allow('*', 'arn:aws:s3:::b'))).toHaveLength(1);
    expect(await check(allow(['dynamodb:Query'], '*'))).toHaveLength(1);
    expect(await check({ Effect: 'Deny', Action: '*', Resource: '*' })).toEqual([]);
    expect(await resourceViolations(dynamoLeastPrivilege, iamPolicy('Role', allow('dynamodb:*')))).toHaveLength(1);
  });
});

describe('no-wildcard-iam', () => {
  const check = (...statements: Array<Record<string, unknown>>) =>
    resourceViolations(noWildcardIam, iamPolicy('RolePolicy', ...statements));

  it("passes what the program's roles hold: named resources, and X-Ray's two actions on *", async () => {
    expect(
      await check(
        allow(['logs:CreateLogStream', 'logs:PutLogEvents'], ['arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/x:*']),
        allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']),
        allow(['dynamodb:GetItem'], [tableArn, `${tableArn}/index/*`]),
        allow('s3:*', 'arn:aws:s3:::bucket/*'),
        { Effect: 'Deny', NotAction: 'sts:*', Resource: '*' },
      ),
    ).toEqual([]);
  });

  it.each([
    ['every action', allow('*', '*'), 'allows * on every resource'],
    ['every action of a service', allow(['s3:GetObject', 's3:*'], '*'), 'allows s3:* on every resource'],
    [
      'everything but (NotAction)',
      { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' },
      'allows every action but iam:* (NotAction)',
    ],
    ['a named action on *', allow('lambda:InvokeFunction', '*'), 'allows lambda:InvokeFunction on every resource'],
    ['a wildcard X-Ray action on *', allow('xray:*', '*'), 'allows xray:* on every resource'],
    [
      'an X-Ray action outside the exception on *',
      allow('xray:GetTraceSummaries', '*'),
      'allows xray:GetTraceSummaries on every resource',
    ],
    [
      'an action on everything but (NotResource)',
      { Effect: 'Allow', Action: 'sqs:SendMessage', NotResource: 'arn:x' },
      'allows sqs:SendMessage on every resource',
    ],
  ])('fires on %s', async (_what, statement, message) => {
    expect(await check(statement)).toEqual([expect.stringContaining(message)]);
  });

  it.each(['Policy', 'UserPolicy', 'GroupPolicy', 'Role'] as const)('reads the documents of %s too', async (type) => {
    expect(await resourceViolations(noWildcardIam, iamPolicy(type, allow('*', '*')))).toHaveLength(1);
    expect(await resourceViolations(noWildcardIam, iamPolicy(type, allow('dynamodb:GetItem')))).toEqual([]);
  });

  it('reads policy documents given as objects as well as JSON text', async () => {
    const managed = { type: 'aws:iam/policy:Policy', name: 'p', props: { policy: { Statement: [allow('*', '*')] } } };
    expect(await resourceViolations(noWildcardIam, managed)).toHaveLength(1);
  });
});

describe('no-admin-managed-policies', () => {
  const aws = (name: string) => `arn:aws:iam::aws:policy/${name}`;
  const attachment = (kind: string, props: Record<string, unknown>): ResourceUnderTest => ({
    type: `aws:iam/${kind[0]!.toLowerCase()}${kind.slice(1)}:${kind}`,
    name: `an-${kind}`,
    props,
  });

  it.each([
    ['RolePolicyAttachment', { role: 'r', policyArn: aws('AdministratorAccess') }],
    ['UserPolicyAttachment', { user: 'u', policyArn: aws('PowerUserAccess') }],
    ['GroupPolicyAttachment', { group: 'g', policyArn: aws('IAMFullAccess') }],
    ['PolicyAttachment', { roles: ['r'], policyArn: aws('job-function/SystemAdministrator') }],
    ['RolePolicyAttachmentsExclusive', { roleName: 'r', policyArns: [aws('AmazonDynamoDBFullAccess')] }],
    ['UserPolicyAttachmentsExclusive', { userName: 'u', policyArns: [aws('AdministratorAccess-Amplify')] }],
    [
      'GroupPolicyAttachmentsExclusive',
      { groupName: 'g', policyArns: ['arn:aws-cn:iam::aws:policy/AdministratorAccess'] },
    ],
    ['Role', { assumeRolePolicy: '{}', managedPolicyArns: [aws('AdministratorAccess')] }],
  ])('fires on an admin policy attached by %s', async (kind, props) => {
    expect(await resourceViolations(noAdminManagedPolicies, attachment(kind, props))).toHaveLength(1);
  });

  it('passes narrow AWS managed policies, customer policies and other resources', async () => {
    const narrow = attachment('RolePolicyAttachment', {
      role: 'r',
      policyArn: aws('service-role/AWSLambdaBasicExecutionRole'),
    });
    expect(await resourceViolations(noAdminManagedPolicies, narrow)).toEqual([]);
    const customer = attachment('RolePolicyAttachment', {
      role: 'r',
      policyArn: 'arn:aws:iam::123456789012:policy/admin-api-invoke',
    });
    expect(await resourceViolations(noAdminManagedPolicies, customer)).toEqual([]);
    // Only AWS's own policies are judged by name; a customer policy is judged by its document.
    const namedLikeAdmin = attachment('RolePolicyAttachment', {
      role: 'r',
      policyArn: 'arn:aws:iam::123456789012:policy/AdministratorAccess',
    });
    expect(await resourceViolations(noAdminManagedPolicies, namedLikeAdmin)).toEqual([]);
    expect(await resourceViolations(noAdminManagedPolicies, lambda('sweeper'))).toEqual([]);
  });
});
