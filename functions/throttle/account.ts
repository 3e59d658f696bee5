// A user's account as the throttler sees it: tier, money, and the state of each limit.
// `available` is `balance` minus the open reservations, kept as its own attribute
// because a DynamoDB condition can compare but not subtract.
export interface PendingReservation {
  /** Micro-units taken from `available` at admission. */
  reserved: number;
  /** Tokens taken from the minute window at admission. */
  tokenGrant: number;
  /** The minute window the grant was taken from. */
  window: number;
  model: string;
  /** The model the client asked for (differs when degraded). */
  requestedModel: string;
  /** Prompt tokens as estimated at admission. */
  tokensIn: number;
  startedAt: number;
  /** Hard expiry: after this no stream can still be running (max stream time + grace). */
  expiresAt: number;
}

export interface Account {
  userId: string;
  tier: string;
  /** Grants minus posted charges (micro-units). */
  balance: number;
  /** Balance minus open reservations: what a new reservation may take. */
  available: number;
  /** Token bucket theoretical arrival time (epoch ms). */
  tat?: number;
  tpmWindow?: number;
  tpmTokens?: number;
  /** Open reservations by session id; their count is the number of held stream leases. */
  pending: Record<string, PendingReservation>;
  /** Credit changes applied, by idempotency key: the exactly-once gate of admin grants. */
  grants: Record<string, AppliedGrant>;
  createdAt: number;
}

export interface AppliedGrant {
  amount: number;
  at: number;
}
