// The narrow storage interface the throttler decides against. One implementation
// (DynamoDB); the decisions never see a table.
import type { Account } from './account.js';
import type { AdmissionWrite } from './admission.js';
import type { Tier } from '../shared/tier.js';
import type { SessionOpening, SessionRecord, SettlementOutcome, SettlementRequest } from './session-record.js';
import type { TokenUsage } from './usage-tally.js';

export interface HeartbeatAnswer {
  /** False when the session is no longer active (settled by the sweeper after a lost lease). */
  active: boolean;
  killRequested: boolean;
}

export interface ThrottleStore {
  getTier(name: string): Promise<Tier | undefined>;
  getAccount(userId: string): Promise<Account | undefined>;
  /** Creates the account if absent (with its sign-up grant) and returns the current one. */
  ensureAccount(userId: string, tier: string, signupCredits: number, now: number): Promise<Account>;
  /** The single conditional admission write; undefined when a rule no longer held. */
  admit(write: AdmissionWrite): Promise<Account | undefined>;
  openSession(opening: SessionOpening): Promise<void>;
  heartbeat(sessionId: string, leaseUntil: number, usage: TokenUsage, now: number): Promise<HeartbeatAnswer>;
  settle(request: SettlementRequest): Promise<SettlementOutcome>;
  getSession(sessionId: string): Promise<SessionRecord | undefined>;
  /** Counts a refusal in the user's hourly usage record (for usage reports). */
  recordRejection(userId: string, reason: string, now: number): Promise<void>;
  /** Unsettled sessions whose lease expired before `before`, oldest first. */
  expiredSessions(before: number, limit: number): Promise<SessionRecord[]>;
}

/** The store could not be reached or answered with an error (not a rule refusal). */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(cause: unknown) {
    super(`throttle store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
