// Reads streamed responses with the clients' own parsers: AI SDK 4's processDataStream
// for the data stream protocol, the current `ai` package's parsers for the UI stream.
import { processDataStream } from '@ai-sdk/ui-utils';
import {
  parseJsonEventStream,
  readUIMessageStream,
  uiMessageChunkSchema,
  type UIMessage,
  type UIMessageChunk,
} from 'ai';

export interface DataStreamRead {
  text: string;
  textParts: string[];
  errors: string[];
  annotations: unknown[];
  /** `2:` data parts' values, in order. */
  data: unknown[];
  /** The kinds of parts as they arrived (text, data, error, annotations, ...). */
  order: string[];
  toolCalls: Array<{ toolCallId: string; toolName: string; args: unknown }>;
  toolResults: Array<{ toolCallId: string; result: unknown }>;
  finishSteps: Array<{ finishReason: string; usage?: { promptTokens: number; completionTokens: number } }>;
  finishMessage?: { finishReason: string; usage?: { promptTokens: number; completionTokens: number } };
}

export async function readDataStream(body: ReadableStream<Uint8Array>): Promise<DataStreamRead> {
  const read: DataStreamRead = {
    text: '',
    textParts: [],
    errors: [],
    annotations: [],
    data: [],
    order: [],
    toolCalls: [],
    toolResults: [],
    finishSteps: [],
  };
  await processDataStream({
    stream: body,
    onTextPart: (text) => {
      read.text += text;
      read.textParts.push(text);
      read.order.push('text');
    },
    onDataPart: (data) => {
      read.data.push(...data);
      read.order.push('data');
    },
    onErrorPart: (error) => {
      read.errors.push(error);
      read.order.push('error');
    },
    onMessageAnnotationsPart: (annotations) => {
      read.annotations.push(...annotations);
      read.order.push('annotations');
    },
    onToolCallPart: (call) => void read.toolCalls.push(call),
    onToolResultPart: (result) => void read.toolResults.push(result),
    onFinishStepPart: (step) => void read.finishSteps.push(step),
    onFinishMessagePart: (message) => {
      read.finishMessage = message;
    },
  });
  return read;
}

export interface UiStreamRead {
  chunks: UIMessageChunk[];
  message?: UIMessage;
  text: string;
  errors: string[];
}

/** `message`: the assistant message a continuation adds to (what useChat passes after a tool approval). */
export async function readUiStream(
  body: ReadableStream<Uint8Array>,
  options: { message?: UIMessage } = {},
): Promise<UiStreamRead> {
  const chunks: UIMessageChunk[] = [];
  const parsed = parseJsonEventStream({ stream: body, schema: uiMessageChunkSchema }).pipeThrough(
    new TransformStream({
      transform(result, controller) {
        if (!result.success) throw result.error; // every chunk must match the schema
        chunks.push(result.value);
        controller.enqueue(result.value);
      },
    }),
  );
  let message: UIMessage | undefined;
  const clientErrors: unknown[] = [];
  for await (const state of readUIMessageStream({
    stream: parsed,
    message: options.message ? structuredClone(options.message) : undefined,
    onError: (e) => clientErrors.push(e),
  }))
    message = state;
  const errorTexts = new Set(chunks.flatMap((c) => (c.type === 'error' ? [c.errorText] : [])));
  // Error chunks reach onError too; anything else means the client could not apply a chunk.
  const unexpected = clientErrors.filter((e) => !errorTexts.has((e as Error).message));
  if (unexpected.length) throw unexpected[0];
  const text = (message?.parts ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('');
  const errors = chunks.flatMap((c) => (c.type === 'error' ? [c.errorText] : []));
  return { chunks, message, text, errors };
}

export const words = (count: number) => Array.from({ length: count }, (_, i) => `w${i + 1}`).join(' ');
