// Request and response schemas of the admin API: they validate, type the handlers, and
// generate the OpenAPI document.
import { z } from 'zod';
import { tierLimitsSchema, tierNameSchema, tierSchema } from '../functions/shared/tier.js';
import { streamEndReasons } from '../functions/shared/reasons.js';
import { userIdSchema } from '../functions/auth/user-id.js';
import { maxBalance } from '../functions/throttle/account.js';

export const errorBody = z
  .object({
    error: z.object({ type: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
  })
  .meta({ id: 'Error' });

export const tierName = z.object({ name: tierNameSchema });
export const tierBody = tierLimitsSchema.meta({ id: 'TierLimits' });
export const tierResponse = tierSchema.meta({ id: 'Tier' });

// A user id is what a chat token's subject may be: an account no token can reach is never made.
export const userId = z.object({ id: userIdSchema });
export const sessionId = z.object({ id: z.uuid() });
export const userSession = z.object({ id: userIdSchema, sessionId: z.uuid() });

export const assignTierBody = z.object({ tier: tierNameSchema });

export const creditBody = z
  .object({
    // No single change can exceed what a balance may hold (the store refuses a grant past
    // maxBalance with `balance_limit`), so every balance and sum stays a safe integer.
    amount: z
      .number()
      .int()
      .min(-maxBalance, `must be at least -${maxBalance}`)
      .max(maxBalance, `must be at most ${maxBalance}`)
      .refine((n) => n !== 0, 'must not be zero'),
    reason: z.string().min(1).max(500),
    idempotencyKey: z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, '8-128 characters of A-Z a-z 0-9 _ . : -'),
  })
  .meta({ id: 'CreditChange' });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2_000).optional(),
});

/** Epoch milliseconds a Date can hold (reports render hours as ISO text), from 1970 on. */
const epochMs = z.number().int().min(0).max(8_640_000_000_000_000, 'is past the latest date');
const timestamp = z.union([z.coerce.number().pipe(epochMs), z.iso.datetime().transform(Date.parse).pipe(epochMs)]);
export const usageQuery = z.object({
  from: timestamp.optional(),
  to: timestamp.optional(),
  userId: userIdSchema.optional(),
});

const totals = { requests: z.number(), inputTokens: z.number(), outputTokens: z.number(), cost: z.number() };
const modelTotals = z.object({ model: z.string(), ...totals });
const rejections = z.record(z.string(), z.number());

export const usageReportResponse = z
  .object({
    from: z.number(),
    to: z.number(),
    totals: z.object({ ...totals, rejections }),
    users: z.array(z.object({ userId: z.string(), ...totals, rejections, models: z.array(modelTotals) })),
    models: z.array(modelTotals),
  })
  .meta({ id: 'UsageReport' });

export const accountResponse = z
  .object({
    userId: z.string(),
    tier: z.string(),
    balance: z.number(),
    available: z.number(),
    reserved: z.number(),
    openReservations: z.array(
      z.object({
        sessionId: z.string(),
        reserved: z.number(),
        model: z.string(),
        startedAt: z.number(),
        expiresAt: z.number(),
      }),
    ),
    bucket: z.object({ limit: z.number(), remaining: z.number(), fullInSeconds: z.number() }).nullable(),
    leases: z.object({ held: z.number(), max: z.number().nullable() }),
    tokensThisMinute: z.number(),
    usage: z.object({ lastHour: z.object(totals), lastDay: z.object(totals) }),
    abuse: z.object({
      score: z.number(),
      state: z.enum(['ok', 'tightened', 'blocked']),
      blockedUntil: z.number().nullable(),
      signals: z.array(z.object({ signal: z.string(), at: z.number(), weight: z.number() })),
    }),
  })
  .meta({ id: 'Account' });

const ledgerEntryResponse = z
  .object({
    id: z.string(),
    type: z.enum(['grant', 'charge']),
    amount: z.number(),
    at: z.number(),
    reason: z.string().optional(),
    actor: z.string().optional(),
    sessionId: z.string().optional(),
    model: z.string().optional(),
    inputTokens: z.number().optional(),
    outputTokens: z.number().optional(),
    idempotencyKey: z.string().optional(),
  })
  .meta({ id: 'LedgerEntry' });

export const ledgerPageResponse = z.object({ items: z.array(ledgerEntryResponse), nextCursor: z.string().optional() });

export const creditResponse = z.object({
  outcome: z.enum(['applied', 'replayed']),
  entry: ledgerEntryResponse,
  balance: z.number(),
  available: z.number(),
});

const sessionCommon = {
  sessionId: z.string(),
  userId: z.string(),
  tier: z.string(),
  model: z.string(),
  requestedModel: z.string(),
  startedAt: z.number(),
  reserved: z.number(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  killedBy: z.string().optional(),
};
export const sessionResponse = z
  .discriminatedUnion('status', [
    z.object({
      ...sessionCommon,
      status: z.literal('active'),
      leaseUntil: z.number(),
      killRequested: z.boolean().optional(),
    }),
    z.object({
      ...sessionCommon,
      status: z.literal('settled'),
      settledAt: z.number(),
      charged: z.number(),
      overrun: z.number(),
      usageSource: z.enum(['provider', 'estimate', 'reported']),
      endReason: z.enum(streamEndReasons),
    }),
  ])
  .meta({ id: 'Session' });

export const auditResponse = z.object({
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
