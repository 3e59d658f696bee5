// Abuse: a user's trust score and signals are part of GET /admin/users/:id; an operator
// who judges them a false alarm resets them here (which also lifts a block).
import { z } from 'zod';
import { httpError } from '../../functions/http/errors.js';
import type { AdminApp, AdminContext } from '../admin-context.js';
import { errorBody, userId } from '../schemas.js';

export function abuseRoutes(app: AdminApp, { store, clock }: AdminContext): void {
  app.post(
    '/admin/users/:id/abuse/reset',
    {
      schema: {
        summary: "Clear a user's abuse signals and lift any block",
        tags: ['users'],
        params: userId,
        response: { 200: z.object({ userId: z.string(), score: z.literal(0) }), 404: errorBody },
      },
    },
    async (request) => {
      if (!(await store.resetAbuse(request.params.id))) {
        throw httpError(404, 'not_found', `no account for user ${request.params.id}`);
      }
      await store.audit({ at: clock(), actor: request.actor, action: 'user.abuse.reset', target: request.params.id });
      return { userId: request.params.id, score: 0 as const };
    },
  );
}
