// AI SDK 4 `useChat` messages (`content` plus optional `toolInvocations`) and their
// conversion to the model messages the current AI SDK takes.
import { z } from 'zod';
import type { ModelMessage, AssistantModelMessage, ToolModelMessage } from 'ai';

const toolInvocationSchema = z.object({
  state: z.enum(['partial-call', 'call', 'result']),
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  args: z.unknown(),
  result: z.unknown().optional(),
  step: z.number().optional(),
});

export const legacyMessageSchema = z.looseObject({
  id: z.string().optional(),
  role: z.enum(['system', 'user', 'assistant', 'data']),
  content: z.string(),
  toolInvocations: z.array(toolInvocationSchema).optional(),
});
export type LegacyMessage = z.infer<typeof legacyMessageSchema>;
export type LegacyToolInvocation = z.infer<typeof toolInvocationSchema>;

export function legacyToModelMessages(messages: LegacyMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'data':
        break; // data messages carry UI state only
      case 'system':
      case 'user':
        out.push({ role: message.role, content: message.content });
        break;
      case 'assistant':
        out.push(...assistantWithTools(message));
        break;
    }
  }
  return out;
}

function assistantWithTools(message: LegacyMessage): ModelMessage[] {
  const invocations = (message.toolInvocations ?? []).filter((t) => t.state !== 'partial-call');
  const assistant: AssistantModelMessage = {
    role: 'assistant',
    content: [
      ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
      ...invocations.map((t) => ({
        type: 'tool-call' as const,
        toolCallId: t.toolCallId,
        toolName: t.toolName,
        input: t.args,
      })),
    ],
  };
  const answered = invocations.filter((t) => t.state === 'result');
  if (answered.length === 0) return [assistant];
  const results: ToolModelMessage = {
    role: 'tool',
    content: answered.map((t) => ({
      type: 'tool-result' as const,
      toolCallId: t.toolCallId,
      toolName: t.toolName,
      output: { type: 'json' as const, value: (t.result ?? null) as never },
    })),
  };
  return [assistant, results];
}
