// When to warn a stream before it is cut: once the share it has used of any limit (max
// tokens, minute grant, credits reserved, duration) reaches the tier's `warnAt`. Pure: a
// function of (budget, usage, times).
import type { BudgetWarningNotice } from '../protocol/stream-notice.js';
import { outputAllowances, type StreamBudget } from './monitor-verdict.js';
import { costOf } from './pricing.js';
import type { TokenUsage } from './usage-tally.js';

const names: Record<string, string> = {
  max_tokens_exceeded: 'max tokens per request',
  tokens_per_minute_exceeded: 'tokens per minute',
  credits_exhausted: 'credits reserved',
  max_duration_exceeded: 'stream duration',
};

export function budgetWarning(
  budget: StreamBudget,
  usage: TokenUsage,
  startedAt: number,
  now: number,
  warnAt: number,
): BudgetWarningNotice | undefined {
  const allowances = outputAllowances(budget, usage.inputTokens);
  const shares: Array<[string, number]> = [
    ...Object.entries(allowances).map(([limit, allowed]): [string, number] => [
      limit,
      allowed <= 0 ? 1 : usage.outputTokens / allowed,
    ]),
    ['max_duration_exceeded', (now - startedAt) / Math.max(1, budget.deadline - startedAt)],
  ];
  const [limit, used] = shares.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (used < warnAt) return undefined;
  const outputTokens = Math.max(0, Math.min(...Object.values(allowances)) - usage.outputTokens);
  const credits = Math.max(0, budget.reserved - costOf(budget.price, usage.inputTokens, usage.outputTokens));
  const seconds = Math.max(0, Math.floor((budget.deadline - now) / 1000));
  return {
    type: 'budget_warning',
    limit,
    used: Math.min(1, Math.round(used * 100) / 100),
    remaining: { outputTokens, credits, seconds },
    message: `This answer has used ${Math.round(Math.min(1, used) * 100)}% of its ${names[limit]}: ${outputTokens} tokens and ${seconds} s left.`,
  };
}
