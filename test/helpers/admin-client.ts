// Calls the local admin API with its bearer token.
import type { LocalStack } from '../../local/local-stack.js';

export interface AdminCall {
  method?: string;
  body?: unknown;
  token?: string | null;
}

export async function admin<T = unknown>(
  stack: LocalStack,
  path: string,
  call: AdminCall = {},
): Promise<{ status: number; body: T }> {
  const token = call.token === undefined ? stack.adminToken : call.token;
  const response = await fetch(`${stack.adminUrl}${path}`, {
    method: call.method ?? 'GET',
    headers: {
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}
