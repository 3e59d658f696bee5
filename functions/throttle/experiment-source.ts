// Where admission learns a user's limit-experiment variant: from running experiments kept
// in memory (refreshed like tiers), so finding it costs no request.
import type { Variant } from './effective-tier.js';

export interface ExperimentSource {
  /** The variant whose limits apply to `userId` on `tier`, if a running experiment covers the tier. */
  variantFor(userId: string, tier: string, now: number): Promise<Variant | undefined>;
  /** Counts an event of a variant (a refusal by reason), off the request's path. */
  recordRefusal?(variant: Variant, userId: string, reason: string, now: number): void;
}
