// Where experiments are kept, behind a narrow interface (one DynamoDB implementation). A
// tier's claim names its running experiment: writing the claim starts it, clearing it stops
// it, so "at most one running experiment per tier" is one conditional write.
import type { SettledSession } from '../throttle/account.js';
import type { Experiment, ExperimentRecord } from './experiment.js';

/** What admission needs: the running experiment of a tier, and a place to count refusals. */
export interface ExperimentReader {
  /** The id the tier's claim names (its running experiment), if any. */
  runningId(tier: string): Promise<string | undefined>;
  get(id: string): Promise<Experiment | undefined>;
  /** Counts a refusal of a user in a variant (one write, off the request's path). */
  recordRefusal(experimentId: string, variant: string, userId: string, reason: string): Promise<void>;
}

export type CreateOutcome =
  /** `replayed`: the same declaration was created before (a retry); it runs. */
  | { outcome: 'created' | 'replayed'; experiment: ExperimentRecord }
  /** The id is taken by another declaration, or by an experiment that has stopped. */
  | { outcome: 'exists' }
  /** Another experiment runs on the tier. */
  | { outcome: 'tier_busy'; runningId: string };

export type StopOutcome =
  | { outcome: 'stopped' | 'already_stopped'; experiment: ExperimentRecord }
  | { outcome: 'not_found' };

/** One user's counters in one variant. */
export interface MemberCounters {
  variant: string;
  userId: string;
  rejections: Record<string, number>;
  /** Tier changes made through the admin API while the experiment ran, by the tier moved to. */
  upgrades: Record<string, number>;
}

export interface ExperimentStore extends ExperimentReader {
  create(experiment: Experiment): Promise<CreateOutcome>;
  stop(id: string, actor: string, now: number): Promise<StopOutcome>;
  record(id: string): Promise<ExperimentRecord | undefined>;
  /** Every experiment, running and stopped, newest first. */
  list(): Promise<ExperimentRecord[]>;
  recordTierChange(experimentId: string, variant: string, userId: string, toTier: string): Promise<void>;
  members(experimentId: string): Promise<MemberCounters[]>;
  /** The settled sessions of a variant (from a sparse index on the sessions table). */
  variantSessions(experimentId: string, variant: string): Promise<SettledSession[]>;
}
