// One chat message: the service's notices (a cheaper model than asked for), budget
// warnings, the text, tool calls with their state, and, for an answer, what it cost.
import { getToolName, isToolUIPart, type UIMessage } from 'ai';
import { type Account, AnswerCost } from './account-bar.js';
import { ToolIcon } from './tool-icon.js';

interface Notice {
  type: string;
  message: string;
}

/** A budget warning as the data part carries it; only `message` is relied on. */
interface BudgetWarning {
  type?: string;
  message?: string;
  remaining?: number;
}

function toolState(part: Extract<UIMessage['parts'][number], { toolCallId: string }>): string {
  switch (part.state) {
    case 'output-available':
      return `done: ${JSON.stringify(part.output)}`;
    case 'output-denied':
      return 'declined';
    case 'output-error':
      return `failed: ${part.errorText}`;
    case 'approval-requested':
      return 'waiting for your confirmation';
    case 'approval-responded':
      return part.approval.approved ? 'confirmed, running…' : 'declined';
    default:
      return 'preparing…';
  }
}

const warningText = (data: BudgetWarning) =>
  data.message ??
  (data.remaining === undefined
    ? 'Your credits are running low.'
    : `Your credits are running low: ${data.remaining} micro-units left.`);

export function MessageView(props: { message: UIMessage; sessionIds: string[]; account: Account | null | undefined }) {
  const { message } = props;
  const notices = (message.metadata as { notices?: Notice[] } | undefined)?.notices ?? [];
  return (
    <article className={`message ${message.role}`} data-testid={`message-${message.role}`}>
      {notices.map((n) => (
        <div key={n.type} className="notice" data-testid="notice">
          {n.message}
        </div>
      ))}
      {message.parts.map((part, i) =>
        part.type === 'data-budget-warning' ? (
          // Parts have no ids and are only ever appended, so their position is a stable key.
          // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
          <div key={i} className="notice warning" data-testid="budget-warning">
            {warningText(part.data as BudgetWarning)}
          </div>
        ) : null,
      )}
      <div className="content" data-testid="message-content">
        {message.parts.map((part, i) => {
          // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
          if (part.type === 'text') return <span key={i}>{part.text}</span>;
          if (!isToolUIPart(part)) return null;
          return (
            <div key={part.toolCallId} className="tool" data-testid="tool">
              <ToolIcon /> {getToolName(part)}: {toolState(part)}
            </div>
          );
        })}
      </div>
      {message.role === 'assistant' && <AnswerCost sessionIds={props.sessionIds} account={props.account} />}
    </article>
  );
}
