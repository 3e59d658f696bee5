// Writes a service response to a Lambda response stream: status and headers through the
// HttpResponseStream metadata prelude, then the body bytes as they come.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { ServiceResponse } from '../http/types.js';
import { lambdaRuntime } from './lambda-runtime.js';

/** Aborts when the client goes away before the response was fully written. */
export function clientGoneSignal(responseStream: Writable): AbortSignal {
  const gone = new AbortController();
  const onClose = () => {
    if (!responseStream.writableFinished) gone.abort();
  };
  responseStream.once('close', onClose);
  responseStream.once('error', onClose);
  return gone.signal;
}

export async function writeStreamedResponse(responseStream: Writable, response: ServiceResponse): Promise<void> {
  const out = lambdaRuntime().HttpResponseStream.from(responseStream, {
    statusCode: response.statusCode,
    headers: response.headers,
  });
  const body =
    typeof response.body === 'string'
      ? Readable.from([Buffer.from(response.body)])
      : Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
  await pipeline(body, out);
}
