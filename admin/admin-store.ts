// What the admin API reads and changes, behind a narrow interface (one DynamoDB
// implementation). Every change names its actor.
import type { Account } from '../functions/throttle/account.js';
import type { Tier } from '../functions/shared/tier.js';
import type { SettledSession } from '../functions/throttle/account.js';
import type { LedgerPosition } from './ledger-cursor.js';

export interface LedgerEntry {
  id: string;
  type: 'grant' | 'charge';
  amount: number;
  at: number;
  reason?: string;
  actor?: string;
  sessionId?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  idempotencyKey?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface CreditChange {
  amount: number;
  reason: string;
  idempotencyKey: string;
  actor: string;
}

export type CreditResult =
  | { outcome: 'applied' | 'replayed'; entry: LedgerEntry; balance: number; available: number }
  | { outcome: 'conflict'; message: string }
  | { outcome: 'insufficient'; available: number }
  | { outcome: 'balance_limit'; balance: number };

export interface UsageCounters {
  hourStart: number;
  rejections: Record<string, number>;
}

export interface AuditRecord {
  at: number;
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

export interface AdminStore {
  listTiers(): Promise<Tier[]>;
  getTier(name: string): Promise<Tier | undefined>;
  putTier(tier: Tier): Promise<void>;
  /** False when users are still assigned to the tier. */
  deleteTier(name: string): Promise<'deleted' | 'not_found' | 'in_use'>;
  getAccount(userId: string): Promise<Account | undefined>;
  assignTier(userId: string, tier: string, now: number): Promise<Account>;
  applyCredit(userId: string, change: CreditChange, now: number): Promise<CreditResult>;
  /** Newest first, after `after` (a position decoded from the previous page's cursor). */
  ledger(userId: string, limit: number, after?: LedgerPosition): Promise<Page<LedgerEntry>>;
  /** A user's settled sessions, newest first (live ones are in the account's reservations). */
  userSessions(userId: string, options: { limit: number; from?: number; to?: number }): Promise<SettledSession[]>;
  /** All sessions started in a time range (a scan: for reports, not for hot paths). */
  sessionsBetween(from: number, to: number): Promise<SettledSession[]>;
  usageCounters(
    userId: string | undefined,
    from: number,
    to: number,
  ): Promise<Array<UsageCounters & { userId: string }>>;
  getSession(sessionId: string): Promise<SettledSession | undefined>;
  /** Clears a user's abuse signals and any block; false when there is no such account. */
  resetAbuse(userId: string): Promise<boolean>;
  /** Ends a live session at its next report; false when the user has no such live session. */
  requestKill(userId: string, sessionId: string, actor: string): Promise<boolean>;
  audit(record: AuditRecord): Promise<void>;
  auditLog(limit: number): Promise<AuditRecord[]>;
}
