// A limit experiment: a tier's users split by a stable hash into variants, each with limits
// that replace some of the tier's. The one schema the admin API validates experiments with
// and the store reads them back with; the rules across fields are `experimentProblems`.
import { z } from 'zod';
import type { ModelCatalog } from '../shared/catalog.js';
import { tierLimitsSchema, tierNameSchema, tierProblems, type Tier } from '../shared/tier.js';

type LimitsShape = typeof tierLimitsSchema.shape;
type WithoutDefault<T> = T extends z.ZodDefault<infer Inner> ? Inner : T;
type VariantLimitsShape = { [K in keyof LimitsShape]: z.ZodOptional<WithoutDefault<LimitsShape[K]>> };

const withoutDefault = (field: z.ZodType): z.ZodType =>
  field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field;

/**
 * A variant's limits: any of the tier's fields, each validated as the tier schema validates
 * it. Unlike `tierLimitsSchema.partial()`, no default is filled in: a field left out keeps
 * the tier's value rather than the schema's default. Unknown fields are refused (a typo
 * would otherwise run an experiment that changes nothing).
 */
export const variantLimitsSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(tierLimitsSchema.shape).map(([name, field]) => [name, withoutDefault(field).optional()]),
  ) as VariantLimitsShape,
);
export type VariantLimits = z.infer<typeof variantLimitsSchema>;

/** Ids and names end up in `<experiment id>:<variant>` tags and key paths: no separators in them. */
const slug = (max: number) =>
  z
    .string()
    .regex(new RegExp(`^[a-z0-9][a-z0-9_-]{0,${max - 1}}$`), `lower-case letters, digits, - and _ (at most ${max})`);

export const experimentIdSchema = slug(63);

const variantSchema = z.object({
  name: slug(32),
  /** The share of the tier's users in this variant; the shares of an experiment add up to 1. */
  share: z.number().gt(0).max(1),
  limits: variantLimitsSchema.default({}),
});
export type ExperimentVariant = z.infer<typeof variantSchema>;

/** What an operator declares. The salt defaults to the id, so a retried create declares the same split. */
export const experimentDefinitionSchema = z.object({
  id: experimentIdSchema,
  tier: tierNameSchema,
  salt: z.string().min(1).max(128).optional(),
  variants: z.array(variantSchema).min(2).max(10),
});
export type ExperimentDefinition = z.infer<typeof experimentDefinitionSchema>;

export const experimentSchema = experimentDefinitionSchema.extend({
  salt: z.string().min(1).max(128),
  createdAt: z.number().int().nonnegative(),
  createdBy: z.string(),
  stoppedAt: z.number().int().nonnegative().optional(),
  stoppedBy: z.string().optional(),
});
export type Experiment = z.infer<typeof experimentSchema>;

type ExperimentStatus = 'running' | 'stopped';
export interface ExperimentRecord extends Experiment {
  status: ExperimentStatus;
}

/** Shares may be written as decimals (0.1 + 0.2): they must add up to 1 within this. */
const shareTolerance = 1e-9;

/**
 * Rules across fields and against the tier and the deployment, as field errors: the shares
 * add up to 1, names are distinct, and each variant's limits over the tier make a valid tier.
 */
export function experimentProblems(
  experiment: Pick<ExperimentDefinition, 'variants'>,
  tier: Tier,
  deployment: { catalog: ModelCatalog; streamTimeoutSeconds?: number },
): Record<string, string> {
  const fields: Record<string, string> = {};
  const total = experiment.variants.reduce((sum, v) => sum + v.share, 0);
  if (Math.abs(total - 1) > shareTolerance) fields.variants = `shares add up to ${total}; they must add up to 1`;
  experiment.variants.forEach((variant, i) => {
    if (experiment.variants.findIndex((v) => v.name === variant.name) !== i)
      fields[`variants.${i}.name`] = `${variant.name} is used by another variant`;
    for (const [field, problem] of Object.entries(tierProblems({ ...tier, ...variant.limits }, deployment))) {
      fields[`variants.${i}.limits.${field}`] = problem;
    }
  });
  return fields;
}

/** Two declarations of the same experiment (a retried create). */
export function sameDefinition(a: ExperimentDefinition, b: ExperimentDefinition): boolean {
  const declared = (e: ExperimentDefinition) => JSON.stringify([e.id, e.tier, e.salt ?? e.id, e.variants]);
  return declared(a) === declared(b);
}
