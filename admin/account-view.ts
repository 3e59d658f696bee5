// What an operator sees of an account: money, open reservations, and the state of each
// limit right now, computed from the stored state with the same pure functions the
// throttler decides with.
import type { Account } from '../functions/throttle/account.js';
import type { Tier } from '../functions/shared/tier.js';
import type { SettledSession } from '../functions/throttle/account.js';
import { remainingAt } from '../functions/throttle/token-bucket.js';
import { windowStart } from '../functions/throttle/token-window.js';
import { abuseScore, recentSignals } from '../functions/throttle/abuse-score.js';
import type { UsageTotals } from '../functions/rollup/rollup-schema.js';
import { summarizeSessions } from './usage-report.js';

export interface AccountView {
  userId: string;
  tier: string;
  balance: number;
  available: number;
  reserved: number;
  openReservations: Array<{ sessionId: string; reserved: number; model: string; startedAt: number; expiresAt: number }>;
  bucket: { limit: number; remaining: number; fullInSeconds: number } | null;
  leases: { held: number; max: number | null };
  tokensThisMinute: number;
  usage: { lastHour: UsageTotals; lastDay: UsageTotals };
  /** The trust score, its recent signals, and the state it puts the user in. */
  abuse: {
    score: number;
    state: 'ok' | 'tightened' | 'blocked';
    blockedUntil: number | null;
    signals: Array<{ signal: string; at: number; weight: number }>;
  };
}

export function accountView(
  account: Account,
  tier: Tier | undefined,
  recentSessions: SettledSession[],
  now: number,
): AccountView {
  const pending = Object.entries(account.pending);
  const fullAt = account.tat ?? 0;
  return {
    userId: account.userId,
    tier: account.tier,
    balance: account.balance,
    available: account.available,
    reserved: pending.reduce((sum, [, p]) => sum + p.reserved, 0),
    openReservations: pending.map(([sessionId, p]) => ({
      sessionId,
      reserved: p.reserved,
      model: p.model,
      startedAt: p.startedAt,
      expiresAt: p.expiresAt,
    })),
    bucket: tier
      ? {
          limit: tier.burst,
          remaining: remainingAt(account.tat, tier, now),
          fullInSeconds: Math.max(0, Math.ceil((fullAt - now) / 1000)),
        }
      : null,
    leases: { held: pending.length, max: tier?.concurrentStreams ?? null },
    tokensThisMinute: account.tpmWindow === windowStart(now) ? (account.tpmTokens ?? 0) : 0,
    usage: {
      lastHour: summarizeSessions(recentSessions.filter((s) => s.startedAt >= now - 3_600_000)),
      lastDay: summarizeSessions(recentSessions.filter((s) => s.startedAt >= now - 86_400_000)),
    },
    abuse: abuseView(account, tier, now),
  };
}

function abuseView(account: Account, tier: Tier | undefined, now: number): AccountView['abuse'] {
  const score = Math.round(abuseScore(account.abuse, now) * 100) / 100;
  const blockedUntil = account.abuseBlockedUntil && account.abuseBlockedUntil > now ? account.abuseBlockedUntil : null;
  const state = blockedUntil ? 'blocked' : tier && score >= tier.abuse.tighten ? 'tightened' : 'ok';
  return { score, state, blockedUntil, signals: recentSignals(account.abuse, now) };
}
