// AI SDK 4 clients confirm a tool with `addToolResult`: the tool call comes back with the
// user's answer as its result. Before the model runs again, each answer is checked: the
// call must be one this server streamed to this user in this chat (its signed id, see
// signed-call-id.ts). Only the request's last message may run tools: a "yes" there runs
// the tool (once per call, within the step budget) and the answer is replaced by what
// the tool returned; a "no" becomes a refusal the model can read. Answers further back
// are history: they show the recorded outcome and never run anything.
import type { LegacyMessage, LegacyToolInvocation } from '../chat/legacy-messages.js';
import type { ToolRegistry, RequestToolContext } from './tool-registry.js';
import { verifiedCallId } from './signed-call-id.js';
import { ToolFailure, toolFailures } from './tool-failure.js';

/** true for yes, false for no, undefined when the result is not an answer. */
function confirmationAnswer(result: unknown): boolean | undefined {
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

/** Every answered confirmation the request carries, in any message. */
export function countAnsweredConfirmations(registry: ToolRegistry, messages: LegacyMessage[]): number {
  return messages.reduce(
    (count, m) => count + (m.toolInvocations ?? []).filter((t) => isAnsweredConfirmation(registry, t)).length,
    0,
  );
}

/** What became of an answered confirmation, told to the client by the id it holds. */
export interface ConfirmationOutcome {
  toolCallId: string;
  toolName: string;
  input: unknown;
  outcome: { result: unknown } | { failure: ToolFailure };
}

export interface LegacyResolution {
  /** For the model: answers replaced by outcomes, signed ids by the ids the model gave. */
  messages: LegacyMessage[];
  /** Outcomes of the answers in the last message. */
  outcomes: ConfirmationOutcome[];
  /** Confirmed calls this request ran or replayed: each takes one of the stream's steps. */
  runs: number;
}

export interface ResolveOptions {
  request: RequestToolContext;
  callKey: Buffer;
  /** The stream's steps: at most this many confirmed calls run. */
  maxRuns: number;
}

export async function resolveConfirmations(
  registry: ToolRegistry,
  messages: LegacyMessage[],
  options: ResolveOptions,
): Promise<LegacyResolution> {
  const resolution: LegacyResolution = { messages: [], outcomes: [], runs: 0 };
  for (const [index, message] of messages.entries()) {
    if (message.role !== 'assistant' || !message.toolInvocations?.length) {
      resolution.messages.push(message);
      continue;
    }
    const answeredNow = index === messages.length - 1;
    const toolInvocations: LegacyToolInvocation[] = [];
    for (const invocation of message.toolInvocations) {
      const modelId = verifiedCallId(options.callKey, { ...invocation, input: invocation.args });
      if (!isAnsweredConfirmation(registry, invocation)) {
        toolInvocations.push({ ...invocation, toolCallId: modelId ?? invocation.toolCallId });
        continue;
      }
      const outcome = answeredNow
        ? await answer(registry, invocation, modelId !== undefined, resolution, options)
        : await earlierAnswer(registry, invocation, modelId !== undefined, options.request);
      if (answeredNow) resolution.outcomes.push({ ...invocation, input: invocation.args, outcome });
      const result = 'result' in outcome ? outcome.result : { error: outcome.failure.message };
      toolInvocations.push({ ...invocation, toolCallId: modelId ?? invocation.toolCallId, result });
    }
    resolution.messages.push({ ...message, toolInvocations });
  }
  return resolution;
}

const declined = { result: { denied: true, message: 'The user declined to run this tool.' } };

async function answer(
  registry: ToolRegistry,
  invocation: LegacyToolInvocation,
  verified: boolean,
  resolution: LegacyResolution,
  { request, maxRuns }: ResolveOptions,
): Promise<ConfirmationOutcome['outcome']> {
  if (!verified) return { failure: toolFailures.unverified() };
  if (!confirmationAnswer(invocation.result)) return declined;
  if (resolution.runs >= maxRuns) return { failure: toolFailures.overStepLimit(maxRuns) };
  resolution.runs += 1;
  const definition = registry.get(invocation.toolName)!;
  const input = definition.inputSchema.safeParse(invocation.args);
  if (!input.success) {
    const issues = input.error.issues.map((i) => i.message).join('; ');
    return { failure: new ToolFailure(`invalid arguments for ${invocation.toolName}: ${issues}`) };
  }
  try {
    return { result: await registry.run(definition, input.data, { ...request, toolCallId: invocation.toolCallId }) };
  } catch (err) {
    return { failure: err instanceof ToolFailure ? err : toolFailures.failed(invocation.toolName) };
  }
}

async function earlierAnswer(
  registry: ToolRegistry,
  invocation: LegacyToolInvocation,
  verified: boolean,
  request: RequestToolContext,
): Promise<ConfirmationOutcome['outcome']> {
  if (!verified) return { failure: toolFailures.unverified() };
  if (!confirmationAnswer(invocation.result)) return declined;
  try {
    const recorded = await registry.recordedOutput(invocation.toolName, {
      ...request,
      toolCallId: invocation.toolCallId,
    });
    return recorded ? { result: recorded.output } : { failure: toolFailures.notRunEarlier() };
  } catch (err) {
    return { failure: err instanceof ToolFailure ? err : toolFailures.failed(invocation.toolName) };
  }
}
