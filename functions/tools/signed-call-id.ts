// AI SDK 4 clients confirm a tool by sending the call back with `addToolResult`, and they
// keep the call's `toolCallId` and `args` unchanged (`@ai-sdk/ui-utils` 1.x
// `updateToolCallResult`). So the id the server streams carries a MAC over the call:
// `<id>.<mac>`. A confirmation is valid only for a call this server streamed to this user
// in this chat, with these arguments.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

interface Call {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

// 128 bits: 22 base64url characters.
const macBytes = 16;
const macLength = 22;

const mac = (key: Buffer, call: Call) =>
  createHmac('sha256', key)
    .update(JSON.stringify([call.toolCallId, call.toolName, canonicalJson(call.input)]))
    .digest()
    .subarray(0, macBytes);

export function signCallId(key: Buffer, call: Call): string {
  return `${call.toolCallId}.${mac(key, call).toString('base64url')}`;
}

/** The id the model gave the call, when `toolCallId` is a valid signed id for this call; otherwise undefined. */
export function verifiedCallId(key: Buffer, call: Call): string | undefined {
  const dot = call.toolCallId.lastIndexOf('.');
  if (dot <= 0 || call.toolCallId.length - dot - 1 !== macLength) return undefined;
  const baseId = call.toolCallId.slice(0, dot);
  const given = Buffer.from(call.toolCallId.slice(dot + 1), 'base64url');
  const expected = mac(key, { ...call, toolCallId: baseId });
  return given.length === expected.length && timingSafeEqual(given, expected) ? baseId : undefined;
}
