// A tier's limits: the one schema the service, the admin API and the Pulumi stack config
// all validate tiers with. Bounds keep every derived amount a safe integer.
import { z } from 'zod';
import { type ModelCatalog, parseModelKey, priceOf } from './catalog.js';
import { providerNamePattern } from './providers.js';
import { policyProblems, tierPolicyFields } from './tier-policies.js';

/** Time a stream needs after its last token to settle before its function times out. */
const settleMarginSeconds = 10;
/** Lambda's longest run, less the settle margin. */
const maxStreamSecondsBound = 900 - settleMarginSeconds;

const limit = (max: number) => z.number().int().positive().max(max);

const providers = providerNamePattern;
/** `provider:model`, `provider:*` or `*`. */
export const modelPatternSchema = z
  .string()
  .max(200)
  .regex(new RegExp(`^(\\*|(${providers}):(\\*|[^\\s:]+))$`), 'expected "provider:model", "provider:*" or "*"');
const modelKeySchema = z
  .string()
  .max(200)
  .regex(new RegExp(`^(${providers}):[^\\s:*]+$`), 'expected "provider:model"');

export const tierNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _ (at most 63)');

const knownFeatures = ['tool_execution'] as const;

export const tierLimitsSchema = z.object({
  requestsPerHour: limit(3_600_000),
  burst: limit(100_000),
  maxTokensPerRequest: limit(2_000_000),
  concurrentStreams: limit(10_000),
  tokensPerMinute: limit(1_000_000_000),
  maxStreamSeconds: limit(maxStreamSecondsBound),
  maxSteps: limit(50).default(5),
  allowedModels: z.array(modelPatternSchema).min(1).max(100),
  features: z.array(z.enum(knownFeatures)).default([]),
  degradeTo: modelKeySchema.optional(),
  /** A stream reports its usage before it may send more than this many unreported output
   * tokens: a stream whose Lambda dies is charged at most this many tokens it never sent. */
  reportEveryTokens: limit(1_000_000).default(256),
  /** ...and at least this often; a stream that stops reporting for three intervals is presumed dead. */
  reportEverySeconds: limit(60).default(5),
  ...tierPolicyFields,
});
export type TierLimits = z.infer<typeof tierLimitsSchema>;

export const tierSchema = tierLimitsSchema.extend({ name: tierNameSchema });
export type Tier = z.infer<typeof tierSchema>;

export function modelAllowed(tier: Pick<TierLimits, 'allowedModels'>, modelKey: string): boolean {
  const provider = modelKey.slice(0, modelKey.indexOf(':'));
  return tier.allowedModels.some((pattern) => pattern === '*' || pattern === modelKey || pattern === `${provider}:*`);
}

/**
 * Rules across fields and against the deployment (its model catalog and the stream
 * function's timeout), as field errors: the admin API refuses a tier with any of them,
 * and the stack config fails `pulumi preview` with them.
 */
export function tierProblems(
  limits: TierLimits,
  deployment: { catalog: ModelCatalog; streamTimeoutSeconds?: number },
): Record<string, string> {
  const fields: Record<string, string> = policyProblems(limits);
  if (limits.burst > limits.requestsPerHour) fields.burst = 'must be at most requestsPerHour';
  const timeout = deployment.streamTimeoutSeconds;
  if (timeout !== undefined && limits.maxStreamSeconds > timeout - settleMarginSeconds) {
    fields.maxStreamSeconds = `must be at most ${timeout - settleMarginSeconds} (the stream function's timeout of ${timeout} s less ${settleMarginSeconds} s to settle)`;
  }
  limits.allowedModels.forEach((pattern, i) => {
    if (pattern === '*') return;
    const [provider, model] = pattern.split(':') as [string, string];
    const ref = parseModelKey(pattern);
    const known =
      model === '*' ? Object.hasOwn(deployment.catalog, provider) : Boolean(ref && priceOf(deployment.catalog, ref));
    if (!known) fields[`allowedModels.${i}`] = `${pattern} is not a model this deployment offers`;
  });
  if (limits.degradeTo) {
    const ref = parseModelKey(limits.degradeTo);
    if (!ref || !priceOf(deployment.catalog, ref))
      fields.degradeTo = `${limits.degradeTo} is not a model this deployment offers`;
    else if (!modelAllowed(limits, limits.degradeTo)) fields.degradeTo = `${limits.degradeTo} is not in allowedModels`;
  }
  return fields;
}
