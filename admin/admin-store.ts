// What the admin API reads and changes, behind a narrow interface (one DynamoDB
// implementation). Every change names its actor.
import type { Account } from '../functions/throttle/account.js';
import type { Tier } from '../functions/shared/tier.js';
import type { SessionRecord } from '../functions/throttle/session-record.js';

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
  | { outcome: 'insufficient'; available: number };

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
  ledger(userId: string, limit: number, cursor?: string): Promise<Page<LedgerEntry>>;
  userSessions(userId: string, options: { limit: number; from?: number; to?: number }): Promise<SessionRecord[]>;
  /** All sessions started in a time range (a scan: for reports, not for hot paths). */
  sessionsBetween(from: number, to: number): Promise<SessionRecord[]>;
  usageCounters(
    userId: string | undefined,
    from: number,
    to: number,
  ): Promise<Array<UsageCounters & { userId: string }>>;
  getSession(sessionId: string): Promise<SessionRecord | undefined>;
  requestKill(sessionId: string, actor: string, now: number): Promise<'requested' | 'not_found' | 'not_active'>;
  audit(record: AuditRecord): Promise<void>;
  auditLog(limit: number): Promise<AuditRecord[]>;
}
