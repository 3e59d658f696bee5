// The model catalog as the admin API shows and changes it: pure functions over the
// catalog document, the deployment's providers and its tiers.
import { modelKey, type ModelCatalog, type ModelPrice } from '../functions/shared/catalog.js';
import { builtinProviders, type ProviderDeclarations } from '../functions/shared/providers.js';
import type { Tier } from '../functions/shared/tier.js';
import type { StoredCatalog } from '../functions/catalog/dynamo-catalog-store.js';

export function catalogView(
  stored: StoredCatalog | undefined,
  configured: ModelCatalog,
  declared: ProviderDeclarations,
) {
  const models = stored?.models ?? configured;
  return {
    source: stored ? ('store' as const) : ('config' as const),
    rev: stored?.rev ?? null,
    updatedAt: stored?.updatedAt,
    updatedBy: stored?.updatedBy,
    providers: [
      ...builtinProviders.map((name) => ({ name, kind: 'built-in' as const })),
      ...Object.entries(declared).map(([name, { baseUrl }]) => ({ name, kind: 'openai-compatible' as const, baseUrl })),
    ],
    models: Object.entries(models).flatMap(([provider, priced]) =>
      Object.entries(priced).map(([model, price]) => ({ provider, model, ...price })),
    ),
  };
}

export function withModel(catalog: ModelCatalog, provider: string, model: string, price: ModelPrice): ModelCatalog {
  const priced = Object.hasOwn(catalog, provider) ? catalog[provider] : {};
  return { ...catalog, [provider]: { ...priced, [model]: price } };
}

/** The catalog without the model; a provider keeps its (possibly empty) entry, so `provider:*` tiers stay valid. */
export function withoutModel(catalog: ModelCatalog, provider: string, model: string): ModelCatalog {
  const { [model]: _removed, ...rest } = catalog[provider] ?? {};
  return { ...catalog, [provider]: rest };
}

/** Tiers that name the model itself (in allowedModels or as degradeTo): it may not go while they do. */
export function tiersNaming(tiers: Tier[], provider: string, model: string): string[] {
  const key = modelKey({ provider, modelId: model });
  return tiers.filter((t) => t.allowedModels.includes(key) || t.degradeTo === key).map((t) => t.name);
}
