// Upgrades in an experiment's report: a tier change made through the admin API, counted in
// the variant the user was in when their old tier had a running experiment. Counted for
// every user the experiment assigns, whether or not they made a request (intent to treat:
// the variants stay comparable because assignment alone decides who is in which).
import { assignVariant } from '../functions/experiments/assignment.js';
import type { ExperimentStore } from '../functions/experiments/experiment-store.js';

export async function countTierChange(
  experiments: ExperimentStore,
  userId: string,
  from: string | undefined,
  to: string,
): Promise<void> {
  if (from === undefined || from === to) return;
  const id = await experiments.runningId(from);
  const experiment = id === undefined ? undefined : await experiments.get(id);
  if (!experiment) return;
  await experiments.recordTierChange(experiment.id, assignVariant(experiment, userId).name, userId, to);
}
