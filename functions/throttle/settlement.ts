// What a finished stream costs: provider usage where reported, the monitor's estimate
// where not, never more than the reservation (a pending amount posts at most itself).
import type { ModelPrice } from '../shared/catalog.js';
import { costOf } from './pricing.js';
import type { TokenUsage } from './usage-tally.js';

export interface SettlementAmounts extends TokenUsage {
  /** Micro-units posted (deducted from the balance). */
  charge: number;
  /** What the usage cost beyond the reservation: absorbed, and logged. */
  overrun: number;
  /** Tokens of the minute grant not used, returned to the window. */
  unusedGrant: number;
}

export function settlementAmounts(
  usage: TokenUsage,
  reserved: number,
  tokenGrant: number,
  price: ModelPrice,
): SettlementAmounts {
  const cost = costOf(price, usage.inputTokens, usage.outputTokens);
  const charge = Math.min(cost, reserved);
  return {
    ...usage,
    charge,
    overrun: cost - charge,
    unusedGrant: Math.max(0, tokenGrant - usage.inputTokens - usage.outputTokens),
  };
}
