// The models a deployment offers and what they cost, by provider. Prices are integer
// micro-units (millionths of a credit unit, e.g. of a US dollar) per million tokens, so
// cost arithmetic never touches floating point. Provider names are data (see providers.ts).
import { z } from 'zod';
import { byProvider, providerNameSchema } from './providers.js';

// At most 1e9 micro-units per million tokens keeps every request's cost a safe integer.
const microUnitsPerMillionTokens = z.number().int().nonnegative().max(1_000_000_000);
export const modelIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s:*]+$/, 'no spaces, ":" or "*"');

export const modelPriceSchema = z.object({
  input: microUnitsPerMillionTokens,
  output: microUnitsPerMillionTokens,
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

const providerModels = z.record(modelIdSchema, modelPriceSchema);
export const modelCatalogSchema = byProvider(providerModels);
export type ModelCatalog = z.infer<typeof modelCatalogSchema>;

/** Providers the catalog names that the deployment does not know, as field errors. */
export function catalogProblems(catalog: ModelCatalog, providers: readonly string[]): Record<string, string> {
  const unknown = Object.keys(catalog).filter((provider) => !providers.includes(provider));
  return Object.fromEntries(
    unknown.map((provider) => [
      provider,
      `${provider} is not a provider this deployment knows (${providers.join(', ')})`,
    ]),
  );
}

/** A model as the rest of the service names it: `provider:modelId`. */
export interface ModelRef {
  provider: string;
  modelId: string;
}

export const modelKey = (ref: ModelRef): string => `${ref.provider}:${ref.modelId}`;

export function parseModelKey(key: string): ModelRef | undefined {
  const separator = key.indexOf(':');
  const provider = key.slice(0, separator);
  const modelId = key.slice(separator + 1);
  if (separator < 1 || !modelId || !providerNameSchema.safeParse(provider).success) return undefined;
  return { provider, modelId };
}

export function priceOf(catalog: ModelCatalog, ref: ModelRef): ModelPrice | undefined {
  const models = Object.hasOwn(catalog, ref.provider) ? catalog[ref.provider] : undefined;
  return models && Object.hasOwn(models, ref.modelId) ? models[ref.modelId] : undefined;
}

export const defaultModelCatalog: ModelCatalog = {
  openai: {
    'gpt-4o-mini': { input: 150_000, output: 600_000 },
    'gpt-4.1-mini': { input: 400_000, output: 1_600_000 },
    'gpt-4.1': { input: 2_000_000, output: 8_000_000 },
  },
  groq: {
    'llama-3.1-8b-instant': { input: 50_000, output: 80_000 },
    'llama-3.3-70b-versatile': { input: 590_000, output: 790_000 },
  },
  local: {
    'local-small': { input: 100_000, output: 400_000 },
    'local-large': { input: 1_000_000, output: 4_000_000 },
  },
};
