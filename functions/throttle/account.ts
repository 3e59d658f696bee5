// A user's account item: the commit point of every money movement. Reservations
// (pending), settlements, grants and sign-up credit are each one conditional write on
// this item; ledger entries and session records are projections of the movements it
// keeps in its outbox until they are written. Store reads are validated with these schemas.
import { z } from 'zod';
import { streamEndReasons } from '../shared/reasons.js';

const count = z.number().int().nonnegative();
const epochMs = z.number().int().nonnegative();
/** Micro-units; signed where the movement can be a debit. */
const money = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

/** An open reservation: a pending amount that resolves exactly once (settled, or swept after its lease). */
const pendingSchema = z.object({
  tier: z.string(),
  model: z.string(),
  /** The model the client asked for (differs when degraded). */
  requestedModel: z.string(),
  /** Micro-units taken from `available` at admission. */
  reserved: count,
  /** Tokens taken from the minute window at admission, and the window they came from. */
  tokenGrant: count,
  window: epochMs,
  /** Prompt tokens of one model call, as counted at admission. */
  tokensIn: count,
  /** Output tokens the whole stream may produce. */
  maxOutputTokens: count,
  startedAt: epochMs,
  /** Renewed by the stream's reports; once it lapses the sweeper may resolve the reservation. */
  leaseUntil: epochMs,
  /** After this no stream can still be running, lease or not. */
  expiresAt: epochMs,
  /** Usage as last reported by the stream. */
  reportedIn: count,
  reportedOut: count,
  /** Output tokens the stream may have sent without reporting again: what a dead stream is charged for. */
  allowanceOut: count,
  reportedAt: epochMs,
  killRequested: z.boolean().optional(),
  killedBy: z.string().optional(),
  /** `<experiment id>:<variant>` when the limits came from a limit experiment. */
  variant: z.string().optional(),
});
export type PendingReservation = z.infer<typeof pendingSchema>;

/** The final record of a session, as projected into the sessions table. */
export const settledSessionSchema = z.object({
  sessionId: z.string(),
  userId: z.string(),
  tier: z.string(),
  model: z.string(),
  requestedModel: z.string(),
  startedAt: epochMs,
  settledAt: epochMs,
  reserved: count,
  tokenGrant: count,
  tokensIn: count,
  tokensOut: count,
  charged: count,
  /** What the usage cost beyond the reservation: absorbed, never charged. */
  overrun: count,
  unusedGrant: count,
  usageSource: z.enum(['provider', 'estimate', 'reported']),
  endReason: z.enum(streamEndReasons),
  killedBy: z.string().optional(),
  variant: z.string().optional(),
});
export type SettledSession = z.infer<typeof settledSessionSchema>;

/** A committed money movement waiting to be projected (ledger entry, session record). */
const movementSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('charge'), at: epochMs, amount: money, session: settledSessionSchema }),
  z.object({
    kind: z.literal('grant'),
    at: epochMs,
    amount: money,
    key: z.string(),
    reason: z.string(),
    actor: z.string(),
  }),
  z.object({ kind: z.literal('signup'), at: epochMs, amount: money }),
]);
export type Movement = z.infer<typeof movementSchema>;

const appliedGrantSchema = z.object({ amount: money, at: epochMs });

export const accountSchema = z.object({
  userId: z.string(),
  tier: z.string(),
  /** Grants minus posted charges. */
  balance: money,
  /** Balance minus open reservations: what a new reservation may take. Kept as its own
   * attribute because a DynamoDB condition can compare but not subtract. */
  available: money,
  /** Token bucket theoretical arrival time (epoch ms). */
  tat: epochMs.optional(),
  tpmWindow: epochMs.optional(),
  tpmTokens: z.number().int().optional(),
  /** Open reservations by session id; their count is the number of held stream leases. */
  pending: z.record(z.string(), pendingSchema),
  /** Grants applied, by idempotency key (kept for a bounded time): the exactly-once gate of grants. */
  grants: z.record(z.string(), appliedGrantSchema),
  /** Committed movements not yet projected, by movement id. */
  outbox: z.record(z.string(), movementSchema),
  /** Bumped by every write that adds or resolves money state; the sweeper's tidy-up is conditioned on it. */
  rev: count,
  /** Abuse signals by `<minute>:<signal>`, weights summed; the trust score decays from them. */
  abuse: z.record(z.string(), z.number()).default({}),
  /** Until when new streams are refused and live ones stopped for abuse. */
  abuseBlockedUntil: epochMs.optional(),
  /** Partition of the sparse `sweepDue` index. */
  sweepShard: z.string(),
  /** When the sweeper should look at this account next (absent: nothing to look at). */
  sweepAt: epochMs.optional(),
  createdAt: epochMs,
});
export type Account = z.infer<typeof accountSchema>;

/** Micro-units held by open reservations. */
export const reservedOf = (account: Pick<Account, 'pending'>): number =>
  Object.values(account.pending).reduce((sum, p) => sum + p.reserved, 0);

/** The largest balance an account may hold, far below 2^53 so sums over its history stay exact. */
export const maxBalance = 1_000_000_000_000_000;
