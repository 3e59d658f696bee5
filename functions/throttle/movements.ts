// Projections of committed money movements: each movement has a deterministic id (its key
// in the account's outbox) and deterministic items (a ledger entry, and for a charge the
// session's final record), so writing a projection twice is harmless.
import type { Movement } from './account.js';

export const movementId = (movement: Movement): string => {
  switch (movement.kind) {
    case 'charge':
      return `charge:${movement.session.sessionId}`;
    case 'grant':
      return `grant:${movement.key}`;
    case 'signup':
      return 'signup';
  }
};

export interface LedgerFields {
  type: 'grant' | 'charge';
  amount: number;
  at: number;
  reason?: string;
  actor?: string;
  idempotencyKey?: string;
  sessionId?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  usageSource?: string;
  endReason?: string;
}

/** The ledger entry a movement projects to, and the id its key is made of. */
export function ledgerEntryOf(movement: Movement): { kind: 'grant' | 'charge'; id: string; fields: LedgerFields } {
  switch (movement.kind) {
    case 'charge': {
      const { session } = movement;
      return {
        kind: 'charge',
        id: session.sessionId,
        fields: {
          type: 'charge',
          amount: movement.amount,
          at: movement.at,
          actor: 'throttler',
          sessionId: session.sessionId,
          model: session.model,
          inputTokens: session.tokensIn,
          outputTokens: session.tokensOut,
          usageSource: session.usageSource,
          endReason: session.endReason,
        },
      };
    }
    case 'grant':
      return {
        kind: 'grant',
        id: movement.key,
        fields: {
          type: 'grant',
          amount: movement.amount,
          at: movement.at,
          reason: movement.reason,
          actor: movement.actor,
          idempotencyKey: movement.key,
        },
      };
    case 'signup':
      return {
        kind: 'grant',
        id: 'signup',
        fields: { type: 'grant', amount: movement.amount, at: movement.at, reason: 'sign-up credits', actor: 'system' },
      };
  }
}
