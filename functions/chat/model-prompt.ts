// The AI SDK checks a prompt only when the stream starts, after admission: a conversation
// it refuses there would be admitted, reserved for and then end in a provider error. The
// same rules run here, before admission, so such a request is a 400 that costs nothing:
// there is at least one message, and every tool call is answered (by its result, or by the
// user's answer to its approval) before the next user or system message and by the end.
// System messages themselves are fine: the stream passes them to the model where they are.
import type { ModelMessage } from 'ai';
import { httpError } from '../http/errors.js';

const shown = (text: string) => JSON.stringify(text.slice(0, 100));

function unanswered(calls: Map<string, string>) {
  const [toolCallId, toolName] = [...calls][0]!;
  return httpError(
    400,
    'invalid_request',
    `tool call ${shown(toolCallId)} (${shown(toolName)}) has no result: a tool call needs its result, or the user's answer, before the conversation goes on`,
  );
}

/** Throws a 400 for a conversation the model call would refuse. */
export function checkModelPrompt(messages: ModelMessage[]): void {
  if (messages.length === 0) {
    throw httpError(400, 'invalid_request', 'the messages hold nothing for the model: send at least one user message');
  }
  const open = new Map<string, string>(); // tool call id -> tool name, until answered
  const approvals = new Map<string, string>(); // approval id -> tool call id
  for (const message of messages) {
    if (message.role === 'user' || message.role === 'system') {
      if (open.size > 0) throw unanswered(open);
      continue;
    }
    if (typeof message.content === 'string') continue;
    for (const part of message.content) {
      if (part.type === 'tool-call' && !part.providerExecuted) open.set(part.toolCallId, part.toolName);
      else if (part.type === 'tool-approval-request') approvals.set(part.approvalId, part.toolCallId);
      else if (part.type === 'tool-result') open.delete(part.toolCallId);
      else if (part.type === 'tool-approval-response') open.delete(approvals.get(part.approvalId) ?? '');
    }
  }
  if (open.size > 0) throw unanswered(open);
}
