// Encodes AI SDK stream parts as the UI message stream of the current `useChat`
// (SSE `data: {json}` chunks), using the `ai` package's own converters.
import {
  JsonToSseTransformStream,
  UI_MESSAGE_STREAM_HEADERS,
  toUIMessageStream,
  type TextStreamPart,
  type ToolSet,
  type UIMessage,
} from 'ai';
import { streamErrorText } from './stream-error.js';
import type { StreamNotice } from './stream-notice.js';

export const uiMessageStreamHeaders: Record<string, string> = { ...UI_MESSAGE_STREAM_HEADERS };

export function encodeUiMessageStream(
  parts: ReadableStream<TextStreamPart<ToolSet>>,
  options: {
    notices?: StreamNotice[];
    generateMessageId: () => string;
    originalMessages?: UIMessage[];
    /** The session this answer is metered as: a client matches it to the answer's cost. */
    sessionId?: string;
  },
): ReadableStream<string> {
  return toUIMessageStream({
    stream: parts,
    // A continuation (after a tool approval) keeps the assistant message's id, so the
    // client adds to that message instead of starting a new one.
    originalMessages: options.originalMessages,
    onError: streamErrorText,
    // Tool errors are safe texts by construction (tools/tool-failure.ts); redacted, every
    // one would read as a provider error. The client sees what the model sees.
    redactToolErrors: false,
    generateMessageId: options.generateMessageId,
    messageMetadata: ({ part }) => {
      if (part.type !== 'start') return undefined;
      const metadata = {
        ...(options.sessionId ? { sessionId: options.sessionId } : {}),
        ...(options.notices?.length ? { notices: options.notices } : {}),
      };
      return Object.keys(metadata).length ? metadata : undefined;
    },
  }).pipeThrough(new JsonToSseTransformStream());
}
