// Translates a Function URL event (payload format 2.0) into the service's request shape.
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import type { ServiceRequest } from '../http/types.js';

export function serviceRequestFrom(event: LambdaFunctionURLEvent): ServiceRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  if (event.cookies?.length) headers.cookie = event.cookies.join('; ');
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    query: { ...event.queryStringParameters },
    headers,
    body: event.body === undefined ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8'),
    sourceIp: event.requestContext.http.sourceIp,
  };
}
