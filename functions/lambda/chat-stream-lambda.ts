// Wraps a chat-stream service as a streaming Lambda handler (Function URL, RESPONSE_STREAM).
// Thin: adapts the event and response stream to the service and back.
import { streamifyResponse, type ResponseStream } from 'lambda-stream';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { injectLambdaContext } from '../observability/logger.js';
import { errorResponse } from '../http/errors.js';
import type { ChatStreamHandler, ChatStreamResponse } from '../chat/chat-stream-service.js';
import { serviceRequestFrom } from './function-url-event.js';
import { clientGoneSignal, writeStreamedResponse } from './write-streamed-response.js';

/** `build` runs once, at the first request (the cold start), and its service is reused. */
export function chatStreamLambda(build: () => ChatStreamHandler | Promise<ChatStreamHandler>) {
  let service: Promise<ChatStreamHandler> | undefined;
  return streamifyResponse(async (event: LambdaFunctionURLEvent, responseStream: ResponseStream, context?: Context) => {
    const clientGone = clientGoneSignal(responseStream);
    let response: ChatStreamResponse;
    try {
      service ??= Promise.resolve().then(build);
      const ready = await service.catch((err: unknown) => {
        service = undefined; // a failed cold start is retried by the next request
        throw err;
      });
      if (context) injectLambdaContext('chat-stream', context); // logs carry this invocation's request id
      response = await ready(serviceRequestFrom(event), clientGone);
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
}
