// The usage rollup's documents: one per hour, recomputed whole from that hour's settled
// sessions and refusal counters (so recomputing is idempotent), and the active-stream
// samples of the hour, one per minute. The rollup job writes them, the admin API reads them.
import { z } from 'zod';

const count = z.number().int().nonnegative();

export const usageTotalsSchema = z.object({
  requests: count,
  inputTokens: count,
  outputTokens: count,
  /** Micro-units charged. */
  cost: count,
});
export type UsageTotals = z.infer<typeof usageTotalsSchema>;

export const hourRollupSchema = z.object({
  /** `2026-11-24T12` (UTC), the hour sessions settled in. */
  hour: z.string(),
  hourStart: count,
  /** When the job computed it; an older computation never replaces a newer one. */
  computedAt: count,
  totals: usageTotalsSchema,
  byTier: z.record(z.string(), usageTotalsSchema),
  byModel: z.record(z.string(), usageTotalsSchema),
  /** The hour's biggest spenders, at most `topUsersPerHour`. */
  topUsers: z.array(usageTotalsSchema.extend({ userId: z.string() })),
  /** Distinct users with a settled session in the hour. */
  users: count,
  /** How the hour's sessions ended (`completed`, a limit, `client_disconnect`, ...). */
  endReasons: z.record(z.string(), count),
  /** Refusals before streaming, by reason. */
  rejections: z.record(z.string(), count),
});
export type HourRollup = z.infer<typeof hourRollupSchema>;

/** Streams running at one moment, summed over the chat-stream containers' load gauges. */
export const loadSampleSchema = z.object({
  at: count,
  active: count,
  capacity: count,
  containers: count,
});
export type LoadSample = z.infer<typeof loadSampleSchema>;

export const topUsersPerHour = 20;
