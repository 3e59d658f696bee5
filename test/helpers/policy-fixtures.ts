// Resources as the policy pack sees them, compliant unless a test overrides a property.
import type { ResourceUnderTest } from './policy-harness.js';

const account = '123456789012';

/** A Lambda function tagged with its component, the way the program tags every function. */
export const lambda = (component: string, props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: 'aws:lambda/function:Function',
  name: component,
  props: {
    name: `${component}-dev`,
    arn: `arn:aws:lambda:eu-west-1:${account}:function:${component}-dev`,
    timeout: 30,
    reservedConcurrentExecutions: 5,
    loggingConfig: { logGroup: `/aws/lambda/${component}-dev` },
    environment: { variables: { SECRETS_ARN: `arn:aws:secretsmanager:eu-west-1:${account}:secret:x` } },
    tags: { project: 'streaming-ai-throttle', environment: 'dev', component },
    ...props,
  },
});

export const functionUrl = (
  name: string,
  functionName: string,
  props: Record<string, unknown> = {},
): ResourceUnderTest => ({
  type: 'aws:lambda/functionUrl:FunctionUrl',
  name,
  props: { functionName, authorizationType: 'AWS_IAM', invokeMode: 'BUFFERED', ...props },
});

export const permission = (name: string, props: Record<string, unknown>): ResourceUnderTest => ({
  type: 'aws:lambda/permission:Permission',
  name,
  props: { action: 'lambda:InvokeFunction', ...props },
});

export const logGroup = (component: string, props: Record<string, unknown> = {}): ResourceUnderTest => ({
  type: 'aws:cloudwatch/logGroup:LogGroup',
  name: `${component}-logs`,
  props: { name: `/aws/lambda/${component}-dev`, retentionInDays: 14, ...props },
});

export const table = (props: Record<string, unknown> = {}): ResourceUnderTest => ({
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

const document = (statements: Array<Record<string, unknown>>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** An identity policy of the given resource type holding these statements. */
export function iamPolicy(
  type: 'RolePolicy' | 'Policy' | 'UserPolicy' | 'GroupPolicy' | 'Role',
  ...statements: Array<Record<string, unknown>>
): ResourceUnderTest {
  if (type === 'Role')
    return {
      type: 'aws:iam/role:Role',
      name: 'a-role',
      props: { assumeRolePolicy: '{}', inlinePolicies: [{ name: 'inline', policy: document(statements) }] },
    };
  const typeName = type[0]!.toLowerCase() + type.slice(1);
  return { type: `aws:iam/${typeName}:${type}`, name: `a-${typeName}`, props: { policy: document(statements) } };
}

export const tableArn = `arn:aws:dynamodb:eu-west-1:${account}:table/t`;
