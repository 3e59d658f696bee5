// Which variant of an experiment a user is in: a point in [0, 1) from a hash of the
// experiment's salt and the user id, laid over the variants' shares in their declared
// order. Pure and stable: the same user lands in the same variant in every container and
// on every request for as long as the experiment runs, with nothing stored per user.
import { createHash } from 'node:crypto';

/** 48 bits of SHA-256: uniform enough that shares hold to well under a percent over many users. */
export function assignmentPoint(salt: string, userId: string): number {
  const digest = createHash('sha256').update(salt).update('\0').update(userId).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The variant whose slice of [0, 1) holds `point`, slices laid out by share in declared order. */
export function variantAt<V extends { share: number }>(variants: readonly V[], point: number): V {
  let upTo = 0;
  for (const variant of variants) {
    upTo += variant.share;
    if (point < upTo) return variant;
  }
  // Shares add up to 1 up to rounding: a point past the last sum belongs to the last variant.
  return variants.at(-1)!;
}

export const assignVariant = <V extends { share: number }>(
  experiment: { salt: string; variants: readonly V[] },
  userId: string,
): V => variantAt(experiment.variants, assignmentPoint(experiment.salt, userId));
