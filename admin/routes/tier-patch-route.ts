// PATCH /admin/tiers/:name: changes some limits of an existing tier, keeping the others;
// the result is validated as a whole, as a PUT would be.
import { z } from 'zod';
import { httpError } from '../../functions/http/errors.js';
import { tierLimitsSchema } from '../../functions/shared/tier.js';
import type { AdminApp, AdminContext } from '../admin-context.js';
import { errorBody, tierName, tierResponse } from '../schemas.js';
import { assertTierRunsHere } from '../tier-deployment-check.js';

// Every limit optional and without its default: a field left out keeps the tier's value.
const optionalWithoutDefault = (schema: z.ZodType) =>
  (schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema).optional();
const tierPatchBody = z
  .object(
    Object.fromEntries(
      Object.entries(tierLimitsSchema.shape).map(([field, schema]) => [field, optionalWithoutDefault(schema)]),
    ),
  )
  .meta({ id: 'TierPatch', description: 'Some of a tier’s limits; the others keep their values' });

export function tierPatchRoute(app: AdminApp, context: AdminContext): void {
  const { store, clock } = context;
  app.patch(
    '/admin/tiers/:name',
    {
      schema: {
        summary: 'Change some limits of a tier',
        tags: ['tiers'],
        params: tierName,
        body: tierPatchBody,
        response: { 200: tierResponse, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const existing = await store.getTier(request.params.name);
      if (!existing)
        throw httpError(404, 'not_found', `no tier named ${request.params.name}; give all limits to create it`);
      const body = request.body as Record<string, unknown>;
      const changes = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
      const { name: _name, ...current } = existing;
      const merged = tierLimitsSchema.safeParse({ ...current, ...changes });
      if (!merged.success) {
        const fields = Object.fromEntries(merged.error.issues.map((i) => [i.path.join('.'), i.message]));
        throw httpError(400, 'invalid_tier', 'the changed tier is not valid', { details: { fields } });
      }
      const tier = { ...merged.data, name: existing.name };
      await assertTierRunsHere(context, tier); // as for a PUT, running experiment included
      await store.putTier(tier);
      await store.audit({
        at: clock(),
        actor: request.actor,
        action: 'tier.patch',
        target: tier.name,
        details: changes,
      });
      return tier;
    },
  );
}
