// Ledger page cursors. A cursor is the DynamoDB key of the last entry of a page, so it is
// bound to its listing by what it may decode to: a key in the ledger of the user the request
// names, nothing else. A cursor of another user, of another kind of item or of nothing at
// all is a 400 before any store request; an edited cursor that passes can only start the
// same user's ledger at another entry, which the same caller may list anyway.
import { httpError } from '../functions/http/errors.js';
import { ledgerPrefix, userPartition } from '../functions/shared/keys.js';

/** Where a ledger page starts: after the entry with this key. */
export interface LedgerPosition {
  pk: string;
  sk: string;
}

/** Longer than any ledger key: an ISO time, a kind and an id of at most a few hundred characters. */
const maxSortKeyLength = 1_024;

export const encodeLedgerCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk })).toString('base64url') : undefined;

function decoded(cursor: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isPositionIn(key: unknown, userId: string): key is LedgerPosition {
  if (typeof key !== 'object' || key === null) return false;
  const { pk, sk, ...rest } = key as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    pk === userPartition(userId) &&
    typeof sk === 'string' &&
    sk.startsWith(ledgerPrefix) &&
    sk.length <= maxSortKeyLength
  );
}

/** The position a cursor from `GET /admin/users/{userId}/ledger` stands for; a 400 for any other cursor. */
export function ledgerPosition(cursor: string | undefined, userId: string): LedgerPosition | undefined {
  if (cursor === undefined) return undefined;
  const key = decoded(cursor);
  if (!isPositionIn(key, userId)) {
    throw httpError(400, 'invalid_cursor', `cursor is not one of the ledger pages of user ${userId}`, {
      details: { fields: { 'querystring.cursor': 'not a cursor of this listing' } },
    });
  }
  return key;
}
