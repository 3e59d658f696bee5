// Request and response schemas of the usage rollup routes (/admin/rollups).
import { z } from 'zod';
import { hourRollupSchema, loadSampleSchema, usageTotalsSchema } from '../functions/rollup/rollup-schema.js';

const timestamp = z.union([z.coerce.number().int().nonnegative(), z.iso.datetime().transform((s) => Date.parse(s))]);

export const rollupQuery = z.object({
  from: timestamp.optional().describe('epoch ms or ISO time; default 24 hours before `to`'),
  to: timestamp.optional().describe('epoch ms or ISO time; default now'),
});

export const recomputeBody = z
  .object({ from: timestamp, to: timestamp })
  .meta({ id: 'RollupRecompute', description: 'The hours to recompute from their session records' });

export const rollupsResponse = z
  .object({
    from: z.number(),
    to: z.number(),
    /** Hours with a rollup, oldest first. */
    hours: z.array(hourRollupSchema.meta({ id: 'HourRollup' })),
    /** Active-stream samples, about one a minute, oldest first. */
    load: z.array(loadSampleSchema.meta({ id: 'LoadSample' })),
    /** Over the range, from each hour's top spenders: a user's total is a lower bound. */
    topSpenders: z.array(usageTotalsSchema.extend({ userId: z.string() })),
  })
  .meta({ id: 'UsageRollups' });

export const recomputeResponse = z.object({ hours: z.array(z.string()), sessions: z.number() });

export type UsageRollups = z.infer<typeof rollupsResponse>;
