// A Lambda-compatible response stream for local runs, and the global `awslambda` that the
// Node runtime provides in AWS. `HttpResponseStream.from` behaves as the runtime's does:
// it marks the stream as an HTTP integration response and, right before the first body
// bytes, writes the JSON metadata prelude followed by 8 NUL bytes.
import { Writable } from 'node:stream';
import type { AwsLambdaGlobal, HttpResponseMetadata } from '../functions/lambda/lambda-runtime.js';

export const httpIntegrationContentType = 'application/vnd.awslambda.http-integration-response';
export const preludeDelimiter = Buffer.alloc(8);

const streamingMarker = Symbol.for('aws.lambda.runtime.handler.streaming');

/** What the emulator receives: raw bytes exactly as the runtime would send them, and the content type. */
export interface ResponseSink {
  write(bytes: Buffer): Promise<void>;
}

export class LocalResponseStream extends Writable {
  contentType = 'application/octet-stream';
  beforeFirstWrite?: (write: (bytes: Buffer) => void) => void;
  private started = false;

  constructor(private readonly sink: ResponseSink) {
    super();
  }

  setContentType(contentType: string): void {
    this.contentType = contentType;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const pieces: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      this.beforeFirstWrite?.((bytes) => pieces.push(bytes));
    }
    pieces.push(chunk);
    this.sink.write(Buffer.concat(pieces)).then(() => callback(), callback);
  }
}

export const localAwsLambda: AwsLambdaGlobal = {
  streamifyResponse(handler) {
    Object.defineProperty(handler, streamingMarker, { value: 'response' });
    return handler;
  },
  HttpResponseStream: {
    from(stream: Writable, metadata: HttpResponseMetadata) {
      if (!(stream instanceof LocalResponseStream))
        throw new TypeError('HttpResponseStream.from expects the response stream');
      stream.setContentType(httpIntegrationContentType);
      stream.beforeFirstWrite = (write) => {
        write(Buffer.from(JSON.stringify(metadata)));
        write(preludeDelimiter);
      };
      return stream;
    },
  },
};

/**
 * Installs the global before any handler module loads (handlers check for it at import).
 * Other libraries (the AWS SDK's invoke store) may already have put an object there, so
 * the streaming members are added to it rather than replacing it.
 */
export function installLocalAwsLambda(): void {
  const scope = globalThis as unknown as { awslambda?: Partial<AwsLambdaGlobal> };
  scope.awslambda ??= {};
  const runtime = scope.awslambda;
  runtime.streamifyResponse ??= localAwsLambda.streamifyResponse;
  runtime.HttpResponseStream ??= localAwsLambda.HttpResponseStream;
}

export const isStreamingHandler = (handler: unknown): boolean =>
  typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[streamingMarker] === 'response';
