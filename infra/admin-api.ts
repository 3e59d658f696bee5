// The admin API function behind a Function URL with AWS_IAM auth (never public), and a
// managed policy an operator's role needs to call it, through the URL only.
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import type { Tables } from './tables.js';
import { lambdaFunction } from './lambda-function.js';
import { components } from './policy/components.js';
import { tagsFor } from './tags.js';

/**
 * What an operator may do with the admin function. Function URLs created since October
 * 2025 need both actions on the caller. The function trusts the IAM caller that the URL
 * puts in `requestContext.authorizer.iam`; a direct `lambda:Invoke` could put anything
 * there, so InvokeFunction is allowed only when Lambda says the call came through a
 * function URL (`lambda:InvokedViaFunctionUrl`, a Bool condition key).
 */
function adminInvokeStatements(functionArn: string) {
  return [
    {
      Sid: 'CallAdminUrlWithSigV4',
      Effect: 'Allow',
      Action: 'lambda:InvokeFunctionUrl',
      Resource: functionArn,
      Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
    },
    {
      Sid: 'InvokeOnlyThroughTheUrl',
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: functionArn,
      Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
    },
  ];
}

export function createAdminApi(
  settings: StackConfig,
  tables: Tables,
  secret: aws.secretsmanager.Secret | undefined,
  environment: pulumi.Output<Record<string, string>>,
  codeDirectory: string,
) {
  const fn = lambdaFunction({
    name: components.admin,
    codeDirectory,
    settings,
    timeoutSeconds: 30,
    memoryMb: 512,
    environment: environment.apply((variables) => ({ ...variables, ADMIN_TRUST_IAM: 'true' })),
    secret,
    tables: [
      { table: tables.tiers, actions: ['GetItem', 'PutItem', 'DeleteItem', 'Scan'] },
      {
        table: tables.credits,
        actions: ['GetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem', 'Query', 'Scan'],
        indexes: true,
      },
      { table: tables.sessions, actions: ['GetItem', 'Query', 'Scan'], indexes: true },
    ],
  });
  const url = new aws.lambda.FunctionUrl('admin-api-url', {
    functionName: fn.name,
    authorizationType: 'AWS_IAM',
    invokeMode: 'BUFFERED',
  });
  const invokePolicy = new aws.iam.Policy('admin-api-invoke', {
    description: 'Attach to operators who may call the admin API (SigV4, service lambda, through its URL only)',
    policy: fn.arn.apply((arn) => JSON.stringify({ Version: '2012-10-17', Statement: adminInvokeStatements(arn) })),
    tags: tagsFor(settings, components.admin),
  });
  return { fn, url, invokePolicy };
}
