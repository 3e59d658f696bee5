// Sessions: a user's (live ones first, from the account's open reservations, then settled
// ones), a settled one by id, and terminating a live one. A termination is picked up by
// the stream's next usage report, which ends it with `session_terminated`.
import { z } from 'zod';
import { httpError } from '../../functions/http/errors.js';
import type { AdminApp, AdminContext } from '../admin-context.js';
import { errorBody, pageQuery, sessionId, sessionResponse, userId, userSession } from '../schemas.js';
import { activeSessions } from '../session-view.js';

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
      const [account, settled] = await Promise.all([
        store.getAccount(request.params.id),
        store.userSessions(request.params.id, { limit: request.query.limit }),
      ]);
      const live = account ? activeSessions(account).sort((a, b) => b.startedAt - a.startedAt) : [];
      return [...live, ...settled.map((s) => ({ ...s, status: 'settled' as const }))].slice(0, request.query.limit);
    },
  );

  app.get(
    '/admin/sessions/:id',
    {
      schema: {
        summary: 'Get a settled session (live ones are listed under /admin/users/{id}/sessions)',
        tags: ['sessions'],
        params: sessionId,
        response: { 200: sessionResponse, 404: errorBody },
      },
    },
    async (request) => {
      const session = await store.getSession(request.params.id);
      if (!session) throw httpError(404, 'not_found', `no settled session ${request.params.id}`);
      return { ...session, status: 'settled' as const };
    },
  );

  app.delete(
    '/admin/users/:id/sessions/:sessionId',
    {
      schema: {
        summary: 'Terminate a live session (at its next usage report); it is settled normally',
        tags: ['sessions'],
        params: userSession,
        response: {
          202: z.object({ sessionId: z.string(), status: z.literal('terminating') }),
          404: errorBody,
        },
      },
    },
    async (request, reply) => {
      const { id, sessionId: session } = request.params;
      if (!(await store.requestKill(id, session, request.actor))) {
        throw httpError(404, 'not_found', `user ${id} has no live session ${session}`);
      }
      await store.audit({ at: clock(), actor: request.actor, action: 'session.terminate', target: `${id}/${session}` });
      return reply.code(202).send({ sessionId: session, status: 'terminating' as const });
    },
  );
}
