// AI SDK 4 clients confirm a tool with `addToolResult`: the tool call comes back with the
// user's answer as its result. Before the model runs again, a "yes" runs the tool (once
// per call) and the answer is replaced by what the tool returned; a "no" becomes a
// refusal the model can read. Arguments are checked against the tool's schema first.
import type { LegacyMessage, LegacyToolInvocation } from '../chat/legacy-messages.js';
import type { ToolRegistry, RequestToolContext } from './tool-registry.js';
import { ToolFailure } from './tool-failure.js';

/** true for yes, false for no, undefined when the result is not an answer. */
export function confirmationAnswer(result: unknown): boolean | undefined {
  if (result === true || result === 'yes' || result === 'confirmed') return true;
  if (result === false || result === 'no' || result === 'denied') return false;
  if (result && typeof result === 'object') {
    const answer =
      (result as { confirmed?: unknown; approved?: unknown }).confirmed ?? (result as { approved?: unknown }).approved;
    if (typeof answer === 'boolean') return answer;
  }
  return undefined;
}

const isAnsweredConfirmation = (registry: ToolRegistry, invocation: LegacyToolInvocation) =>
  invocation.state === 'result' &&
  registry.needsConfirmation(invocation.toolName) &&
  confirmationAnswer(invocation.result) !== undefined;

/** Whether this request answers a confirmation (the user wants a tool to run now). */
export function answersConfirmation(registry: ToolRegistry, messages: LegacyMessage[]): boolean {
  const last = messages.at(-1);
  return last?.role === 'assistant' && (last.toolInvocations ?? []).some((t) => isAnsweredConfirmation(registry, t));
}

export async function resolveConfirmations(
  registry: ToolRegistry,
  messages: LegacyMessage[],
  request: RequestToolContext,
): Promise<LegacyMessage[]> {
  const resolved: LegacyMessage[] = [];
  for (const message of messages) {
    if (message.role !== 'assistant' || !message.toolInvocations?.some((t) => isAnsweredConfirmation(registry, t))) {
      resolved.push(message);
      continue;
    }
    const toolInvocations = await Promise.all(
      message.toolInvocations.map(async (invocation) => {
        if (!isAnsweredConfirmation(registry, invocation)) return invocation;
        return { ...invocation, result: await resultFor(registry, invocation, request) };
      }),
    );
    resolved.push({ ...message, toolInvocations });
  }
  return resolved;
}

async function resultFor(
  registry: ToolRegistry,
  invocation: LegacyToolInvocation,
  request: RequestToolContext,
): Promise<unknown> {
  if (!confirmationAnswer(invocation.result)) return { denied: true, message: 'The user declined to run this tool.' };
  const definition = registry.get(invocation.toolName)!;
  const input = definition.inputSchema.safeParse(invocation.args);
  if (!input.success)
    return {
      error: `invalid arguments for ${invocation.toolName}: ${input.error.issues.map((i) => i.message).join('; ')}`,
    };
  try {
    return await registry.run(definition, input.data, { ...request, toolCallId: invocation.toolCallId });
  } catch (err) {
    // The registry fails a run only with a ToolFailure, whose text is safe to show.
    if (err instanceof ToolFailure) return { error: err.message };
    throw err;
  }
}
