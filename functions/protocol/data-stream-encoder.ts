// Encodes AI SDK stream parts as the data stream protocol v1 of AI SDK 4 clients:
// one `<code>:<json>\n` line per part.
import type { TextStreamPart, ToolSet, LanguageModelUsage } from 'ai';
import { streamErrorText } from './stream-error.js';
import type { NoticePart, StreamNotice } from './stream-notice.js';

export const dataStreamHeaders = {
  'content-type': 'text/plain; charset=utf-8',
  'cache-control': 'no-cache',
  'x-vercel-ai-data-stream': 'v1',
  'x-accel-buffering': 'no',
} as const;

const partCodes = {
  text: '0',
  data: '2',
  error: '3',
  annotations: '8',
  toolCall: '9',
  toolResult: 'a',
  toolCallStart: 'b',
  toolCallDelta: 'c',
  finishMessage: 'd',
  finishStep: 'e',
  startStep: 'f',
  reasoning: 'g',
} as const;

const line = (code: (typeof partCodes)[keyof typeof partCodes], value: unknown) => `${code}:${JSON.stringify(value)}\n`;

const legacyUsage = (usage: LanguageModelUsage | undefined) => ({
  promptTokens: usage?.inputTokens ?? 0,
  completionTokens: usage?.outputTokens ?? 0,
});

export function encodePart(part: TextStreamPart<ToolSet>, messageId: () => string): string | undefined {
  switch (part.type) {
    case 'start-step':
      return line(partCodes.startStep, { messageId: messageId() });
    case 'text-delta':
      return part.text ? line(partCodes.text, part.text) : undefined;
    case 'reasoning-delta':
      return part.text ? line(partCodes.reasoning, part.text) : undefined;
    case 'tool-input-start':
      return line(partCodes.toolCallStart, { toolCallId: part.id, toolName: part.toolName });
    case 'tool-input-delta':
      return line(partCodes.toolCallDelta, { toolCallId: part.id, argsTextDelta: part.delta });
    case 'tool-call':
      return line(partCodes.toolCall, { toolCallId: part.toolCallId, toolName: part.toolName, args: part.input });
    case 'tool-result':
      return line(partCodes.toolResult, { toolCallId: part.toolCallId, result: part.output });
    case 'tool-error':
      return line(partCodes.toolResult, {
        toolCallId: part.toolCallId,
        result: { error: String(errorMessage(part.error)) },
      });
    case 'tool-output-denied':
      return line(partCodes.toolResult, { toolCallId: part.toolCallId, result: { denied: true } });
    case 'finish-step':
      return line(partCodes.finishStep, {
        finishReason: part.finishReason,
        usage: legacyUsage(part.usage),
        isContinued: false,
      });
    case 'finish':
      return line(partCodes.finishMessage, { finishReason: part.finishReason, usage: legacyUsage(part.totalUsage) });
    case 'error':
      return line(partCodes.error, streamErrorText(part.error));
    default:
      return undefined; // parts AI SDK 4 clients have no code for
  }
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : error);

/** A mid-stream notice: a budget warning as a data part (`2:`), pacing as a message annotation (`8:`). */
const encodeNotice = (part: NoticePart) =>
  part.notice.type === 'budget_warning'
    ? line(partCodes.data, [part.notice])
    : line(partCodes.annotations, [part.notice]);

export function encodeDataStream(
  parts: ReadableStream<TextStreamPart<ToolSet> | NoticePart>,
  options: { notices?: StreamNotice[]; generateMessageId: () => string },
): ReadableStream<string> {
  let noticesSent = false;
  return parts.pipeThrough(
    new TransformStream<TextStreamPart<ToolSet> | NoticePart, string>({
      transform(part, controller) {
        if (part.type === 'notice') return controller.enqueue(encodeNotice(part));
        const encoded = encodePart(part, options.generateMessageId);
        if (encoded) controller.enqueue(encoded);
        // Annotations attach to the message the first step opened.
        if (part.type === 'start-step' && !noticesSent && options.notices?.length) {
          noticesSent = true;
          controller.enqueue(line(partCodes.annotations, options.notices));
        }
      },
    }),
  );
}
