// Token throughput with many streams at once: the same handler throttled and unthrottled,
// the model at full speed in its own process, runs interleaved in alternating order. A
// run is `streams` concurrent streams of `words` words, read by the client process;
// throughput is text parts received per second of wall time.
import { randomUUID } from 'node:crypto';
import type { BenchContext } from './bench-context.js';
import type { ServedHandler } from './served-handler.js';
import { spreadOf, type Spread } from './stats.js';

export interface ThroughputResult {
  ratio: Spread;
  throttledPartsPerSecond: Spread;
  unthrottledPartsPerSecond: Spread;
  streams: number;
  words: number;
}

export async function throughput(context: BenchContext, streams = 50, words = 1_000): Promise<ThroughputResult> {
  const throttled = await context.handler(true);
  const unthrottled = await context.handler(false);
  const tokens = await Promise.all(Array.from({ length: streams }, () => context.token(`tp-${randomUUID()}`)));
  const prompt = `${words} words`;
  const run = async (handler: ServedHandler) => {
    const { outcomes, seconds } = await context.client.streams(handler.url, tokens, prompt);
    await handler.idle();
    const incomplete = outcomes.filter((outcome) => !outcome.complete);
    if (incomplete.length)
      throw new Error(`throughput: ${incomplete.length} streams incomplete (${incomplete[0]!.error})`);
    return outcomes.reduce((sum, outcome) => sum + outcome.textParts, 0) / seconds;
  };
  try {
    await run(throttled); // warm-up: accounts created, code hot
    await run(unthrottled);
    const t: number[] = [];
    const u: number[] = [];
    for (let repetition = 0; repetition < context.repetitions; repetition++) {
      if (repetition % 2) {
        u.push(await run(unthrottled));
        t.push(await run(throttled));
      } else {
        t.push(await run(throttled));
        u.push(await run(unthrottled));
      }
    }
    return {
      ratio: spreadOf(t.map((value, i) => value / u[i]!)),
      throttledPartsPerSecond: spreadOf(t),
      unthrottledPartsPerSecond: spreadOf(u),
      streams,
      words,
    };
  } finally {
    await throttled.close();
    await unthrottled.close();
  }
}
