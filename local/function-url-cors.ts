// CORS as a Lambda Function URL answers it: preflights are answered by the URL itself
// (the function never runs), and matching origins get the allow/expose headers.
import { streamCors } from '../functions/shared/cors.js';

export interface FunctionUrlCors {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
  allowCredentials?: boolean;
}

export const defaultLocalCors: FunctionUrlCors = {
  allowOrigins: ['*'],
  allowMethods: [...streamCors.allowMethods],
  allowHeaders: [...streamCors.allowHeaders],
  exposeHeaders: [...streamCors.exposeHeaders],
  maxAge: streamCors.maxAgeSeconds,
};

function allowedOrigin(cors: FunctionUrlCors, origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  if (cors.allowOrigins.includes('*')) return cors.allowCredentials ? origin : '*';
  return cors.allowOrigins.includes(origin) ? origin : undefined;
}

export function isPreflight(method: string, headers: Record<string, string | undefined>): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined;
}

export function preflightHeaders(
  cors: FunctionUrlCors,
  headers: Record<string, string | undefined>,
): Record<string, string> {
  const origin = allowedOrigin(cors, headers.origin);
  const method = headers['access-control-request-method']?.toUpperCase() ?? '';
  if (!origin || !(cors.allowMethods.includes('*') || cors.allowMethods.includes(method))) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': cors.allowMethods.join(','),
    'access-control-allow-headers': cors.allowHeaders.join(','),
    'access-control-max-age': String(cors.maxAge),
    ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
    vary: 'Origin',
  };
}

export function responseCorsHeaders(
  cors: FunctionUrlCors,
  headers: Record<string, string | undefined>,
): Record<string, string> {
  const origin = allowedOrigin(cors, headers.origin);
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': cors.exposeHeaders.join(','),
    ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
    vary: 'Origin',
  };
}
