// /admin/tiers: list, get, create or replace, delete (refused for the default tier and
// while users are assigned).
import { z } from 'zod';
import { httpError } from '../../functions/http/errors.js';
import type { AdminApp, AdminContext } from '../admin-context.js';
import { errorBody, tierBody, tierName, tierResponse } from '../schemas.js';
import { assertTierRunsHere } from '../tier-deployment-check.js';

export function tierRoutes(app: AdminApp, context: AdminContext): void {
  const { store, defaultTier, clock } = context;
  app.get(
    '/admin/tiers',
    {
      schema: { summary: 'List tiers', tags: ['tiers'], response: { 200: z.array(tierResponse) } },
    },
    () => store.listTiers(),
  );

  app.get(
    '/admin/tiers/:name',
    {
      schema: {
        summary: 'Get a tier',
        tags: ['tiers'],
        params: tierName,
        response: { 200: tierResponse, 404: errorBody },
      },
    },
    async (request) => {
      const tier = await store.getTier(request.params.name);
      if (!tier) throw httpError(404, 'not_found', `no tier named ${request.params.name}`);
      return tier;
    },
  );

  app.put(
    '/admin/tiers/:name',
    {
      schema: {
        summary: 'Create or replace a tier',
        tags: ['tiers'],
        params: tierName,
        body: tierBody,
        response: { 200: tierResponse, 400: errorBody },
      },
    },
    async (request) => {
      const tier = { ...request.body, name: request.params.name };
      await assertTierRunsHere(context, tier);
      await store.putTier(tier);
      await store.audit({
        at: clock(),
        actor: request.actor,
        action: 'tier.put',
        target: tier.name,
        details: { ...request.body },
      });
      return tier;
    },
  );

  app.delete(
    '/admin/tiers/:name',
    {
      schema: {
        summary: 'Delete a tier (refused for the default tier and while users are assigned to it)',
        tags: ['tiers'],
        params: tierName,
        response: { 204: z.null(), 404: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      if (request.params.name === defaultTier) throw defaultTierKept(defaultTier);
      const outcome = await store.deleteTier(request.params.name);
      if (outcome === 'not_found') throw httpError(404, 'not_found', `no tier named ${request.params.name}`);
      if (outcome === 'in_use')
        throw httpError(409, 'tier_in_use', `users are still assigned to ${request.params.name}; move them first`);
      await store.audit({ at: clock(), actor: request.actor, action: 'tier.delete', target: request.params.name });
      return reply.code(204).send(null);
    },
  );
}

/** New accounts are put on the default tier: without it every first request would fail. */
const defaultTierKept = (name: string) =>
  httpError(
    409,
    'default_tier',
    `${name} is the default tier (DEFAULT_TIER) that new accounts get; it cannot be deleted`,
  );
