// The narrow storage interface the throttler decides against. One implementation
// (DynamoDB); the decisions never see a table. Every money movement is one call here,
// and each is idempotent: a retried or duplicated call never moves money twice.
import type { Tier } from '../shared/tier.js';
import type { Account, Movement } from './account.js';
import type { AdmissionWrite } from './admission.js';
import type { Resolution } from './settlement.js';
import type { SignalWrite } from './abuse-score.js';

export interface UsageReport {
  leaseUntil: number;
  reportedIn: number;
  reportedOut: number;
  allowanceOut: number;
  now: number;
}

/** What a report found: the stream may go on, an operator ended it, or its reservation was resolved elsewhere. */
export type ReportAnswer =
  | { state: 'live' }
  | { state: 'killed'; killedBy?: string }
  | { state: 'blocked' }
  | { state: 'gone' };

/** When the store had to read the item (to tell a lost answer from a refusal), the account as read. */
export type AdmitResult = { admitted: true; account?: Account } | { admitted: false; account: Account | undefined };

export interface GrantRequest {
  amount: number;
  key: string;
  reason: string;
  actor: string;
  /** Grant keys old enough to forget (removed in the same write). */
  forget: string[];
}

export type GrantResult =
  | { outcome: 'applied'; account: Account; movement: Movement }
  | { outcome: 'replayed'; account: Account }
  | { outcome: 'insufficient' | 'balance_limit'; account: Account };

export interface CreatedAccount {
  account: Account;
  created: boolean;
}

export type ResolveOutcome = 'resolved' | 'already_resolved' | 'lease_live';

export interface ResolveResult {
  outcome: ResolveOutcome;
  /** Whether the unused minute tokens went back to the window (only while it is current). */
  tokensReturned?: boolean;
}

export interface ThrottleStore {
  getTier(name: string): Promise<Tier | undefined>;
  getAccount(userId: string): Promise<Account | undefined>;
  /**
   * Creates the account with its sign-up credit (one write), or returns the one that
   * exists. Whoever created it projects its outbox (the sign-up ledger entry).
   */
  createAccount(userId: string, tier: string, signupCredits: number, now: number): Promise<CreatedAccount>;
  /**
   * The single conditional admission write. When a rule no longer held, answers the
   * account as it is now (read once), so the caller can decide again without another read.
   * `projected` names outbox movements this caller has projected: the write drops them.
   */
  admit(write: AdmissionWrite, projected?: string[]): Promise<AdmitResult>;
  /** Renews a stream's lease and records its usage (one write). */
  report(userId: string, sessionId: string, report: UsageReport): Promise<ReportAnswer>;
  /** Resolves a pending reservation exactly once (one write in the common case); drops `projected` movements. */
  resolve(resolution: Resolution, projected?: string[]): Promise<ResolveResult>;
  /** Applies a grant (or debit) exactly once per key: one write, remembered in the account. */
  grant(userId: string, grant: GrantRequest, now: number): Promise<GrantResult>;
  /** Takes a paced stream's next grant from a new minute window (one write in the common case). */
  extendGrant(userId: string, sessionId: string, request: GrantExtension): Promise<GrantExtensionResult>;
  /** Records abuse signals (and a block) on the account: one write, off any stream's path. */
  recordSignals(userId: string, write: SignalWrite): Promise<void>;
  /** An operator's kill: the stream ends at its next report. False when no such reservation is open. */
  requestKill(userId: string, sessionId: string, actor: string): Promise<boolean>;
  /** Writes the ledger entries and session records of committed movements (idempotent). */
  project(userId: string, movements: Movement[]): Promise<void>;
  /** Counts a refusal in the user's hourly usage record (for usage reports). */
  recordRejection(userId: string, reason: string, now: number): Promise<void>;
  /** Users whose accounts the sweeper should look at by `now` (from a sparse index: verify on the item). */
  accountsDue(now: number, limit: number): Promise<string[]>;
  /**
   * Removes projected movements from the outbox and plans the next sweep, if the account
   * is still at revision `rev` (otherwise someone wrote since the read: false, try later).
   */
  tidy(userId: string, rev: number, projected: string[], sweepAt: number | undefined): Promise<boolean>;
}

export interface GrantExtension {
  window: number;
  grant: number;
  tokensPerMinute: number;
}

export type GrantExtensionResult = { outcome: 'extended'; grant: number } | { outcome: 'full' | 'gone' };

/** The store could not be reached or answered with an error (not a rule refusal). */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(cause: unknown) {
    super(`throttle store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The store answered, but throttled us past the SDK's retries: saturation, not an outage. */
export class StoreBusyError extends StoreUnavailableError {
  override name = 'StoreBusyError';
}
