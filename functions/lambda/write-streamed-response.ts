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
  if (typeof response.body === 'string') {
    await pipeline(Readable.from([Buffer.from(response.body)]), out);
    return;
  }
  const web = response.body;
  try {
    await pipeline(Readable.fromWeb(web as NodeReadableStream<Uint8Array>), out);
  } catch (err) {
    // A pipeline onto a stream that is already gone rejects without cancelling its source:
    // cancel it here, so the body's end hook runs (and settles) at once.
    await web.cancel(err).catch(() => undefined);
    throw err;
  }
}
