// Turns a raw HTTP request into a validated chat request, in the order the design fixes:
// size cap, JSON (strict UTF-8, bounded nesting, no repeated keys), schema, query. Nothing
// here talks to a store or a model.
import { z } from 'zod';
import { safeValidateUIMessages, type UIMessage } from 'ai';
import { httpError } from '../http/errors.js';
import type { ServiceRequest } from '../http/types.js';
import type { ModelRef } from '../shared/catalog.js';
import { providerNameSchema } from '../shared/providers.js';
import { legacyMessageSchema, type LegacyMessage } from './legacy-messages.js';
import { jsonShapeProblem } from './json-shape.js';
import { chatIdSchema } from '../tools/chat-id.js';

export type WireProtocol = 'data' | 'ui';

export type ChatMessages = { kind: 'ui'; messages: UIMessage[] } | { kind: 'legacy'; messages: LegacyMessage[] };

export interface ChatRequest {
  protocol: WireProtocol;
  model: ModelRef;
  conversation: ChatMessages;
}

const querySchema = z.object({
  provider: providerNameSchema, // which providers are offered is the catalog's to say (offered-model.ts)
  model: z.string({ error: 'model is required' }).min(1, 'model is required').max(200),
  protocol: z.enum(['data', 'ui']).optional(),
});

const maxMessages = 500;
/** Deepest nesting of objects and arrays a body may have: room for any real tool input, never a stack overflow. */
export const maxJsonDepth = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const bodyEnvelopeSchema = z.looseObject({
  id: chatIdSchema.optional(), // the chat id both useChat generations send (tool confirmations are bound to it)
  messages: z
    .array(z.looseObject({ role: z.string() }), { error: 'messages must be an array' })
    .min(1, 'messages must not be empty')
    .max(maxMessages),
});

const isLegacyBody = (messages: Array<Record<string, unknown>>) => messages.some((m) => typeof m.content === 'string');

function fieldErrors(error: z.ZodError, prefix = ''): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = prefix + (issue.path.join('.') || '(root)');
    fields[path] ??= issue.message;
  }
  return fields;
}

const invalid = (message: string, fields: Record<string, string>) =>
  httpError(400, 'invalid_request', message, { details: { fields } });

export async function parseChatRequest(
  req: ServiceRequest,
  limits: { maxBodyBytes: number; providers: readonly string[] },
): Promise<ChatRequest> {
  const size = req.body?.byteLength ?? 0;
  if (size > limits.maxBodyBytes) {
    throw httpError(413, 'payload_too_large', `request body is ${size} bytes; the limit is ${limits.maxBodyBytes}`);
  }
  if (size === 0) throw httpError(400, 'invalid_json', 'request body is empty; send a JSON object with messages');

  const json = parseJsonBody(req.body!);

  const envelope = bodyEnvelopeSchema.safeParse(json);
  if (!envelope.success) throw invalid('request body does not match the chat schema', fieldErrors(envelope.error));

  const query = querySchema.safeParse(req.query);
  if (!query.success) throw invalid('query string is invalid', fieldErrors(query.error, 'query.'));

  if (!limits.providers.includes(query.data.provider)) {
    throw invalid('query string is invalid', {
      'query.provider': `provider must be one of ${limits.providers.join(', ')}`,
    });
  }
  const model: ModelRef = { provider: query.data.provider, modelId: query.data.model };

  const conversation = await parseConversation(envelope.data.messages);
  const protocol = query.data.protocol ?? (conversation.kind === 'legacy' ? 'data' : 'ui');
  return { protocol, model, conversation };
}

function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw httpError(400, 'invalid_json', 'request body is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw httpError(400, 'invalid_json', 'request body is not valid JSON');
  }
  const problem = jsonShapeProblem(text, maxJsonDepth);
  if (problem?.kind === 'too_deep') {
    const message = `request body nests objects and arrays deeper than ${maxJsonDepth} levels`;
    throw httpError(400, 'invalid_request', message, { details: { maxDepth: maxJsonDepth } });
  }
  if (problem?.kind === 'duplicate_key') {
    const key = JSON.stringify(problem.key.slice(0, 100));
    throw httpError(400, 'invalid_request', `request body repeats the key ${key} within one object`);
  }
  return json;
}

async function parseConversation(messages: Array<Record<string, unknown>>): Promise<ChatMessages> {
  if (isLegacyBody(messages)) {
    const parsed = z.array(legacyMessageSchema).safeParse(messages);
    if (!parsed.success)
      throw invalid('messages do not match the AI SDK 4 message schema', fieldErrors(parsed.error, 'messages.'));
    return { kind: 'legacy', messages: parsed.data };
  }
  const validated = await safeValidateUIMessages<UIMessage>({ messages });
  if (!validated.success) {
    const cause = validated.error.cause;
    throw invalid(
      'messages do not match the UI message schema',
      cause instanceof z.ZodError ? fieldErrors(cause, 'messages.') : { messages: 'invalid' },
    );
  }
  return { kind: 'ui', messages: validated.data };
}
