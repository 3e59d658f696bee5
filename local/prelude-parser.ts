// Reads the bytes a streaming Lambda sends for an HTTP integration response: a JSON
// metadata prelude, 8 NUL bytes, then the body. Yields the metadata once, then body bytes.
import type { HttpResponseMetadata } from '../functions/lambda/lambda-runtime.js';
import { preludeDelimiter } from './lambda-response-stream.js';

export type PreludeEvent = { kind: 'metadata'; metadata: HttpResponseMetadata } | { kind: 'body'; bytes: Buffer };

export class PreludeParser {
  private buffered = Buffer.alloc(0);
  private metadataSeen = false;

  push(bytes: Buffer): PreludeEvent[] {
    if (this.metadataSeen) return bytes.length ? [{ kind: 'body', bytes }] : [];
    this.buffered = Buffer.concat([this.buffered, bytes]);
    const end = this.buffered.indexOf(preludeDelimiter);
    if (end < 0) return [];
    const metadata = parseMetadata(this.buffered.subarray(0, end).toString('utf8'));
    const rest = this.buffered.subarray(end + preludeDelimiter.length);
    this.metadataSeen = true;
    this.buffered = Buffer.alloc(0);
    return rest.length
      ? [
          { kind: 'metadata', metadata },
          { kind: 'body', bytes: rest },
        ]
      : [{ kind: 'metadata', metadata }];
  }
}

function parseMetadata(text: string): HttpResponseMetadata {
  const value = JSON.parse(text) as Partial<HttpResponseMetadata>;
  if (typeof value.statusCode !== 'number') throw new Error('response prelude has no numeric statusCode');
  return { statusCode: value.statusCode, headers: value.headers ?? {}, cookies: value.cookies ?? [] };
}
