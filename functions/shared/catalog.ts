// The models a deployment offers and what they cost. Prices are integer micro-units
// (millionths of a credit unit, e.g. of a US dollar) per million tokens, so cost
// arithmetic never touches floating point.
import { z } from 'zod';

export const providerNames = ['openai', 'groq', 'local'] as const;
export type ProviderName = (typeof providerNames)[number];

// At most 1e9 micro-units per million tokens keeps every request's cost a safe integer.
const microUnitsPerMillionTokens = z.number().int().nonnegative().max(1_000_000_000);
const modelIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s:*]+$/, 'no spaces, ":" or "*"');

export const modelPriceSchema = z.object({
  input: microUnitsPerMillionTokens,
  output: microUnitsPerMillionTokens,
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

const providerModels = z.record(modelIdSchema, modelPriceSchema).default({});
export const modelCatalogSchema = z.object(
  Object.fromEntries(providerNames.map((name) => [name, providerModels])) as Record<
    ProviderName,
    typeof providerModels
  >,
);
export type ModelCatalog = z.infer<typeof modelCatalogSchema>;

/** A model as the rest of the service names it: `provider:modelId`. */
export interface ModelRef {
  provider: ProviderName;
  modelId: string;
}

export const modelKey = (ref: ModelRef): string => `${ref.provider}:${ref.modelId}`;

export function parseModelKey(key: string): ModelRef | undefined {
  const separator = key.indexOf(':');
  const provider = key.slice(0, separator);
  const modelId = key.slice(separator + 1);
  if (separator < 1 || !modelId || !(providerNames as readonly string[]).includes(provider)) return undefined;
  return { provider: provider as ProviderName, modelId };
}

export function priceOf(catalog: ModelCatalog, ref: ModelRef): ModelPrice | undefined {
  return Object.hasOwn(catalog[ref.provider], ref.modelId) ? catalog[ref.provider][ref.modelId] : undefined;
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
