// What the chat stream asks of the tools in one request. Before admission: a bound on the
// confirmations it answers, and whether it asks for a tool run. After admission: the
// conversation with its confirmations checked (and, for AI SDK 4 clients, resolved), the
// tools, and the settings `streamText` runs them with, all bound to this user and chat.
import type { StreamTextTransform, ToolSet, UIMessage } from 'ai';
import { httpError } from '../http/errors.js';
import type { ChatMessages, WireProtocol } from '../chat/chat-request.js';
import type { StreamPart } from '../chat/stream-gate.js';
import type { ToolRegistry } from './tool-registry.js';
import type { ConfirmationKeys, ConfirmationScope } from './confirmation-keys.js';
import {
  answersConfirmation,
  countAnsweredConfirmations,
  resolveConfirmations,
  type ConfirmationOutcome,
} from './legacy-confirmations.js';
import { checkApprovals, countAnsweredApprovals } from './ui-approvals.js';
import { toolStreamTransform } from './tool-stream-transform.js';

export interface ToolTurnRequest {
  conversation: ChatMessages;
  protocol: WireProtocol;
  scope: ConfirmationScope;
  sessionId: string;
  /** The stream's steps (the tier's maxSteps), shared by model calls and confirmed tool runs. */
  maxSteps: number;
}

export interface ToolTurn {
  conversation: ChatMessages;
  tools: ToolSet;
  toolApproval?: Record<string, 'user-approval'>;
  approvalSecret: Buffer;
  /** Model calls left once the confirmed runs took their steps; at least one, for the answer. */
  modelSteps: number;
  transform: StreamTextTransform<ToolSet>;
}

export class ToolTurns {
  constructor(
    readonly registry: ToolRegistry,
    private readonly keys: ConfirmationKeys,
    /** Answered confirmations one request may carry (MAX_TOOL_CONFIRMATIONS). */
    readonly maxConfirmations: number,
  ) {}

  get offered(): boolean {
    return this.registry.size > 0;
  }

  /** Refuses, before any store work, a request that answers more confirmations than allowed. */
  limitConfirmations(conversation: ChatMessages): void {
    const answered =
      conversation.kind === 'legacy'
        ? countAnsweredConfirmations(this.registry, conversation.messages)
        : countAnsweredApprovals(conversation.messages);
    if (answered > this.maxConfirmations)
      throw httpError(
        400,
        'too_many_confirmations',
        `a request may answer at most ${this.maxConfirmations} tool confirmations; this one answers ${answered}`,
      );
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
      modelSteps: Math.max(1, request.maxSteps - checked.runs),
      transform: toolStreamTransform({
        outcomes: nativeClient ? checked.outcomes : [],
        signCalls:
          request.protocol === 'data' ? { key: callKey, toolNames: new Set(Object.keys(confirmed)) } : undefined,
      }),
    };
  }

  private async checkConfirmations(request: ToolTurnRequest, callKey: Buffer, approvalSecret: Buffer) {
    const { conversation, scope, sessionId, maxSteps } = request;
    if (conversation.kind === 'ui') {
      const checked = checkApprovals(conversation.messages, { secret: approvalSecret, maxRuns: maxSteps });
      return {
        conversation: { kind: 'ui', messages: checked.messages } as const,
        ...checked,
        outcomes: checked.refused,
      };
    }
    const resolved = await resolveConfirmations(this.registry, conversation.messages, {
      request: { userId: scope.userId, sessionId },
      callKey,
      maxRuns: maxSteps,
    });
    return {
      conversation: { kind: 'legacy', messages: resolved.messages } as const,
      runs: resolved.runs,
      outcomes: resolved.outcomes.map(outcomePart),
    };
  }
}

const outcomePart = ({ toolCallId, toolName, input, outcome }: ConfirmationOutcome): StreamPart =>
  ('result' in outcome
    ? { type: 'tool-result', toolCallId, toolName, input, output: outcome.result }
    : { type: 'tool-error', toolCallId, toolName, input, error: outcome.failure }) as StreamPart;
