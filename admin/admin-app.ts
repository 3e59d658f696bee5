// The admin API as a fastify plugin (encapsulated: its own JSON parsing, validation,
// errors and OpenAPI document), mounted in the local dev server and run in Lambda.
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import fastifySwagger from '@fastify/swagger';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import Boom from '@hapi/boom';
import { errorResponse, httpError } from '../functions/http/errors.js';
import { authenticateAdmin } from './admin-auth.js';
import type { AdminApp, AdminContext } from './admin-context.js';
import { tierRoutes } from './routes/tier-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { usageRoutes } from './routes/usage-routes.js';
import { abuseRoutes } from './routes/abuse-routes.js';
import { modelRoutes } from './routes/model-routes.js';
import { rollupRoutes } from './routes/rollup-routes.js';
import { tierPatchRoute } from './routes/tier-patch-route.js';
import { experimentRoutes } from './routes/experiment-routes.js';

const openApiPath = '/admin/openapi.json';

function fieldsOf(error: {
  validation: Array<{ instancePath: string; message?: string }>;
  validationContext?: string;
}): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.validation) {
    const path = [error.validationContext, ...issue.instancePath.split('/').filter(Boolean)].filter(Boolean).join('.');
    fields[path || '(root)'] ??= issue.message ?? 'invalid';
  }
  return fields;
}

/**
 * Fastify's own refusals of a request (bad JSON, wrong content type, body too large) keep
 * their 4xx status and text. Any other error, a store's or an SDK's above all, whatever
 * status it claims, is a 500 whose text is only logged: store internals never reach a client.
 */
function fastifyRefusal(err: unknown) {
  const { statusCode, code, message } = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  const fromFastify = typeof code === 'string' && code.startsWith('FST_');
  if (!fromFastify || typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  return httpError(statusCode, code.toLowerCase(), String(message));
}

/** What the admin API needs of the server it is mounted on (the router's settings are the server's). */
export const adminServerOptions = {
  // A user id in a path may be 128 characters (a chat token's subject); longer ones reach the
  // route's schema and get its 400 instead of the router's 414.
  maxParamLength: 1_024,
  // What the router refuses before any route runs (a malformed URL, a parameter longer still)
  // leaves in the one JSON error shape too.
  frameworkErrors: (error: FastifyError, _request: unknown, reply: FastifyReply) => {
    const rendered = errorResponse(httpError(error.statusCode ?? 400, error.code.toLowerCase(), error.message));
    void reply.code(rendered.statusCode).headers(rendered.headers).send(rendered.body);
  },
} satisfies FastifyServerOptions;

export const adminPlugin: FastifyPluginAsync<AdminContext> = async (instance, context) => {
  const app = instance.withTypeProvider<ZodTypeProvider>() as unknown as AdminApp;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    app.getDefaultJsonParser('error', 'error'),
  );

  app.setErrorHandler((err, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const rendered = errorResponse(
        httpError(400, 'invalid_request', 'the request does not match the schema', {
          details: { fields: fieldsOf(err) },
        }),
      );
      return reply.code(rendered.statusCode).headers(rendered.headers).send(rendered.body);
    }
    const known = Boom.isBoom(err) ? err : fastifyRefusal(err);
    if (!known) request.log.error({ err }, 'admin request failed');
    const rendered = errorResponse(known ?? err);
    return reply.code(rendered.statusCode).headers(rendered.headers).send(rendered.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const rendered = errorResponse(httpError(404, 'not_found', `no route for ${request.method} ${request.url}`));
    return reply.code(404).headers(rendered.headers).send(rendered.body);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Streaming AI admin API',
        version: '1.0.0',
        description: 'Tiers, accounts, credits, sessions, usage and limit experiments of the streaming AI service.',
      },
      components: {
        securitySchemes: {
          adminToken: { type: 'http', scheme: 'bearer' },
          sigv4: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'AWS SigV4 (service lambda)' },
        },
      },
      security: [{ adminToken: [] }, { sigv4: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  app.addHook('onRequest', async (request) => {
    if (request.url === openApiPath) return;
    request.actor = authenticateAdmin(context.auth, request);
  });

  app.get(openApiPath, { schema: { hide: true } }, () => app.swagger());
  tierRoutes(app, context);
  userRoutes(app, context);
  sessionRoutes(app, context);
  usageRoutes(app, context);
  abuseRoutes(app, context);
  modelRoutes(app, context);
  rollupRoutes(app, context);
  tierPatchRoute(app, context);
  experimentRoutes(app, context);
};

/** A standalone admin app (what runs in Lambda). */
export async function buildAdminApp(context: AdminContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: process.env.LOG_LEVEL?.toLowerCase() ?? 'info' }, ...adminServerOptions });
  // Behind @fastify/aws-lambda: each request's log lines carry the Lambda request id, as the
  // chat stream's Powertools logs do (function_request_id).
  app.addHook('onRequest', async (request, reply) => {
    const awsRequestId = (request as { awsLambda?: { context?: { awsRequestId?: string } } }).awsLambda?.context
      ?.awsRequestId;
    if (!awsRequestId) return;
    // The reply logs the request's completion with its own reference: tag both.
    request.log = request.log.child({ function_request_id: awsRequestId });
    reply.log = request.log;
  });
  await app.register(adminPlugin, context);
  return app;
}
