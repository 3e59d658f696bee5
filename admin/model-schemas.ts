// Request and response schemas of the model catalog routes (/admin/models).
import { z } from 'zod';
import { modelIdSchema, modelPriceSchema } from '../functions/shared/catalog.js';
import { providerNameSchema } from '../functions/shared/providers.js';

export const modelParams = z.object({ provider: providerNameSchema, model: modelIdSchema });

export const modelPriceBody = modelPriceSchema.meta({
  id: 'ModelPrice',
  description: 'Micro-units per million tokens',
});

const pricedModel = z.object({ provider: z.string(), model: z.string(), input: z.number(), output: z.number() });

export const catalogResponse = z
  .object({
    /** `config` until the first change: the catalog the deployment was configured (seeded) with. */
    source: z.enum(['store', 'config']),
    rev: z.number().nullable(),
    updatedAt: z.number().optional(),
    updatedBy: z.string().optional(),
    providers: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(['built-in', 'openai-compatible']),
        baseUrl: z.string().optional(),
      }),
    ),
    models: z.array(pricedModel),
  })
  .meta({ id: 'ModelCatalog' });

export const pricedModelResponse = pricedModel.meta({ id: 'PricedModel' });
