// A valid open reservation for tests that build account state by hand.
import type { PendingReservation } from '../../functions/throttle/account.js';

export const pendingEntry = (overrides: Partial<PendingReservation> = {}): PendingReservation => ({
  tier: 'test',
  model: 'local:local-small',
  requestedModel: 'local:local-small',
  reserved: 1,
  tokenGrant: 1,
  window: 0,
  tokensIn: 1,
  maxOutputTokens: 100,
  startedAt: 0,
  leaseUntil: Number.MAX_SAFE_INTEGER,
  expiresAt: Number.MAX_SAFE_INTEGER,
  reportedIn: 1,
  reportedOut: 0,
  allowanceOut: 10,
  reportedAt: 0,
  ...overrides,
});
