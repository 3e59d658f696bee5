// An AI SDK 4 chat client made of the functions AI SDK 4's useChat runs (`callChatApi`,
// `updateToolCallResult` from `@ai-sdk/ui-utils` 1.x): it sends the body useChat sends and
// applies the stream to its messages as useChat does, so a test sees what a user's
// browser would hold.
import { randomUUID } from 'node:crypto';
import { callChatApi, updateToolCallResult, type UIMessage } from '@ai-sdk/ui-utils';

export class LegacyChat {
  readonly messages: UIMessage[] = [];

  constructor(
    private readonly url: string,
    private readonly token: string,
    readonly id = `chat-${randomUUID().slice(0, 8)}`,
  ) {}

  send(text: string): Promise<UIMessage> {
    this.messages.push({ id: randomUUID(), role: 'user', content: text, parts: [{ type: 'text', text }] });
    return this.request();
  }

  /** `addToolResult({ toolCallId, result })`, then the automatic resubmission. */
  answer(toolCallId: string, result: unknown): Promise<UIMessage> {
    updateToolCallResult({ messages: this.messages, toolCallId, toolResult: result });
    return this.request();
  }

  private async request(): Promise<UIMessage> {
    const lastMessage = this.messages.at(-1);
    let finished: UIMessage | undefined;
    await callChatApi({
      api: this.url,
      // useChat's default body: the chat id and the messages without extra fields.
      body: {
        id: this.id,
        messages: this.messages.map(({ role, content, toolInvocations, parts }) => ({
          role,
          content,
          ...(toolInvocations ? { toolInvocations } : {}),
          parts,
        })),
      },
      streamProtocol: 'data',
      credentials: undefined,
      headers: { authorization: `Bearer ${this.token}` },
      abortController: undefined,
      restoreMessagesOnFailure: () => {},
      onResponse: undefined,
      onUpdate: () => {},
      onFinish: (message) => {
        finished = message as UIMessage;
      },
      onToolCall: undefined,
      generateId: () => randomUUID(),
      fetch: undefined,
      lastMessage,
    });
    if (!finished) throw new Error('the stream did not finish');
    // A response to an assistant message continues it; otherwise it is a new message.
    if (lastMessage?.role === 'assistant') this.messages[this.messages.length - 1] = finished;
    else this.messages.push(finished);
    return finished;
  }
}
