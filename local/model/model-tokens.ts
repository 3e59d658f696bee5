// The local model's tokenizer: cl100k_base, the encoding the service counts `local`
// models with, so the usage this server reports and the service's own counts agree.
import { countTokens, decode, encode } from 'gpt-tokenizer/encoding/cl100k_base';

const asPlainText = { disallowedSpecial: new Set<string>() };

export const tokensIn = (text: string): number => (text.length ? countTokens(text, asPlainText) : 0);

/** The first `limit` tokens of a text. */
export const firstTokens = (text: string, limit: number): string => decode(encode(text, asPlainText).slice(0, limit));

/** Pieces cut so that together they hold at most `limit` tokens (the last one cut mid-piece if need be). */
export function withinTokens(pieces: string[], limit: number): { pieces: string[]; tokens: number; cut: boolean } {
  const kept: string[] = [];
  let tokens = 0;
  for (const piece of pieces) {
    const count = tokensIn(piece);
    if (tokens + count > limit) {
      const rest = limit - tokens;
      if (rest > 0) kept.push(firstTokens(piece, rest));
      return { pieces: kept, tokens: limit, cut: true };
    }
    kept.push(piece);
    tokens += count;
  }
  return { pieces: kept, tokens, cut: false };
}
