// Checks an AI SDK tool approval signature before `streamText` sees it. `streamText`
// verifies it too, but a failure there throws and ends the stream with a provider error;
// checked first, a bad approval becomes a tool error the model and the client can read.
// Mirrors `ai` 7's `tool-approval-signature.ts` (payload "ai-sdk-tool-approval-v1"): if
// the AI SDK changes its format, every approval fails here and the approval tests fail.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export interface SignedApproval {
  approvalId: string;
  toolCallId: string;
  toolName: string;
  input: unknown;
  signature: string | undefined;
}

export function approvalSignatureValid(secret: Buffer, approval: SignedApproval): boolean {
  if (!approval.signature) return false;
  const inputDigest = createHash('sha256').update(canonicalJson(approval.input)).digest('base64url');
  const payload = JSON.stringify([
    'ai-sdk-tool-approval-v1',
    approval.approvalId,
    approval.toolCallId,
    approval.toolName,
    inputDigest,
  ]);
  const expected = createHmac('sha256', secret).update(payload).digest();
  const given = Buffer.from(approval.signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
