// Lambda entry point of the chat stream (Function URL, RESPONSE_STREAM invoke mode).
// Thin: adapts the event and response stream to the service and back.
import { streamifyResponse, type ResponseStream } from 'lambda-stream';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { errorResponse } from '../http/errors.js';
import { buildChatStreamHandler } from '../chat/build-chat-stream.js';
import type { ChatStreamHandler, ChatStreamResponse } from '../chat/chat-stream-service.js';
import { serviceRequestFrom } from './function-url-event.js';
import { clientGoneSignal, writeStreamedResponse } from './write-streamed-response.js';

let service: ChatStreamHandler | undefined;

export const handler = streamifyResponse(async (event: LambdaFunctionURLEvent, responseStream: ResponseStream) => {
  const clientGone = clientGoneSignal(responseStream);
  let response: ChatStreamResponse;
  try {
    service ??= buildChatStreamHandler();
    response = await service(serviceRequestFrom(event), clientGone);
  } catch (err) {
    console.error(JSON.stringify({ level: 'ERROR', message: 'chat-stream cold start failed', error: String(err) }));
    response = { ...errorResponse(err), done: Promise.resolve() };
  }
  try {
    await writeStreamedResponse(responseStream, response);
  } catch (err) {
    // A client that went away ends the pipeline early; the body's end hook settles it.
    if (!clientGone.aborted) throw err;
  } finally {
    await response.done;
  }
});
