// The deployment's tools as the AI SDK sees them for one request. Automatic tools run
// server-side in the loop. Tools that need confirmation: with the UI message stream they
// go through the AI SDK's tool approval (the client approves or denies, the server runs
// it on the next request); with AI SDK 4 clients they are client-side tools whose answer
// comes back as the tool result (see legacy-confirmations.ts). Confirmed runs happen at
// most once per tool call.
import { tool, type ToolSet } from 'ai';
import type { ToolContext, ToolDefinition } from './tool-definition.js';
import { runOnce, type ToolRunStore } from './tool-runs.js';
import type { WireProtocol } from '../chat/chat-request.js';

export interface RequestToolContext {
  userId: string;
  sessionId: string;
}

export class ToolRegistry {
  private readonly byName: Map<string, ToolDefinition>;

  constructor(
    definitions: ToolDefinition[],
    private readonly runs: ToolRunStore,
    private readonly clock: () => number = Date.now,
  ) {
    this.byName = new Map(definitions.map((d) => [d.name, d]));
  }

  get size(): number {
    return this.byName.size;
  }

  get(name: string): ToolDefinition | undefined {
    return this.byName.get(name);
  }

  needsConfirmation(name: string): boolean {
    return this.byName.get(name)?.confirmation === 'user';
  }

  /** Runs a tool; a confirmed tool runs once per call, later calls get the recorded output. */
  async run(definition: ToolDefinition, input: unknown, context: ToolContext): Promise<unknown> {
    if (definition.confirmation === 'automatic') return definition.execute(input, context);
    const outcome = await runOnce(
      this.runs,
      context.userId,
      context.toolCallId,
      definition.name,
      () => definition.execute(input, context),
      this.clock,
    );
    if (outcome.state === 'in_progress')
      throw new Error(`tool call ${context.toolCallId} was started before and its outcome is unknown`);
    return outcome.output;
  }

  toolSet(request: RequestToolContext, protocol: WireProtocol): ToolSet {
    const set: ToolSet = {};
    for (const definition of this.byName.values()) {
      const clientAnswered = protocol === 'data' && definition.confirmation === 'user';
      set[definition.name] = clientAnswered
        ? tool({ description: definition.description, inputSchema: definition.inputSchema })
        : tool({
            description: definition.description,
            inputSchema: definition.inputSchema,
            execute: (input: unknown, options: { toolCallId: string }) =>
              this.run(definition, input, { ...request, toolCallId: options.toolCallId }),
          });
    }
    return set;
  }

  /** The AI SDK approval configuration: tools that need the user's confirmation. */
  approvals(): Record<string, 'user-approval'> {
    return Object.fromEntries(
      [...this.byName.values()].filter((d) => d.confirmation === 'user').map((d) => [d.name, 'user-approval' as const]),
    );
  }
}
