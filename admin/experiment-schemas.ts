// Request and response schemas of /admin/experiments: they validate, type the handlers, and
// generate the OpenAPI document. The experiment itself is the shared schema.
import { z } from 'zod';
import {
  experimentDefinitionSchema,
  experimentIdSchema,
  experimentSchema,
  variantLimitsSchema,
} from '../functions/experiments/experiment.js';

export const experimentId = z.object({ id: experimentIdSchema });

export const createExperimentBody = experimentDefinitionSchema.meta({ id: 'ExperimentDefinition' });

export const experimentResponse = experimentSchema
  .extend({ status: z.enum(['running', 'stopped']) })
  .meta({ id: 'Experiment' });

const counts = z.record(z.string(), z.number());

export const experimentReportResponse = z
  .object({
    experiment: experimentResponse,
    variants: z.array(
      z.object({
        name: z.string(),
        share: z.number(),
        limits: variantLimitsSchema,
        /** Distinct users who made a request in the variant, admitted or refused. */
        users: z.number(),
        /** Admitted requests whose session is settled. */
        requests: z.number(),
        inputTokens: z.number(),
        outputTokens: z.number(),
        cost: z.number(),
        refused: z.number(),
        rejections: counts,
        upgrades: z.number(),
        upgradesTo: counts,
      }),
    ),
  })
  .meta({ id: 'ExperimentReport' });
