// The chat-stream function behind a public Function URL in RESPONSE_STREAM mode. Callers
// authenticate with their JWT inside the function; reserved concurrency caps the cost.
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import type { Tables } from './tables.js';
import { lambdaFunction } from './lambda-function.js';
import { components } from './policy/components.js';
import { streamCors } from '../functions/shared/cors.js';

export function createStreamFunction(
  settings: StackConfig,
  tables: Tables,
  secret: aws.secretsmanager.Secret,
  environment: pulumi.Output<Record<string, string>>,
  codeDirectory: string,
) {
  const fn = lambdaFunction({
    name: components.stream,
    codeDirectory,
    settings,
    timeoutSeconds: settings.streamTimeoutSeconds,
    memoryMb: settings.streamMemoryMb,
    reservedConcurrency: settings.reservedConcurrency,
    // Only a stack that opted in may verify chat tokens with a shared secret in prod; the
    // function refuses to start otherwise (it reads this with DEPLOY_ENV).
    environment: settings.auth.allowSharedSecret
      ? environment.apply((variables) => ({ ...variables, AUTH_ALLOW_HS256: 'true' }))
      : environment,
    secret,
    tables: [
      { table: tables.tiers, actions: ['GetItem'] },
      { table: tables.credits, actions: ['GetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem'] },
      // Session records are projections, written in the settlement's batch.
      { table: tables.sessions, actions: ['BatchWriteItem'] },
    ],
  });
  // Function URLs carry no tags: the policy pack finds this one's function by functionName.
  // With authorization NONE the provider adds the public permissions (InvokeFunctionUrl,
  // and InvokeFunction only via the URL) itself.
  const url = new aws.lambda.FunctionUrl('chat-stream-url', {
    functionName: fn.name,
    authorizationType: 'NONE',
    invokeMode: 'RESPONSE_STREAM',
    cors: {
      allowOrigins: settings.corsOrigins,
      allowMethods: [...streamCors.allowMethods],
      allowHeaders: [...streamCors.allowHeaders],
      exposeHeaders: [...streamCors.exposeHeaders],
      maxAge: streamCors.maxAgeSeconds,
    },
  });
  return { fn, url };
}
