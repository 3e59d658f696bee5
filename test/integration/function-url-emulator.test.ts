// The local Function URL honours the Lambda streaming contract: the metadata prelude
// becomes the HTTP status, headers and cookies; body bytes flow as they are written;
// preflights are answered by the URL itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { installLocalAwsLambda, type LocalResponseStream } from '../../local/lambda-response-stream.js';
import { registerFunctionUrl, type StreamingLambdaHandler } from '../../local/function-url-emulator.js';
import { defaultLocalCors } from '../../local/function-url-cors.js';
import { lambdaRuntime } from '../../functions/lambda/lambda-runtime.js';

installLocalAwsLambda();
const runtime = lambdaRuntime();
const seenEvents: LambdaFunctionURLEvent[] = [];
let release: () => void = () => undefined;

const handler = runtime.streamifyResponse(async (event: LambdaFunctionURLEvent, stream: LocalResponseStream) => {
  seenEvents.push(event);
  if (event.rawPath === '/teapot') {
    const out = runtime.HttpResponseStream.from(stream, {
      statusCode: 418,
      headers: { 'x-brew': 'tea' },
      cookies: ['cup=full'],
    });
    out.write('first ');
    await new Promise<void>((resolve) => (release = resolve));
    out.end('second');
  } else if (event.rawPath === '/plain') {
    stream.setContentType('text/plain');
    stream.end('no prelude');
  } else {
    throw new Error('boom');
  }
}) as unknown as StreamingLambdaHandler;

let app: FastifyInstance;
let url: string;
beforeAll(async () => {
  app = Fastify({ forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
  registerFunctionUrl(app, {
    functionName: 'fixture',
    routes: ['/*'],
    handler,
    cors: { ...defaultLocalCors, allowOrigins: ['https://app.example'] },
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

describe('local Function URL emulator', () => {
  it('turns the prelude into status, headers and cookies and streams the body before the handler ends', async () => {
    const response = await fetch(`${url}/teapot?a=1&a=2&b=x`, {
      method: 'POST',
      body: '{"k":1}',
      headers: { 'content-type': 'application/json', 'X-Mixed': 'Case' },
    });
    expect(response.status).toBe(418);
    expect(response.headers.get('x-brew')).toBe('tea');
    expect(response.headers.get('set-cookie')).toBe('cup=full');
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first ');
    release(); // the handler is still running: the first bytes came before it finished
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('second');
  });

  it('builds a payload format 2.0 event', () => {
    const event = seenEvents.find((e) => e.rawPath === '/teapot')!;
    expect(event).toMatchObject({
      version: '2.0',
      rawPath: '/teapot',
      rawQueryString: 'a=1&a=2&b=x',
      queryStringParameters: { a: '1,2', b: 'x' },
      body: '{"k":1}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/teapot', sourceIp: '127.0.0.1' } },
    });
    expect(event.headers['x-mixed']).toBe('Case');
  });

  it('passes a stream without prelude through as a 200 with its content type', async () => {
    const response = await fetch(`${url}/plain`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('no prelude');
  });

  it('answers 502 with a JSON error when the handler throws before writing', async () => {
    const response = await fetch(`${url}/throws`);
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: { type: 'function_error', message: 'fixture failed' } });
  });

  it('answers a CORS preflight itself without invoking the function', async () => {
    const invocations = seenEvents.length;
    const response = await fetch(`${url}/teapot`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(seenEvents.length).toBe(invocations);
  });

  it('adds CORS headers only for allowed origins', async () => {
    const allowed = await fetch(`${url}/plain`, { headers: { origin: 'https://app.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-ratelimit-remaining');
    const other = await fetch(`${url}/plain`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
