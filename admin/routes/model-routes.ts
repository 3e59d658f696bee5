// /admin/models: the run-time model catalog (models, prices, which provider). The chat
// function reads it through its tier cache, so a change applies to new streams within
// TIER_CACHE_MS. Changes are whole-document writes under a revision check, retried on a race.
import { httpError } from '../../functions/http/errors.js';
import { priceOf, type ModelCatalog } from '../../functions/shared/catalog.js';
import { knownProviders } from '../../functions/shared/providers.js';
import type { AdminApp, AdminContext } from '../admin-context.js';
import { catalogView, tiersNaming, withModel, withoutModel } from '../model-catalog.js';
import { catalogResponse, modelParams, modelPriceBody, pricedModelResponse } from '../model-schemas.js';
import { errorBody } from '../schemas.js';
import { z } from 'zod';

const attempts = 3;

export function modelRoutes(app: AdminApp, { models, store, clock }: AdminContext): void {
  const current = async () => {
    const stored = await models.store.get(true);
    return { stored, catalog: stored?.models ?? models.configured };
  };

  const change = async (actor: string, edit: (catalog: ModelCatalog) => ModelCatalog) => {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const { stored, catalog } = await current();
      if (await models.store.replace(edit(catalog), stored?.rev ?? -1, actor, clock())) return;
    }
    throw httpError(409, 'conflict', 'the catalog kept changing while this change was being made; try again');
  };

  app.get(
    '/admin/models',
    {
      schema: {
        summary: 'The model catalog: providers, models and prices (micro-units per million tokens)',
        tags: ['models'],
        response: { 200: catalogResponse },
      },
    },
    async () => catalogView((await current()).stored, models.configured, models.providers),
  );

  app.put(
    '/admin/models/:provider/:model',
    {
      schema: {
        summary: 'Offer a model or change its price (new streams pay it within the tier cache time)',
        tags: ['models'],
        params: modelParams,
        body: modelPriceBody,
        response: { 200: pricedModelResponse, 400: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const { provider, model } = request.params;
      const known = knownProviders(models.providers);
      if (!known.includes(provider)) {
        throw httpError(400, 'invalid_request', `${provider} is not a provider this deployment knows`, {
          details: { fields: { provider: `one of ${known.join(', ')}; declare others in the stack config` } },
        });
      }
      await change(request.actor, (catalog) => withModel(catalog, provider, model, request.body));
      await store.audit({
        at: clock(),
        actor: request.actor,
        action: 'model.put',
        target: `${provider}:${model}`,
        details: { ...request.body },
      });
      return { provider, model, ...request.body };
    },
  );

  app.delete(
    '/admin/models/:provider/:model',
    {
      schema: {
        summary: 'Stop offering a model (refused while a tier names it)',
        tags: ['models'],
        params: modelParams,
        response: { 204: z.null(), 404: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const { provider, model } = request.params;
      if (!priceOf((await current()).catalog, { provider, modelId: model }))
        throw httpError(404, 'not_found', `the catalog has no model ${provider}:${model}`);
      const naming = tiersNaming(await store.listTiers(), provider, model);
      if (naming.length) {
        throw httpError(409, 'model_in_use', `tiers ${naming.join(', ')} name ${provider}:${model}; change them first`);
      }
      await change(request.actor, (catalog) => withoutModel(catalog, provider, model));
      await store.audit({ at: clock(), actor: request.actor, action: 'model.delete', target: `${provider}:${model}` });
      return reply.code(204).send(null);
    },
  );
}
