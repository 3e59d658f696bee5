// Cost in integer micro-units: tokens times the per-million price, rounded up so a
// fraction of a micro-unit is never given away.
import type { ModelPrice } from '../shared/catalog.js';

const perMillion = 1_000_000;

export function costOf(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  return Math.ceil((inputTokens * price.input + outputTokens * price.output) / perMillion);
}

/** The most output tokens a budget pays for after the input, or -1 if it cannot pay for the input. */
export function affordableOutputTokens(price: ModelPrice, inputTokens: number, budget: number): number {
  if (costOf(price, inputTokens, 0) > budget) return -1;
  if (price.output === 0) return Number.MAX_SAFE_INTEGER;
  let tokens = Math.floor((budget * perMillion - inputTokens * price.input) / price.output);
  while (tokens > 0 && costOf(price, inputTokens, tokens) > budget) tokens -= 1; // ceil rounding
  return Math.max(0, tokens);
}
