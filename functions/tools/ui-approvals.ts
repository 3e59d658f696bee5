// Current useChat clients confirm a tool with an AI SDK tool approval; `streamText` runs
// the approved calls of the last message before the model continues. Each approval is
// checked here first: a bad signature (forged, altered, or signed for another user or
// chat) or one call more than the step budget allows becomes a tool error in the history
// the model reads, and a tool error part for the client, instead of a run.
import { getToolOrDynamicToolName, isToolUIPart, type UIMessage } from 'ai';
import type { StreamPart } from '../chat/stream-gate.js';
import { approvalSignatureValid } from './approval-signature.js';
import { toolFailures, type ToolFailure } from './tool-failure.js';

type Part = UIMessage['parts'][number];

export interface ApprovalCheck {
  messages: UIMessage[];
  /** Tool error parts to stream, one per refused approval. */
  refused: StreamPart[];
  /** Approved calls left to run: each takes one of the stream's steps. */
  runs: number;
}

/** Every answered approval the request carries, in any message. */
export function countAnsweredApprovals(messages: UIMessage[]): number {
  return messages.reduce(
    (count, m) => count + m.parts.filter((p) => isToolUIPart(p) && p.state === 'approval-responded').length,
    0,
  );
}

export function checkApprovals(messages: UIMessage[], options: { secret: Buffer; maxRuns: number }): ApprovalCheck {
  const check: ApprovalCheck = { messages, refused: [], runs: 0 };
  const last = messages.at(-1);
  if (last?.role !== 'assistant') return check;
  const parts = last.parts.map((part): Part => {
    if (!isToolUIPart(part) || part.state !== 'approval-responded' || !part.approval.approved) return part;
    const toolName = getToolOrDynamicToolName(part);
    const signed = approvalSignatureValid(options.secret, {
      approvalId: part.approval.id,
      toolCallId: part.toolCallId,
      toolName,
      input: part.input,
      signature: part.approval.signature,
    });
    const failure = !signed
      ? toolFailures.unverified()
      : check.runs >= options.maxRuns
        ? toolFailures.overStepLimit(options.maxRuns)
        : undefined;
    if (!failure) {
      check.runs += 1;
      return part;
    }
    check.refused.push(toolError(part.toolCallId, toolName, part.input, failure));
    // Without its approval the call is an ordinary failed call: nothing is left to run.
    const { approval: _approval, ...call } = part;
    return { ...call, state: 'output-error', errorText: failure.message } as Part;
  });
  return { ...check, messages: [...messages.slice(0, -1), { ...last, parts }] };
}

const toolError = (toolCallId: string, toolName: string, input: unknown, error: ToolFailure) =>
  ({ type: 'tool-error', toolCallId, toolName, input, error }) as StreamPart;
