// The chat-stream endpoint as a runtime-independent service: validate, authenticate,
// admit, then stream the model's answer in the protocol the client speaks.
import { randomUUID } from 'node:crypto';
import { convertToModelMessages, generateId, stepCountIs, streamText, type ModelMessage, type ToolSet } from 'ai';
import { errorResponse, httpError } from '../http/errors.js';
import type { ServiceRequest, ServiceResponse } from '../http/types.js';
import type { Authenticator } from '../auth/bearer-auth.js';
import type { LanguageModelResolver } from '../providers/language-models.js';
import type { CatalogSource } from '../catalog/catalog-source.js';
import { encodeDataStream, dataStreamHeaders } from '../protocol/data-stream-encoder.js';
import { encodeUiMessageStream, uiMessageStreamHeaders } from '../protocol/ui-message-stream-encoder.js';
import type { ServiceLogger } from '../observability/logger.js';
import { parseChatRequest, type ChatMessages, type ChatRequest, type WireProtocol } from './chat-request.js';
import { legacyToModelMessages } from './legacy-messages.js';
import { checkModelPrompt } from './model-prompt.js';
import { promptTokens } from '../tokens/prompt-tokens.js';
import { tokenCounterFor } from '../tokens/token-counter.js';
import { capOutputPerCall } from './output-cap.js';
import { errorsAsParts } from './errors-as-parts.js';
import { onBodyEnd, type BodyEnd } from './stream-end.js';
import type { AdmittedStream, StreamExit, StreamGate } from './stream-gate.js';
import type { AttachmentGuard } from '../attachments/attachment-guard.js';
import type { ToolTurns } from '../tools/tool-turns.js';
import { chatIdOf } from '../tools/chat-id.js';
import { assertOffered } from './offered-model.js';

const chatStreamPath = '/api/ai/chat-stream';

export interface ChatStreamDependencies {
  maxBodyBytes: number;
  /** Providers this deployment knows (built-in and declared): any other is refused before a store request. */
  providers: readonly string[];
  /** The run-time model catalog: which models are offered (their prices are the throttler's). */
  catalog: CatalogSource;
  authenticate: Authenticator;
  resolveModel: LanguageModelResolver;
  gate: StreamGate;
  logger: ServiceLogger;
  /** The deployment's tools and the checks on their confirmations; none when absent. */
  tools?: ToolTurns;
  /** The only way to files behind URLs: caps, allowlist, guarded fetches. */
  attachments: AttachmentGuard;
}

/** A response whose `done` resolves once its stream has been settled (or at once for plain responses). */
export type ChatStreamResponse = ServiceResponse & { done: Promise<void> };

export type ChatStreamHandler = (req: ServiceRequest, clientGone: AbortSignal) => Promise<ChatStreamResponse>;

const encoders = {
  data: { encode: encodeDataStream, headers: dataStreamHeaders },
  ui: { encode: encodeUiMessageStream, headers: uiMessageStreamHeaders },
} satisfies Record<WireProtocol, unknown>;

const settled = Promise.resolve();

export function createChatStreamHandler(deps: ChatStreamDependencies): ChatStreamHandler {
  return async (req, clientGone) => {
    try {
      return await handle(deps, req, clientGone);
    } catch (err) {
      if (!(err instanceof Error && 'isBoom' in err))
        deps.logger.error('chat-stream request failed', { error: err as Error });
      return { ...errorResponse(err), done: settled };
    }
  };
}

async function handle(
  deps: ChatStreamDependencies,
  req: ServiceRequest,
  clientGone: AbortSignal,
): Promise<ChatStreamResponse> {
  if (req.path !== chatStreamPath) throw httpError(404, 'not_found', `no route for ${req.path}`);
  if (req.method !== 'POST') {
    throw httpError(405, 'method_not_allowed', `${req.method} is not allowed; use POST`, {
      headers: { allow: 'POST' },
    });
  }
  const parsed = await parseChatRequest(req, deps);
  deps.attachments.check(parsed.conversation); // sizes and URL hosts, before authentication
  const caller = await deps.authenticate(req.headers.authorization);
  const tools = deps.tools?.offered ? deps.tools : undefined;
  try {
    tools?.limitConfirmations(parsed.conversation); // before any store work
  } catch (err) {
    // A flood of confirmations is refused at once; it also counts against the user's trust score.
    await deps.gate.signal?.(caller.userId, 'confirmation_flood').catch(() => undefined);
    throw err;
  }
  // URL attachments are fetched now, through the guard: a refusal is a 4xx before admission.
  const chat = { ...parsed, conversation: await deps.attachments.inline(parsed.conversation, clientGone) };

  const plainMessages = await toModelMessages(chat.conversation);
  checkModelPrompt(plainMessages); // what the model call would refuse, refused before admission
  assertOffered(await deps.catalog.current(), chat.model);
  const admitted = await deps.gate.admit({
    requestId: randomUUID(),
    userId: caller.userId,
    model: chat.model,
    inputTokens: promptTokens(plainMessages, await tokenCounterFor(chat.model)),
    // Answering a tool confirmation asks for a tool run: the tier must allow tools.
    features: tools?.asksForRun(chat.conversation) ? ['tool_execution'] : [],
    toolsRequested: Boolean(tools),
  });

  // The client may have left while admission ran: nothing to stream, release at once.
  if (clientGone.aborted) {
    await admitted.finish('client_disconnect');
    return { statusCode: 499, headers: {}, body: '', done: settled };
  }
  let prepared: Awaited<ReturnType<typeof prepareCall>>;
  try {
    prepared = await prepareCall(deps, chat, { userId: caller.userId, body: req.body }, admitted, tools, plainMessages);
  } catch (err) {
    await admitted.finish('internal_error'); // release the lease and reservation taken above
    throw err;
  }
  const { languageModel, messages, turn } = prepared;

  const upstream = new AbortController();
  const stopUpstream = () => upstream.abort();
  // A listener added to an already-aborted signal never fires: check first.
  if (clientGone.aborted) stopUpstream();
  else clientGone.addEventListener('abort', stopUpstream, { once: true });

  const result = streamText({
    // Each model call (a tool loop makes several) asks for no more than the stream has left.
    model: capOutputPerCall(languageModel, () => admitted.remainingOutputTokens()),
    messages,
    // System messages from either useChat generation go to the model where the client put them.
    allowSystemInMessages: true,
    abortSignal: upstream.signal,
    maxOutputTokens: admitted.maxOutputTokens,
    tools: turn?.tools,
    toolApproval: turn?.toolApproval,
    experimental_toolApprovalSecret: turn?.approvalSecret,
    experimental_transform: turn?.transform,
    stopWhen: stepCountIs(turn?.modelSteps ?? admitted.maxSteps),
    maxRetries: 1,
    experimental_download: deps.attachments.download, // the SDK never fetches a URL by itself
    onError: ({ error }) =>
      deps.logger.warn('model stream failed', { sessionId: admitted.sessionId, error: String(error) }),
  });

  const parts = errorsAsParts(result.stream).pipeThrough(admitted.monitor(stopUpstream));
  const encoder = encoders[chat.protocol];
  const text = encoder.encode(parts, {
    notices: admitted.notices,
    sessionId: admitted.sessionId,
    generateMessageId: () => `msg-${generateId()}`,
    originalMessages: chat.conversation.kind === 'ui' ? chat.conversation.messages : undefined,
  });
  const { body, done } = onBodyEnd(text.pipeThrough(new TextEncoderStream()), async (how: BodyEnd) => {
    stopUpstream();
    clientGone.removeEventListener('abort', stopUpstream);
    await admitted.finish(exitOf(how, clientGone));
  });

  return { statusCode: 200, headers: { ...encoder.headers, ...admitted.headers }, body, done };
}

function exitOf(how: BodyEnd, clientGone: AbortSignal): StreamExit {
  if (how === 'cancelled' || clientGone.aborted) return 'client_disconnect';
  return how === 'errored' ? 'internal_error' : 'completed';
}

/** The model, the messages and, when the tier allows tools, the tool turn of this call. */
async function prepareCall(
  deps: ChatStreamDependencies,
  chat: ChatRequest,
  caller: { userId: string; body: Buffer | undefined },
  admitted: AdmittedStream,
  tools: ToolTurns | undefined,
  plainMessages: ModelMessage[],
) {
  const languageModel = await deps.resolveModel(admitted.model);
  if (!tools || !admitted.toolsAllowed) return { languageModel, messages: plainMessages, turn: undefined };
  // With tools, answered confirmations are checked (and resolved) and tool parts converted with their tools.
  const turn = await tools.prepare({
    conversation: chat.conversation,
    protocol: chat.protocol,
    scope: { userId: caller.userId, chatId: chatIdOf(caller.body) },
    sessionId: admitted.sessionId,
    maxSteps: admitted.maxSteps,
  });
  return { languageModel, turn, messages: await toModelMessages(turn.conversation, turn.tools) };
}

async function toModelMessages(conversation: ChatMessages, tools?: ToolSet): Promise<ModelMessage[]> {
  try {
    return conversation.kind === 'legacy'
      ? legacyToModelMessages(conversation.messages)
      : await convertToModelMessages(conversation.messages, { tools });
  } catch (err) {
    throw httpError(400, 'invalid_request', `messages cannot be sent to a model: ${(err as Error).message}`);
  }
}
