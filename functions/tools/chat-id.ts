// The chat a request belongs to: the body's `id`, which useChat sends in both generations
// (AI SDK 4 and current). Confirmations are bound to it; without one, to "no chat".
import { z } from 'zod';

export const chatIdSchema = z.string({ error: 'id must be a string' }).max(500);
const bodyWithChatId = z.looseObject({ id: chatIdSchema.optional() });

/** Reads the id from a body the chat request parser has already accepted as JSON. */
export function chatIdOf(body: Buffer | undefined): string {
  const parsed = bodyWithChatId.safeParse(body ? JSON.parse(body.toString('utf8')) : {});
  return (parsed.success && parsed.data.id) || '';
}
