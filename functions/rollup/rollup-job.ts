// The usage rollup job, run after every sweep (each minute in AWS, every 5 s locally):
// samples the streams running now, then recomputes the current and the previous hour
// from their settled sessions and refusal counters. Recomputing an hour whole (never
// adding to a counter) is what makes it safe: session records are projections that may
// be written more than once, and a run that repeats or races another writes the same
// numbers. The previous hour is redone so that records projected late (by the sweeper,
// or seen late through the index) still count.
import { usageHour } from '../shared/keys.js';
import type { DynamoRollupStore } from './dynamo-rollup-store.js';
import type { LoadSample } from './rollup-schema.js';
import { rollupHour } from './usage-rollup.js';

const hourMs = 3_600_000;
/** The most hours one recomputation may cover (an operator's backfill). */
export const maxRecomputeHours = 24 * 7;

const hourStartOf = (at: number) => at - (at % hourMs);

export interface RollupRun {
  hours: string[];
  sessions: number;
  load: LoadSample;
}

type HourStore = Pick<DynamoRollupStore, 'settledSessions' | 'rejections' | 'putRollup'>;
type Store = HourStore & Pick<DynamoRollupStore, 'activeStreams' | 'recordLoad'>;

/** Recomputes the rollups of the hours from `from` to `to` (epoch ms, hours they fall in). */
export async function recomputeHours(store: HourStore, from: number, to: number, now: number) {
  const hours: string[] = [];
  let sessions = 0;
  for (let start = hourStartOf(from); start <= to; start += hourMs) {
    const hour = usageHour(start);
    const [settled, rejections] = await Promise.all([store.settledSessions(hour), store.rejections(start)]);
    await store.putRollup(rollupHour({ hour, hourStart: start }, settled, rejections, now));
    hours.push(hour);
    sessions += settled.length;
  }
  return { hours, sessions };
}

export async function runRollup(store: Store, now: number): Promise<RollupRun> {
  const load = await store.activeStreams(now);
  await store.recordLoad(usageHour(now), hourStartOf(now), load);
  return { ...(await recomputeHours(store, now - hourMs, now, now)), load };
}
