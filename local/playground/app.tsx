// The playground: a chat on the current @ai-sdk/react useChat against the local service,
// with model choice, live streaming, a confirmation dialog for tools that need one, and
// the throttler's limits and refusals in plain words.
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

interface Notice {
  type: string;
  message: string;
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

      <section className="messages" data-testid="messages">
        {messages.map((message) => (
          <article key={message.id} className={`message ${message.role}`} data-testid={`message-${message.role}`}>
            {((message.metadata as { notices?: Notice[] } | undefined)?.notices ?? []).map((n) => (
              <div key={n.type} className="notice" data-testid="notice">
                {n.message}
              </div>
            ))}
            {message.parts.map((part, i) => {
              // Parts have no ids and are only ever appended, so their position is a stable key.
              // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
              if (part.type === 'text') return <span key={i}>{part.text}</span>;
              if (!isToolUIPart(part)) return null;
              const name = getToolName(part);
              const state =
                part.state === 'output-available'
                  ? `done: ${JSON.stringify(part.output)}`
                  : part.state === 'output-denied'
                    ? 'declined'
                    : part.state === 'output-error'
                      ? `failed: ${part.errorText}`
                      : part.state === 'approval-requested'
                        ? 'waiting for your confirmation'
                        : part.state === 'approval-responded'
                          ? part.approval.approved
                            ? 'confirmed, running…'
                            : 'declined'
                          : 'preparing…';
              return (
                <div key={part.toolCallId} className="tool" data-testid="tool">
                  🔧 {name}: {state}
                </div>
              );
            })}
          </article>
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
