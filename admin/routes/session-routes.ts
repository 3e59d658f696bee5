// Sessions: a user's (active first), one by id, and terminating one. A termination is
// picked up by the stream's next heartbeat, which ends it with `session_terminated`.
import { z } from 'zod';
import { httpError } from '../../functions/http/errors.js';
import type { AdminApp, AdminContext } from '../admin-context.js';
import { errorBody, pageQuery, sessionId, sessionResponse, userId } from '../schemas.js';

const statusOrder = { active: 0, settling: 1, settled: 2 } as const;

export function sessionRoutes(app: AdminApp, { store, clock }: AdminContext): void {
  app.get(
    '/admin/users/:id/sessions',
    {
      schema: {
        summary: "A user's sessions, active first, then newest first",
        tags: ['sessions'],
        params: userId,
        querystring: pageQuery.pick({ limit: true }),
        response: { 200: z.array(sessionResponse) },
      },
    },
    async (request) => {
      const sessions = await store.userSessions(request.params.id, { limit: request.query.limit });
      return sessions.sort((a, b) => statusOrder[a.status] - statusOrder[b.status] || b.startedAt - a.startedAt);
    },
  );

  app.get(
    '/admin/sessions/:id',
    {
      schema: {
        summary: 'Get a session',
        tags: ['sessions'],
        params: sessionId,
        response: { 200: sessionResponse, 404: errorBody },
      },
    },
    async (request) => {
      const session = await store.getSession(request.params.id);
      if (!session) throw httpError(404, 'not_found', `no session ${request.params.id}`);
      return session;
    },
  );

  app.delete(
    '/admin/sessions/:id',
    {
      schema: {
        summary: 'Terminate a live session (within one heartbeat); it is settled normally',
        tags: ['sessions'],
        params: sessionId,
        response: {
          202: z.object({ sessionId: z.string(), status: z.literal('terminating') }),
          404: errorBody,
          409: errorBody,
        },
      },
    },
    async (request, reply) => {
      const outcome = await store.requestKill(request.params.id, request.actor, clock());
      if (outcome === 'not_found') throw httpError(404, 'not_found', `no session ${request.params.id}`);
      if (outcome === 'not_active')
        throw httpError(409, 'session_not_active', `session ${request.params.id} has already ended`);
      await store.audit({ at: clock(), actor: request.actor, action: 'session.terminate', target: request.params.id });
      return reply.code(202).send({ sessionId: request.params.id, status: 'terminating' as const });
    },
  );
}
