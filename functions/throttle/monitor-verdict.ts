// The mid-stream monitor's rule: may the next part go out? A pure function of the
// stream's budget, its usage so far, the part's tokens and the time.
import type { ModelPrice } from '../shared/catalog.js';
import { StreamError } from '../protocol/stream-error.js';
import type { BindingLimit } from './admission.js';
import { costOf } from './pricing.js';
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
}

export function monitorVerdict(
  budget: StreamBudget,
  usage: TokenUsage,
  nextOutputTokens: number,
  now: number,
): StreamError | undefined {
  const output = usage.outputTokens + nextOutputTokens;
  if (now >= budget.deadline) return limitError('max_duration_exceeded');
  if (output > budget.maxTokensPerRequest) return limitError('max_tokens_exceeded');
  if (usage.inputTokens + output > budget.tokenGrant) return limitError('rate_limit_exceeded');
  if (costOf(budget.price, usage.inputTokens, output) > budget.reserved) return limitError('credits_exhausted');
  return undefined;
}

const messages: Record<BindingLimit | 'max_duration_exceeded' | 'session_terminated', string> = {
  max_tokens_exceeded: 'The answer reached the maximum tokens per request of your tier.',
  rate_limit_exceeded: "The answer reached your tier's tokens-per-minute limit.",
  credits_exhausted: 'Your credits ran out during this answer.',
  max_duration_exceeded: 'The answer reached the maximum stream duration of your tier.',
  session_terminated: 'This session was terminated by an administrator.',
};

export function limitError(type: keyof typeof messages): StreamError {
  return new StreamError(type, messages[type]);
}
