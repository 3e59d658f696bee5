// Whether a tier (created, replaced or changed in part) can run on this deployment: the
// tier's own rules against the current catalog and the function's timeout, and the same
// rule that refused a variant of the tier's running experiment when it was created.
import type { ModelCatalog } from '../functions/shared/catalog.js';
import type { Tier } from '../functions/shared/tier.js';
import { experimentProblems } from '../functions/experiments/experiment.js';
import type { ExperimentStore } from '../functions/experiments/experiment-store.js';
import { httpError } from '../functions/http/errors.js';
import { tierProblems } from '../functions/shared/tier.js';
import type { AdminContext } from './admin-context.js';

/** Field errors (`experiment.<id>.variants.<i>.limits.<field>`) the edited tier would cause. */
async function runningVariantProblems(
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

/** Refuses (400 invalid_tier, every problem by field) a tier this deployment cannot run. */
export async function assertTierRunsHere(
  {
    catalog,
    experiments,
    streamTimeoutSeconds,
  }: Pick<AdminContext, 'catalog' | 'experiments' | 'streamTimeoutSeconds'>,
  tier: Tier,
): Promise<void> {
  const deployment = { catalog: await catalog.current(), streamTimeoutSeconds };
  const fields = {
    ...tierProblems(tier, deployment),
    ...(await runningVariantProblems(experiments, tier, deployment)),
  };
  if (!Object.keys(fields).length) return;
  const reasons = Object.entries(fields).map(([field, problem]) => `${field} ${problem}`);
  throw httpError(400, 'invalid_tier', `the tier cannot be used on this deployment: ${reasons.join('; ')}`, {
    details: { fields },
  });
}
