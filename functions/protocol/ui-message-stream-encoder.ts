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
import type { NoticePart, StreamNotice } from './stream-notice.js';

export const uiMessageStreamHeaders: Record<string, string> = { ...UI_MESSAGE_STREAM_HEADERS };

type UiChunk = Record<string, unknown> & { type: string };

/** Marks a notice's place among the model parts: `toUIMessageStream` passes it through as a text delta. */
const markerPrefix = '__notice__';

/**
 * Mid-stream notices travel through `toUIMessageStream` (which knows only model parts) as
 * marker text deltas, and are swapped back in at exactly their place: a budget warning as a
 * `data-budget-warning` chunk, pacing as message metadata.
 */
export function encodeUiMessageStream(
  parts: ReadableStream<TextStreamPart<ToolSet> | NoticePart>,
  options: {
    notices?: StreamNotice[];
    generateMessageId: () => string;
    originalMessages?: UIMessage[];
    /** The session this answer is metered as: a client matches it to the answer's cost. */
    sessionId?: string;
  },
): ReadableStream<string> {
  const notices: NoticePart['notice'][] = [];
  const modelParts = parts.pipeThrough(
    new TransformStream<TextStreamPart<ToolSet> | NoticePart, TextStreamPart<ToolSet>>({
      transform(part, controller) {
        if (part.type !== 'notice') return controller.enqueue(part);
        notices.push(part.notice);
        controller.enqueue({ type: 'text-delta', id: `${markerPrefix}${notices.length - 1}`, text: '.' });
      },
    }),
  );
  const withNotices = new TransformStream<UiChunk, UiChunk>({
    transform(chunk, controller) {
      const id = typeof chunk.id === 'string' ? chunk.id : '';
      if (chunk.type !== 'text-delta' || !id.startsWith(markerPrefix)) return controller.enqueue(chunk);
      const notice = notices[Number(id.slice(markerPrefix.length))]!;
      controller.enqueue(
        notice.type === 'budget_warning'
          ? { type: 'data-budget-warning', data: notice }
          : { type: 'message-metadata', messageMetadata: { pacing: notice } },
      );
    },
  });
  return (
    toUIMessageStream({
      stream: modelParts,
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
    }) as unknown as ReadableStream<UiChunk>
  )
    .pipeThrough(withNotices)
    .pipeThrough(new JsonToSseTransformStream());
}
