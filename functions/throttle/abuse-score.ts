// A per-user trust score from what the throttler already sees: each signal adds a weight
// in the minute it happened, and the score is the sum of those weights, halving every ten
// minutes. Kept on the account as per-minute sums (an increment is one clause of a write
// that happens anyway), read as a pure function of (signals, now).
const signalWeights = {
  /** A client that left a stream within seconds of starting it (and retries). */
  disconnect_retry: 2,
  /** A request refused for the request bucket or the minute's tokens. */
  pinned_at_limit: 1,
  /** A stream that ran into its max tokens per request. */
  max_token_cut: 2,
  /** A request refused because every stream slot was held. */
  concurrency_burst: 3,
  /** A request carrying more tool confirmations than allowed. */
  confirmation_flood: 5,
} as const;
export type AbuseSignal = keyof typeof signalWeights;

const scoreHalfLifeMs = 10 * 60_000;
/** Signals older than this no longer count (and are dropped by later writes). */
const signalWindowMs = 60 * 60_000;
/** How long a block lasts once set. */
export const blockMs = 15 * 60_000;
/** A disconnect this soon after a stream started counts as disconnect-and-retry. */
export const quickDisconnectMs = 5_000;

const minuteMs = 60_000;
export const signalKey = (signal: AbuseSignal, now: number): string => `${Math.floor(now / minuteMs)}:${signal}`;

interface SignalEntry {
  signal: string;
  at: number;
  weight: number;
}

function entriesOf(signals: Record<string, number>): SignalEntry[] {
  return Object.entries(signals).map(([key, weight]) => {
    const [minute, signal] = key.split(':') as [string, string];
    return { signal, at: Number(minute) * minuteMs, weight };
  });
}

export function abuseScore(signals: Record<string, number>, now: number): number {
  let score = 0;
  for (const entry of entriesOf(signals)) {
    const age = Math.max(0, now - entry.at);
    if (age <= signalWindowMs) score += entry.weight * 0.5 ** (age / scoreHalfLifeMs);
  }
  return score;
}

/** Signals within the window, newest first (what an operator sees). */
export const recentSignals = (signals: Record<string, number>, now: number): SignalEntry[] =>
  entriesOf(signals)
    .filter((e) => now - e.at <= signalWindowMs)
    .sort((a, b) => b.at - a.at);

/** Keys of signals past the window, for a write to drop. */
const staleSignalKeys = (signals: Record<string, number>, now: number): string[] =>
  Object.keys(signals).filter((key) => now - Number(key.split(':')[0]) * minuteMs > signalWindowMs);

export interface SignalWrite {
  /** Per-minute keys and the weight each adds. */
  add: Array<{ key: string; weight: number }>;
  drop: string[];
  /** Set when the score passes the block threshold with these signals. */
  blockUntil?: number;
}

/** What recording `signals` writes, decided on the account as the writer knows it. */
export function signalWrite(
  known: Record<string, number>,
  signals: AbuseSignal[],
  blockAt: number,
  now: number,
): SignalWrite {
  const add = signals.map((signal) => ({ key: signalKey(signal, now), weight: signalWeights[signal] }));
  const score = abuseScore(known, now) + add.reduce((sum, a) => sum + a.weight, 0);
  return { add, drop: staleSignalKeys(known, now), ...(score >= blockAt ? { blockUntil: now + blockMs } : {}) };
}
