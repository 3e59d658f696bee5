// The deployment's tools as the AI SDK sees them for one request. Automatic tools run
// server-side in the loop. Tools that need confirmation: with the UI message stream they
// go through the AI SDK's tool approval (the client approves or denies, the server runs
// it on the next request); with AI SDK 4 clients they are client-side tools whose answer
// comes back as the tool result (see legacy-confirmations.ts). Confirmed runs happen at
// most once per tool call. A tool's own errors never reach the model or the client.
import { tool, type ToolSet } from 'ai';
import type { ToolContext, ToolDefinition } from './tool-definition.js';
import { runOnce, type ToolRunStore } from './tool-runs.js';
import { ToolFailure, toolFailures } from './tool-failure.js';
import type { WireProtocol } from '../chat/chat-request.js';
import type { ServiceLogger } from '../observability/logger.js';

export interface RequestToolContext {
  userId: string;
  sessionId: string;
}

export class ToolRegistry {
  private readonly byName: Map<string, ToolDefinition>;

  private readonly clock: () => number;
  private readonly logger?: Pick<ServiceLogger, 'error'>;

  constructor(
    definitions: ToolDefinition[],
    private readonly runs: ToolRunStore,
    options: { clock?: () => number; logger?: Pick<ServiceLogger, 'error'> } = {},
  ) {
    this.byName = new Map(definitions.map((d) => [d.name, d]));
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger;
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

  /**
   * Runs a tool; a confirmed tool runs once per call, later calls get the recorded output.
   * Throws only a ToolFailure: anything else is logged and replaced by a generic text.
   */
  run(definition: ToolDefinition, input: unknown, context: ToolContext): Promise<unknown> {
    return this.guarded(definition.name, context, async () => {
      if (definition.confirmation === 'automatic') return definition.execute(input, context);
      const outcome = await runOnce(
        this.runs,
        context.userId,
        context.toolCallId,
        definition.name,
        () => definition.execute(input, context),
        this.clock,
      );
      if (outcome.state === 'in_progress') throw toolFailures.unknownOutcome();
      return outcome.output;
    });
  }

  /** The recorded output of a confirmed call that ran before; never runs it. Throws only a ToolFailure. */
  recordedOutput(toolName: string, context: ToolContext): Promise<{ output: unknown } | undefined> {
    return this.guarded(toolName, context, async () => {
      const recorded = await this.runs.outputOf(context.userId, context.toolCallId);
      return recorded === 'in_progress' ? undefined : recorded;
    });
  }

  private async guarded<T>(toolName: string, context: ToolContext, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof ToolFailure) throw err;
      this.logger?.error('tool failed', {
        tool: toolName,
        toolCallId: context.toolCallId,
        sessionId: context.sessionId,
        error: err as Error,
      });
      throw toolFailures.failed(toolName);
    }
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
