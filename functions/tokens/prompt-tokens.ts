// The prompt's tokens before the model is called (what a reservation is sized on): text
// through the model family's tokenizer, plus a small overhead per message as chat formats
// add. Structured parts (tool calls and results) are walked iteratively, so arbitrarily
// deep JSON cannot overflow the stack; binary attachments count one token per 4 bytes.
import type { ModelMessage } from 'ai';
import type { TokenCounter } from './token-counter.js';

const perMessageOverhead = 4;
/** Text longer than this is counted by length (about 4 bytes a token) instead of encoded. */
const encodeLimit = 64 * 1024;

const textTokens = (text: string, counter: TokenCounter) =>
  text.length > encodeLimit ? Math.ceil(Buffer.byteLength(text) / 4) : counter.count(text);

/** Tokens of any JSON-like value: strings encoded, every key, number and bracket one token. */
function structuredTokens(value: unknown, counter: TokenCounter): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') total += textTokens(item, counter);
    else if (item instanceof Uint8Array) total += Math.ceil(item.byteLength / 4);
    else if (item instanceof ArrayBuffer) total += Math.ceil(item.byteLength / 4);
    else if (item instanceof URL) total += textTokens(item.href, counter);
    else if (Array.isArray(item)) {
      total += 1;
      stack.push(...item);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        total += 1 + textTokens(key, counter);
        stack.push(child);
      }
    } else if (item !== undefined) total += 1;
  }
  return total;
}

export function promptTokens(messages: ModelMessage[], counter: TokenCounter): number {
  let total = 0;
  for (const message of messages) {
    total += perMessageOverhead;
    if (typeof message.content === 'string') {
      total += textTokens(message.content, counter);
      continue;
    }
    for (const part of message.content) {
      total +=
        part.type === 'text' || part.type === 'reasoning'
          ? textTokens(part.text, counter)
          : structuredTokens(part, counter);
    }
  }
  return total;
}
