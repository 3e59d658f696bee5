// How clients answer a tool confirmation, done to messages the way each useChat does it.
import type { UIMessage } from 'ai';
import type { DataStreamRead } from './protocol-readers.js';

/** What current useChat's addToolApprovalResponse does to the assistant message. */
export function answerApprovals(message: UIMessage, approved: boolean): UIMessage {
  const answered = structuredClone(message);
  for (const part of answered.parts) {
    if ('state' in part && part.state === 'approval-requested')
      Object.assign(part, { state: 'approval-responded', approval: { ...part.approval, approved } });
  }
  return answered;
}

/** What AI SDK 4's addToolResult does: the tool call comes back with the user's answer as its result. */
export function legacyAnswer(read: Pick<DataStreamRead, 'text' | 'toolCalls'>, answer: unknown) {
  return {
    id: 'a1',
    role: 'assistant',
    content: read.text,
    toolInvocations: read.toolCalls.map((call) => ({
      state: 'result',
      step: 0,
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      args: call.args,
      result: answer,
    })),
  };
}
