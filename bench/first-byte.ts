// Added time to first byte: the same handler throttled and unthrottled, side by side with
// the yardstick (one bare conditional UpdateItem), interleaved round by round in rotating
// order. Each stream is settled before the next starts (the invocation ends after its
// settlement), so no round pays for another's writes.
import { randomUUID } from 'node:crypto';
import type { BenchContext } from './bench-context.js';
import { bareUpdate } from './bench-store.js';
import { median, spreadOf, timed, type Spread } from './stats.js';

export interface FirstByteResult {
  /** (throttled − unthrottled) ÷ bare UpdateItem, per repetition. */
  ratio: Spread;
  addedMs: Spread;
  bareMs: Spread;
  throttledMs: Spread;
  unthrottledMs: Spread;
  rounds: number;
}

const prompt = '20 words';

export async function firstByte(context: BenchContext, rounds = 80): Promise<FirstByteResult> {
  // Measured by the client process: the first byte as it arrives, not when this process gets to it.
  const firstByteOf = async (url: string, token: string) =>
    (await context.client.streams(url, [token], prompt)).outcomes[0]!.firstByteMs;
  const throttled = await context.handler(true);
  const unthrottled = await context.handler(false);
  const bare = bareUpdate(context.store.client(), context.store.tables);
  const users = Array.from({ length: 20 }, () => `ttfb-${randomUUID()}`);
  const tokens = await Promise.all(users.map((user) => context.token(user)));
  try {
    // Warm-up: accounts created and known to the container, connections open, code hot.
    for (const token of tokens) await firstByteOf(throttled.url, token);
    for (const token of tokens) await firstByteOf(unthrottled.url, token);
    for (const user of users) await bare(user);
    await throttled.idle();

    const perRepetition = {
      ratio: [] as number[],
      added: [] as number[],
      bare: [] as number[],
      t: [] as number[],
      u: [] as number[],
    };
    for (let repetition = 0; repetition < context.repetitions; repetition++) {
      const t: number[] = [];
      const u: number[] = [];
      const b: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const i = (repetition * rounds + round) % users.length;
        const tasks = [
          async () => {
            t.push(await firstByteOf(throttled.url, tokens[i]!));
            await throttled.idle();
          },
          async () => {
            u.push(await firstByteOf(unthrottled.url, tokens[i]!));
            await unthrottled.idle();
          },
          async () => b.push(await timed(() => bare(users[i]!))),
        ];
        // Rotate the order so no side always runs first.
        for (let k = 0; k < tasks.length; k++) await tasks[(round + k) % tasks.length]!();
      }
      const added = median(t.map((value, k) => value - u[k]!));
      perRepetition.added.push(added);
      perRepetition.bare.push(median(b));
      perRepetition.ratio.push(added / median(b));
      perRepetition.t.push(median(t));
      perRepetition.u.push(median(u));
    }
    return {
      ratio: spreadOf(perRepetition.ratio),
      addedMs: spreadOf(perRepetition.added),
      bareMs: spreadOf(perRepetition.bare),
      throttledMs: spreadOf(perRepetition.t),
      unthrottledMs: spreadOf(perRepetition.u),
      rounds,
    };
  } finally {
    await throttled.close();
    await unthrottled.close();
  }
}
