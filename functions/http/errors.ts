// Errors leave the service in one JSON shape, {"error":{"type","message",...}}: inside,
// code throws @hapi/boom errors carrying a machine-readable type and optional headers.
import Boom from '@hapi/boom';
import type { ServiceResponse } from './types.js';

export interface ErrorData {
  type: string;
  headers?: Record<string, string>;
  details?: Record<string, unknown>;
}

export function httpError(
  statusCode: number,
  type: string,
  message: string,
  extra: Omit<ErrorData, 'type'> = {},
): Boom.Boom<ErrorData> {
  return new Boom.Boom<ErrorData>(message, { statusCode, data: { type, ...extra } });
}

export interface ErrorBody {
  error: { type: string; message: string } & Record<string, unknown>;
}

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

const isErrorData = (value: unknown): value is ErrorData =>
  typeof value === 'object' && value !== null && typeof (value as ErrorData).type === 'string';

/** Renders any thrown value as the service's JSON error response; unknown errors become a 500 without internals. */
export function errorResponse(err: unknown): ServiceResponse {
  const boom: Boom.Boom<unknown> = Boom.isBoom(err) ? err : Boom.badImplementation();
  const { statusCode, payload } = boom.output;
  const data = isErrorData(boom.data) ? boom.data : undefined;
  const type = data?.type ?? (statusCode >= 500 ? 'internal_error' : payload.error.toLowerCase().replaceAll(' ', '_'));
  const message = statusCode >= 500 && !data ? 'internal error' : payload.message;
  const { type: _t, message: _m, ...details } = data?.details ?? {};
  const body: ErrorBody = { error: { type, message, ...details } };
  return { statusCode, headers: { ...jsonHeaders, ...data?.headers }, body: JSON.stringify(body) };
}
