// The mid-stream monitor's rule: may the next part go out? A pure function of the
// stream's budget, its usage so far, the part's tokens and the time. When a part would
// pass a limit, the verdict names the limit that binds: the one allowing the fewest output
// tokens at the current input (ties go to the limit that sized the stream at admission).
import type { ModelPrice } from '../shared/catalog.js';
import type { LimitReason } from '../shared/reasons.js';
import type { BindingLimit } from './end-reason.js';
import { affordableOutputTokens } from './pricing.js';
import type { TokenUsage } from './usage-tally.js';

export interface StreamBudget {
  maxTokensPerRequest: number;
  /** Tokens (input + output) granted from the minute window. */
  tokenGrant: number;
  /** Micro-units reserved. */
  reserved: number;
  price: ModelPrice;
  /** Epoch ms after which the stream must end. */
  deadline: number;
  /** The limit that sized the output allowance at admission. */
  binding: BindingLimit;
}

/** Output tokens each limit allows at this input. */
export function outputAllowances(budget: StreamBudget, inputTokens: number): Record<BindingLimit, number> {
  return {
    max_tokens_exceeded: budget.maxTokensPerRequest,
    tokens_per_minute_exceeded: budget.tokenGrant - inputTokens,
    credits_exhausted: affordableOutputTokens(budget.price, inputTokens, budget.reserved),
  };
}

/** Output tokens the stream may still produce under every limit. */
export function remainingOutput(budget: StreamBudget, usage: TokenUsage): number {
  return Math.max(0, Math.min(...Object.values(outputAllowances(budget, usage.inputTokens))) - usage.outputTokens);
}

export function monitorVerdict(
  budget: StreamBudget,
  usage: TokenUsage,
  nextOutputTokens: number,
  now: number,
): LimitReason | undefined {
  if (now >= budget.deadline) return 'max_duration_exceeded';
  const output = usage.outputTokens + nextOutputTokens;
  const allowances = outputAllowances(budget, usage.inputTokens);
  const tightest = Math.min(...Object.values(allowances));
  if (output <= tightest) return undefined;
  if (allowances[budget.binding] === tightest) return budget.binding;
  return (Object.keys(allowances) as BindingLimit[]).find((limit) => allowances[limit] === tightest);
}
