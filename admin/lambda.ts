// Lambda entry point of the admin API (Function URL with AWS_IAM auth, buffered).
// @fastify/aws-lambda exposes the event on `request.awsLambda`, where the IAM caller is.
import awsLambdaFastify from '@fastify/aws-lambda';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { buildAdminApp } from './admin-app.js';
import { buildAdminContext } from './build-admin.js';
import { withSecrets } from '../functions/secrets.js';

type Proxy = awsLambdaFastify.PromiseHandler<LambdaFunctionURLEvent>;
let proxy: Proxy | undefined;

export async function handler(event: LambdaFunctionURLEvent, context: Context) {
  proxy ??= awsLambdaFastify(await buildAdminApp(buildAdminContext(await withSecrets())), {
    decorateRequest: true,
  }) as Proxy;
  return proxy(event, context);
}
