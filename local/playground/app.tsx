// The playground: a chat on the current @ai-sdk/react useChat against the local service,
// with model choice, live streaming, a confirmation dialog for tools that need one, the
// throttler's limits and refusals in plain words, and the account: balance, reserved
// credit, requests left, and what each answer cost.
import { StrictMode, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useChat } from '@ai-sdk/react';
import {
  DefaultChatTransport,
  getToolName,
  isToolUIPart,
  lastAssistantMessageIsCompleteWithApprovalResponses,
  type UIMessage,
} from 'ai';
import { describeError, parseServiceError } from './describe-error.js';
import { AccountBar, useAccount } from './account-bar.js';
import { MessageView } from './message-view.js';

interface PlaygroundConfig {
  userId: string;
  token: string;
  models: Array<{ provider: string; model: string; available: boolean }>;
}

interface RateLimit {
  limit?: number;
  remaining?: number;
  resetSeconds?: number;
  retryAfter?: number;
}

const header = (response: Response, name: string) => {
  const value = response.headers.get(name);
  return value === null ? undefined : Number(value);
};

function Chat({ config }: { config: PlaygroundConfig }) {
  const firstAvailable = config.models.find((m) => m.available) ?? config.models[0]!;
  const [selected, setSelected] = useState(`${firstAvailable.provider}:${firstAvailable.model}`);
  const [rateLimit, setRateLimit] = useState<RateLimit>({});
  const [input, setInput] = useState('');
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  const transport = useMemo(
    () =>
      new DefaultChatTransport<UIMessage>({
        api: '/api/ai/chat-stream',
        headers: { authorization: `Bearer ${config.token}` },
        prepareSendMessagesRequest: ({ messages, id, body }) => {
          const [provider, ...model] = selectedRef.current.split(':');
          return {
            api: `/api/ai/chat-stream?provider=${provider}&model=${encodeURIComponent(model.join(':'))}&protocol=ui`,
            body: { ...body, id, messages },
          };
        },
        // Read the throttler's headers off every response, admitted or refused.
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          setRateLimit({
            limit: header(response, 'x-ratelimit-limit'),
            remaining: header(response, 'x-ratelimit-remaining'),
            resetSeconds: header(response, 'x-ratelimit-reset'),
            retryAfter: header(response, 'retry-after'),
          });
          return response;
        },
      }),
    [config.token],
  );

  const { messages, sendMessage, addToolApprovalResponse, status, error, stop, clearError } = useChat({
    transport,
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
  });
  const { account, refresh } = useAccount(config.token);
  const sessionIds = useSessionIds(messages);
  // Read the account as a request goes (its reservation shows while it streams) and once it
  // is done (an answer settles before its stream closes, so its cost is known then).
  useEffect(() => {
    if (status !== 'submitted') void refresh();
  }, [status, refresh]);

  const pendingApproval = messages
    .flatMap((m) => (m.role === 'assistant' ? m.parts : []))
    .filter(isToolUIPart)
    .find((part) => part.state === 'approval-requested');

  const errorText = error ? describeError(parseServiceError(error.message), rateLimit.retryAfter) : undefined;

  return (
    <main>
      <header>
        <h1>Streaming AI playground</h1>
        <label>
          Model{' '}
          <select data-testid="model" value={selected} onChange={(e) => setSelected(e.target.value)}>
            {config.models.map((m) => (
              <option key={`${m.provider}:${m.model}`} value={`${m.provider}:${m.model}`} disabled={!m.available}>
                {m.provider} / {m.model}
                {m.available ? '' : ' (no API key)'}
              </option>
            ))}
          </select>
        </label>
      </header>
      <p className="limits" data-testid="limits">
        Signed in as <b>{config.userId}</b>.{' '}
        {rateLimit.limit === undefined
          ? 'Send a message to see your limits.'
          : `${rateLimit.remaining} of ${rateLimit.limit} requests left right now${rateLimit.resetSeconds ? `; all back in ${Math.ceil(rateLimit.resetSeconds / 60)} min` : ''}.`}
      </p>

      <AccountBar account={account} />

      <section className="messages" data-testid="messages">
        {messages.map((message) => (
          <MessageView key={message.id} message={message} sessionIds={sessionIds[message.id] ?? []} account={account} />
        ))}
        {errorText && (
          <div className="error" role="alert" data-testid="error">
            {errorText}{' '}
            <button type="button" onClick={() => clearError()}>
              Dismiss
            </button>
          </div>
        )}
      </section>

      {pendingApproval && pendingApproval.state === 'approval-requested' && (
        <dialog open data-testid="confirm-dialog">
          <p>
            The assistant wants to run <b>{getToolName(pendingApproval)}</b> with
          </p>
          <pre>{JSON.stringify(pendingApproval.input, null, 2)}</pre>
          <button
            type="button"
            data-testid="approve"
            onClick={() => addToolApprovalResponse({ id: pendingApproval.approval.id, approved: true })}
          >
            Allow
          </button>{' '}
          <button
            type="button"
            data-testid="deny"
            onClick={() =>
              addToolApprovalResponse({
                id: pendingApproval.approval.id,
                approved: false,
                reason: 'The user declined.',
              })
            }
          >
            Deny
          </button>
        </dialog>
      )}

      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!input.trim()) return;
          clearError();
          void sendMessage({ text: input });
          setInput('');
        }}
      >
        <input
          type="text"
          data-testid="input"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          placeholder='Try "30 words", "echo: hi" or "call tool saveNote {&quot;text&quot;:&quot;milk&quot;}"'
        />
        <button type="submit" data-testid="send" disabled={status === 'streaming' || status === 'submitted'}>
          Send
        </button>
        {(status === 'streaming' || status === 'submitted') && (
          <button type="button" onClick={() => stop()}>
            Stop
          </button>
        )}
      </form>
      <p className="limits" data-testid="status">
        {status}
      </p>
    </main>
  );
}

/**
 * The sessions each answer was metered as, from the metadata its streams started with. An
 * answer continued after a tool confirmation is a second session whose metadata replaces
 * the first's, so ids are collected as they appear.
 */
function useSessionIds(messages: UIMessage[]): Record<string, string[]> {
  const [ids, setIds] = useState<Record<string, string[]>>({});
  useEffect(() => {
    setIds((known) => {
      let next = known;
      for (const message of messages) {
        const sessionId = (message.metadata as { sessionId?: string } | undefined)?.sessionId;
        if (message.role !== 'assistant' || !sessionId || known[message.id]?.includes(sessionId)) continue;
        next = { ...next, [message.id]: [...(next[message.id] ?? []), sessionId] };
      }
      return next;
    });
  }, [messages]);
  return ids;
}

function App() {
  const [config, setConfig] = useState<PlaygroundConfig>();
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    fetch(`/playground/config.json${location.search}`)
      .then((r) => (r.ok ? (r.json() as Promise<PlaygroundConfig>) : Promise.reject(new Error(`config: ${r.status}`))))
      .then(setConfig, (e: Error) => setFailure(e.message));
  }, []);
  if (failure) return <main className="error">{failure}</main>;
  return config ? <Chat config={config} /> : <main>Loading…</main>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
