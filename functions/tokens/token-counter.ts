// Counts tokens with a BPE tokenizer of the model's family (gpt-tokenizer): o200k_base for
// OpenAI's current models, cl100k_base for older OpenAI models, Llama-family models on
// Groq (an approximation: their tokenizer is not published as a JS library) and the local
// model server (which counts with cl100k_base too). Encodings load lazily, once per
// container: loading one takes a few hundred milliseconds. Counts of short texts are
// remembered: a stream's parts are mostly single tokens that recur (" the", ","), and the
// count runs once per part on the hot path.
import type { ModelRef } from '../shared/catalog.js';

export interface TokenCounter {
  count(text: string): number;
}

type EncodingName = 'o200k_base' | 'cl100k_base';
type Encoder = { countTokens(text: string, options: { disallowedSpecial: Set<string> }): number };

// User text may contain special-token markers such as <|endoftext|>: count them as text.
const asPlainText = { disallowedSpecial: new Set<string>() };

const loaders: Record<EncodingName, () => Promise<Encoder>> = {
  o200k_base: () => import('gpt-tokenizer/encoding/o200k_base'),
  cl100k_base: () => import('gpt-tokenizer/encoding/cl100k_base'),
};
const loading = new Map<EncodingName, Promise<TokenCounter>>();

/**
 * Counts through a bounded memo of short texts (up to `maxLength` characters, at most
 * `maxTexts` of them). When full it starts over: cheaper on the hot path than an LRU's
 * bookkeeping (lru-cache), and the texts that recur are back at once.
 */
export function rememberingCounts(
  count: (text: string) => number,
  { maxLength = 24, maxTexts = 8_192 } = {},
): (text: string) => number {
  const known = new Map<string, number>();
  return (text) => {
    if (text.length > maxLength) return count(text);
    let tokens = known.get(text);
    if (tokens === undefined) {
      if (known.size >= maxTexts) known.clear();
      tokens = count(text);
      known.set(text, tokens);
    }
    return tokens;
  };
}

function encodingOf(model: ModelRef): EncodingName {
  if (model.provider !== 'openai') return 'cl100k_base';
  return /^(gpt-3\.5|gpt-4(?![o.]))/.test(model.modelId) ? 'cl100k_base' : 'o200k_base';
}

export function loadTokenCounter(encoding: EncodingName): Promise<TokenCounter> {
  let counter = loading.get(encoding);
  if (!counter) {
    counter = loaders[encoding]().then((encoder) => {
      const count = rememberingCounts((text) => encoder.countTokens(text, asPlainText));
      return { count: (text: string) => (text.length === 0 ? 0 : count(text)) };
    });
    loading.set(encoding, counter);
  }
  return counter;
}

export const tokenCounterFor = (model: ModelRef): Promise<TokenCounter> => loadTokenCounter(encodingOf(model));

/** Starts loading every encoding in the background (at container start), so requests rarely wait. */
export function preloadTokenCounters(): void {
  for (const encoding of Object.keys(loaders) as EncodingName[]) void loadTokenCounter(encoding);
}
