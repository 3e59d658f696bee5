// A tier edit may not make a variant of the tier's running experiment invalid: the same
// rule that refused such a variant when the experiment was created.
import type { ModelCatalog } from '../functions/shared/catalog.js';
import type { Tier } from '../functions/shared/tier.js';
import { experimentProblems } from '../functions/experiments/experiment.js';
import type { ExperimentStore } from '../functions/experiments/experiment-store.js';

/** Field errors (`experiment.<id>.variants.<i>.limits.<field>`) the edited tier would cause. */
export async function runningVariantProblems(
  experiments: ExperimentStore,
  tier: Tier,
  deployment: { catalog: ModelCatalog; streamTimeoutSeconds?: number },
): Promise<Record<string, string>> {
  const id = await experiments.runningId(tier.name);
  const experiment = id === undefined ? undefined : await experiments.get(id);
  if (!experiment) return {};
  // Only the variants' limits over the new tier: the shares and names were checked at creation.
  const problems = Object.entries(experimentProblems(experiment, tier, deployment)).filter(([field]) =>
    field.includes('.limits.'),
  );
  return Object.fromEntries(problems.map(([field, problem]) => [`experiment.${experiment.id}.${field}`, problem]));
}
