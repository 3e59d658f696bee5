// One item per stream in the sessions table: lease, usage, status and, once settled,
// what it cost and why it ended.
import type { SettlementAmounts } from './settlement.js';

export type SessionStatus = 'active' | 'settling' | 'settled';

export type SessionEndReason =
  | 'completed'
  | 'max_tokens_exceeded'
  | 'rate_limit_exceeded'
  | 'credits_exhausted'
  | 'max_duration_exceeded'
  | 'session_terminated'
  | 'provider_error'
  | 'client_disconnect'
  | 'internal_error'
  | 'lease_expired';

/** What is known of a session when it opens. */
export interface SessionOpening {
  sessionId: string;
  userId: string;
  tier: string;
  model: string;
  requestedModel: string;
  startedAt: number;
  leaseUntil: number;
  reserved: number;
  tokenGrant: number;
  window: number;
  /** Prompt tokens as estimated at admission. */
  tokensIn: number;
}

export interface SessionRecord extends SessionOpening {
  status: SessionStatus;
  tokensOut: number;
  killRequested?: boolean;
  killedBy?: string;
  charged?: number;
  overrun?: number;
  unusedGrant?: number;
  usageSource?: 'provider' | 'estimate';
  endReason?: SessionEndReason;
  /** When settlement began; fixes the ledger entry's key. */
  settlingAt?: number;
  settledAt?: number;
}

export interface SettlementRequest {
  session: SessionOpening;
  amounts: SettlementAmounts;
  usageSource: 'provider' | 'estimate';
  endReason: SessionEndReason;
  now: number;
  /** The sweeper settles only sessions whose lease expired before this time. */
  leaseExpiredBefore?: number;
}

export type SettlementOutcome = 'settled' | 'already_settled' | 'lease_held';
