// Serves a streaming Lambda handler the way a Function URL does: builds the 2.0 event,
// invokes the exported handler with a response stream, reads the metadata prelude into
// the HTTP status and headers, and writes body bytes to the socket as they arrive.
// A client that disconnects destroys the response stream, as the runtime would.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { functionUrlEvent } from './function-url-event.js';
import { LocalResponseStream, httpIntegrationContentType, isStreamingHandler } from './lambda-response-stream.js';
import { PreludeParser } from './prelude-parser.js';
import { isPreflight, preflightHeaders, responseCorsHeaders, type FunctionUrlCors } from './function-url-cors.js';

export type StreamingLambdaHandler = (
  event: LambdaFunctionURLEvent,
  responseStream: LocalResponseStream,
  context: Context,
) => Promise<unknown>;

export interface FunctionUrlOptions {
  functionName: string;
  /** Route patterns this function answers, e.g. `/api/ai/*`. */
  routes: string[];
  handler: StreamingLambdaHandler;
  cors: FunctionUrlCors;
  timeoutMs?: number;
}

/** Function URLs accept request payloads up to 6 MB; the handler applies its own, smaller cap. */
export const functionUrlPayloadLimit = 6 * 1024 * 1024;

export function registerFunctionUrl(app: FastifyInstance, options: FunctionUrlOptions): void {
  if (!isStreamingHandler(options.handler)) {
    throw new Error(
      `${options.functionName}: handler is not wrapped with streamifyResponse (install the local awslambda global first)`,
    );
  }
  for (const url of options.routes) {
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url,
      handler: (request, reply) => invoke(options, request, reply),
    });
  }
}

/** A Lambda context as the runtime passes it (what Powertools reads for its log keys). */
export function lambdaContext(functionName: string, timeoutMs: number, requestId: string): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function invoke(options: FunctionUrlOptions, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const headers = request.headers as Record<string, string | undefined>;
  if (isPreflight(request.method, headers)) {
    await reply.code(200).headers(preflightHeaders(options.cors, headers)).send();
    return;
  }
  reply.hijack();
  const raw = reply.raw;
  const event = functionUrlEvent({
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: Buffer.isBuffer(request.body) ? request.body : undefined,
    sourceIp: request.ip,
  });
  // As a Function URL does: every answer names its invocation (the request id in the logs).
  const responseHeaders = {
    ...responseCorsHeaders(options.cors, headers),
    'x-amzn-requestid': event.requestContext.requestId,
  };
  const parser = new PreludeParser();

  const writeBody = async (bytes: Buffer) => {
    if (!raw.headersSent) raw.writeHead(200, { 'content-type': responseStream.contentType, ...responseHeaders });
    if (!raw.write(bytes)) await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
  };
  const responseStream = new LocalResponseStream({
    async write(bytes) {
      if (responseStream.contentType !== httpIntegrationContentType) return writeBody(bytes);
      for (const part of parser.push(bytes)) {
        if (part.kind === 'metadata') {
          const setCookie = part.metadata.cookies?.length ? { 'set-cookie': part.metadata.cookies } : {};
          raw.writeHead(part.metadata.statusCode, { ...part.metadata.headers, ...setCookie, ...responseHeaders });
        } else {
          await writeBody(part.bytes);
        }
      }
    },
  });
  raw.once('close', () => {
    if (!raw.writableFinished) responseStream.destroy(new Error('client disconnected'));
  });

  try {
    await options.handler(
      event,
      responseStream,
      lambdaContext(options.functionName, options.timeoutMs ?? 900_000, event.requestContext.requestId),
    );
    if (!responseStream.writableEnded) responseStream.end();
    await finished(responseStream);
    if (!raw.headersSent) raw.writeHead(200, { 'content-type': responseStream.contentType, ...responseHeaders });
    raw.end();
  } catch (err) {
    if (raw.destroyed) return; // the client left; the handler saw its stream destroyed
    request.log.error({ err }, `${options.functionName} failed`);
    if (raw.headersSent) {
      raw.destroy(err as Error);
    } else {
      raw.writeHead(502, { 'content-type': 'application/json', ...responseHeaders });
      raw.end(JSON.stringify({ error: { type: 'function_error', message: `${options.functionName} failed` } }));
    }
  }
}
