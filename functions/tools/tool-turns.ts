// What the chat stream asks of the tools in one request. Before admission: whether it
// asks for a tool run. After admission: the
// conversation with its confirmations checked (and, for AI SDK 4 clients, resolved), the
// tools, and the settings `streamText` runs them with, all bound to this user and chat.
import type { StreamTextTransform, ToolSet, UIMessage } from 'ai';
import type { ChatMessages, WireProtocol } from '../chat/chat-request.js';
import type { StreamPart } from '../chat/stream-gate.js';
import type { ToolRegistry } from './tool-registry.js';
import type { ConfirmationKeys, ConfirmationScope } from './confirmation-keys.js';
import { answersConfirmation, resolveConfirmations, type ConfirmationOutcome } from './legacy-confirmations.js';
import { checkApprovals } from './ui-approvals.js';
import { toolStreamTransform } from './tool-stream-transform.js';

export interface ToolTurnRequest {
  conversation: ChatMessages;
  protocol: WireProtocol;
  scope: ConfirmationScope;
  sessionId: string;
}

export interface ToolTurn {
  conversation: ChatMessages;
  tools: ToolSet;
  toolApproval?: Record<string, 'user-approval'>;
  approvalSecret: Buffer;
  transform: StreamTextTransform<ToolSet>;
}

export class ToolTurns {
  constructor(
    readonly registry: ToolRegistry,
    private readonly keys: ConfirmationKeys,
  ) {}

  get offered(): boolean {
    return this.registry.size > 0;
  }

  /** Whether the request answers a confirmation in its last message: it asks for a tool run now. */
  asksForRun(conversation: ChatMessages): boolean {
    if (conversation.kind === 'legacy') return answersConfirmation(this.registry, conversation.messages);
    const last: UIMessage | undefined = conversation.messages.at(-1);
    return (
      last?.role === 'assistant' && last.parts.some((part) => 'state' in part && part.state === 'approval-responded')
    );
  }

  async prepare(request: ToolTurnRequest): Promise<ToolTurn> {
    const context = { userId: request.scope.userId, sessionId: request.sessionId };
    const approvalSecret = this.keys.approvalSecret(request.scope);
    const callKey = this.keys.callKey(request.scope);
    const confirmed = this.registry.approvals();
    const checked = await this.checkConfirmations(request, callKey, approvalSecret);
    // Outcomes go to clients of the conversation's own generation, which know those calls.
    const nativeClient = (request.conversation.kind === 'legacy') === (request.protocol === 'data');
    return {
      conversation: checked.conversation,
      tools: this.registry.toolSet(context, request.protocol),
      toolApproval: request.protocol === 'ui' ? confirmed : undefined,
      approvalSecret,
      transform: toolStreamTransform({
        outcomes: nativeClient ? checked.outcomes : [],
        signCalls:
          request.protocol === 'data' ? { key: callKey, toolNames: new Set(Object.keys(confirmed)) } : undefined,
      }),
    };
  }

  private async checkConfirmations(request: ToolTurnRequest, callKey: Buffer, approvalSecret: Buffer) {
    const { conversation, scope, sessionId } = request;
    if (conversation.kind === 'ui') {
      const checked = checkApprovals(conversation.messages, { secret: approvalSecret });
      return {
        conversation: { kind: 'ui', messages: checked.messages } as const,
        ...checked,
        outcomes: checked.refused,
      };
    }
    const resolved = await resolveConfirmations(this.registry, conversation.messages, {
      request: { userId: scope.userId, sessionId },
      callKey,
    });
    return {
      conversation: { kind: 'legacy', messages: resolved.messages } as const,
      outcomes: resolved.outcomes.map(outcomePart),
    };
  }
}

const outcomePart = ({ toolCallId, toolName, input, outcome }: ConfirmationOutcome): StreamPart =>
  ('result' in outcome
    ? { type: 'tool-result', toolCallId, toolName, input, output: outcome.result }
    : { type: 'tool-error', toolCallId, toolName, input, error: outcome.failure }) as StreamPart;
