// Token estimates for what the provider has not (yet) counted: the prompt before the
// call, and output of a step that was cut off. About four characters a token, at least
// one per non-empty piece, which errs on the side of counting more.
import type { ModelMessage } from 'ai';

export const estimateTokens = (text: string): number =>
  text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));

const perMessageOverhead = 4;

export function estimatePromptTokens(messages: ModelMessage[]): number {
  let total = 0;
  for (const message of messages) {
    total += perMessageOverhead;
    if (typeof message.content === 'string') {
      total += estimateTokens(message.content);
      continue;
    }
    for (const part of message.content) {
      total += estimateTokens('text' in part && typeof part.text === 'string' ? part.text : JSON.stringify(part));
    }
  }
  return total;
}
