// The local model's tokenizer: cl100k_base, the encoding the service counts `local`
// models with, so the usage this server reports and the service's own counts agree.
import { countTokens, decode, encode } from 'gpt-tokenizer/encoding/cl100k_base';

const asPlainText = { disallowedSpecial: new Set<string>() };

export const tokensIn = (text: string): number => (text.length ? countTokens(text, asPlainText) : 0);

/** The first `limit` tokens of a text. */
const firstTokens = (text: string, limit: number): string => decode(encode(text, asPlainText).slice(0, limit));

/**
 * Yields the pieces of `source` (read lazily) until they hold `limit` tokens, cutting the
 * piece that crosses the limit mid-piece; `state` says how many tokens went out and
 * whether the answer was cut.
 */
export function boundedByTokens(source: Iterable<string>, limit: number) {
  const state = { tokens: 0, truncated: false };
  function* pieces(): Generator<string> {
    for (const piece of source) {
      const count = tokensIn(piece);
      if (state.tokens + count > limit) {
        const rest = limit - state.tokens;
        state.truncated = true;
        if (rest > 0) {
          state.tokens = limit;
          yield firstTokens(piece, rest);
        }
        return;
      }
      state.tokens += count;
      yield piece;
    }
  }
  return { pieces: pieces(), state };
}

/** Groups pieces `size` at a time, as a server under load sends several tokens per chunk. */
export function* inChunks(pieces: Iterable<string>, size: number): Generator<string> {
  let group: string[] = [];
  for (const piece of pieces) {
    group.push(piece);
    if (group.length >= size) {
      yield group.join('');
      group = [];
    }
  }
  if (group.length) yield group.join('');
}
