// Requests, tokens and cost summed over settled sessions: what the usage rollup, the admin
// usage report and an account's recent usage all count, counted the same way.
import type { SettledSession } from '../throttle/account.js';
import type { UsageTotals } from './rollup-schema.js';

export const emptyUsageTotals = (): UsageTotals => ({ requests: 0, inputTokens: 0, outputTokens: 0, cost: 0 });

export function addSession(totals: UsageTotals, session: SettledSession): void {
  totals.requests += 1;
  totals.inputTokens += session.tokensIn;
  totals.outputTokens += session.tokensOut;
  totals.cost += session.charged;
}
