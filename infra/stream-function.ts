// The chat-stream function behind a public Function URL in RESPONSE_STREAM mode. Callers
// authenticate with their JWT inside the function; reserved concurrency caps the cost.
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import type { Tables } from './tables.js';
import { lambdaFunction } from './lambda-function.js';
import { streamCors } from '../functions/shared/cors.js';

export function createStreamFunction(
  settings: StackConfig,
  tables: Tables,
  secret: aws.secretsmanager.Secret,
  environment: pulumi.Output<Record<string, string>>,
  codeDirectory: string,
) {
  const fn = lambdaFunction({
    name: 'chat-stream',
    codeDirectory,
    settings,
    timeoutSeconds: settings.streamTimeoutSeconds,
    memoryMb: settings.streamMemoryMb,
    reservedConcurrency: settings.reservedConcurrency,
    environment,
    secret,
    tables: [
      { table: tables.tiers, actions: ['GetItem'] },
      { table: tables.credits, actions: ['GetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem'] },
      // Session records are projections, written in the settlement's batch.
      { table: tables.sessions, actions: ['BatchWriteItem'] },
    ],
  });
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
