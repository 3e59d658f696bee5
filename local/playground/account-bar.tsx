// The signed-in user's account as the dev server reports it (/playground/account):
// balance, reserved credit, requests left, and what each recent answer cost.
import { useCallback, useEffect, useState } from 'react';
import { credits } from '../credits-format.js';

interface Answer {
  sessionId: string;
  model: string;
  requestedModel: string;
  charged: number;
  tokensIn: number;
  tokensOut: number;
  endReason: string;
}

export interface Account {
  tier: string;
  balance: number;
  available: number;
  reserved: number;
  requests: { limit: number; remaining: number; fullInSeconds: number } | null;
  streams: { held: number; max: number | null };
  answers: Answer[];
}

/** The account, and a way to read it again (after each answer). */
export function useAccount(token: string): { account: Account | null | undefined; refresh: () => Promise<void> } {
  const [account, setAccount] = useState<Account | null>();
  const refresh = useCallback(async () => {
    const response = await fetch('/playground/account', { headers: { authorization: `Bearer ${token}` } });
    if (response.ok) setAccount(((await response.json()) as { account: Account | null }).account);
  }, [token]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return { account, refresh };
}

export function AccountBar({ account }: { account: Account | null | undefined }) {
  if (account === undefined) return null;
  if (account === null)
    return (
      <p className="account" data-testid="account">
        No account yet: your first message creates it.
      </p>
    );
  return (
    <p className="account" data-testid="account">
      <span data-testid="balance">Balance {credits(account.balance)}</span>
      {' · '}
      <span data-testid="reserved">reserved {credits(account.reserved)}</span>
      {' · '}
      <span data-testid="requests-left">
        {account.requests ? `${account.requests.remaining} of ${account.requests.limit} requests left` : 'no tier'}
      </span>
      {' · '}
      <span>
        tier <b>{account.tier}</b>
      </span>
    </p>
  );
}

/** What the answer's sessions cost (an answer after a tool confirmation has two), once settled. */
export function AnswerCost({ sessionIds, account }: { sessionIds: string[]; account: Account | null | undefined }) {
  const settled = sessionIds.map((id) => account?.answers.find((a) => a.sessionId === id));
  if (sessionIds.length === 0 || settled.some((a) => !a)) return null;
  const answers = settled as Answer[];
  const charged = answers.reduce((sum, a) => sum + a.charged, 0);
  const tokensIn = answers.reduce((sum, a) => sum + a.tokensIn, 0);
  const tokensOut = answers.reduce((sum, a) => sum + a.tokensOut, 0);
  return (
    <div className="cost" data-testid="answer-cost" data-charged={charged}>
      cost {credits(charged)} · {tokensIn} in / {tokensOut} out tokens · {answers.at(-1)!.model}
    </div>
  );
}
