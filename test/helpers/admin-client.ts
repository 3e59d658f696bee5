// Calls the local admin API with its bearer token.
import type { LocalStack } from '../../local/local-stack.js';

export interface AdminCall {
  method?: string;
  body?: unknown;
  /** Sent as is (with a JSON content type), instead of `body`. */
  rawBody?: string;
  token?: string | null;
}

export async function admin<T = unknown>(
  stack: Pick<LocalStack, 'adminUrl' | 'adminToken'>,
  path: string,
  call: AdminCall = {},
): Promise<{ status: number; body: T }> {
  const token = call.token === undefined ? stack.adminToken : call.token;
  const body = call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
  const response = await fetch(`${stack.adminUrl}${path}`, {
    method: call.method ?? 'GET',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}
