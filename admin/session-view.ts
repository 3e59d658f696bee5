// What an operator sees of a session: live ones from the account's open reservations
// (their usage as last reported), settled ones from the sessions table (their final
// record). A session is one or the other, never both.
import type { Account, SettledSession } from '../functions/throttle/account.js';

export type SessionView =
  | (SettledSession & { status: 'settled' })
  | {
      status: 'active';
      sessionId: string;
      userId: string;
      tier: string;
      model: string;
      requestedModel: string;
      startedAt: number;
      leaseUntil: number;
      reserved: number;
      tokensIn: number;
      tokensOut: number;
      killRequested?: boolean;
      killedBy?: string;
    };

export function activeSessions(account: Account): SessionView[] {
  return Object.entries(account.pending).map(([sessionId, p]) => ({
    status: 'active' as const,
    sessionId,
    userId: account.userId,
    tier: p.tier,
    model: p.model,
    requestedModel: p.requestedModel,
    startedAt: p.startedAt,
    leaseUntil: p.leaseUntil,
    reserved: p.reserved,
    tokensIn: p.reportedIn,
    tokensOut: p.reportedOut,
    ...(p.killRequested ? { killRequested: true, killedBy: p.killedBy } : {}),
  }));
}
