// Small HTTP helpers for talking to the chat-stream endpoint like a browser would.
import type { LocalStack } from '../../local/local-stack.js';

export interface ChatCall {
  provider?: string;
  model?: string;
  protocol?: 'data' | 'ui';
  token?: string;
  body?: unknown;
  rawBody?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export const legacyBody = (text: string) => ({ messages: [{ id: 'm1', role: 'user', content: text }] });
export const uiBody = (text: string) => ({
  id: 'chat-1',
  trigger: 'submit-message',
  messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }],
});

export function chatUrl(
  stack: Pick<LocalStack, 'streamUrl'>,
  call: Pick<ChatCall, 'provider' | 'model' | 'protocol'> = {},
): string {
  const url = new URL(stack.streamUrl);
  url.searchParams.set('provider', call.provider ?? 'local');
  url.searchParams.set('model', call.model ?? 'local-small');
  if (call.protocol) url.searchParams.set('protocol', call.protocol);
  return url.toString();
}

export function postChat(stack: Pick<LocalStack, 'streamUrl'>, call: ChatCall): Promise<Response> {
  return fetch(chatUrl(stack, call), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
      ...call.headers,
    },
    body: call.rawBody ?? JSON.stringify(call.body),
    signal: call.signal,
  });
}
