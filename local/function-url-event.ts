// Builds the event a Lambda Function URL sends (payload format 2.0) from a local request.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

export interface LocalHttpRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer | undefined;
  sourceIp: string;
}

const textualContentType = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json)/i;

const joined = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value);

export function functionUrlEvent(request: LocalHttpRequest, now = new Date()): LambdaFunctionURLEvent {
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies = joined(value)!.split(/;\s*/);
    else headers[name.toLowerCase()] = joined(value)!;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys()))
    queryStringParameters[key] = url.searchParams.getAll(key).join(',');

  const hasBody = request.body !== undefined && request.body.length > 0;
  const isBase64Encoded = hasBody && !textualContentType.test(headers['content-type'] ?? '');
  const host = headers.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0]!,
      http: {
        method: request.method.toUpperCase(),
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: request.body!.toString(isBase64Encoded ? 'base64' : 'utf8') } : {}),
    isBase64Encoded,
  };
}
