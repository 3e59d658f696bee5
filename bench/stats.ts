// Small statistics for the benchmarks: every figure is a ratio measured several times,
// printed as min / median / max.
export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export const spreadOf = (values: number[]): Spread => ({
  min: Math.min(...values),
  median: median(values),
  max: Math.max(...values),
});

export const fmt = (value: number, digits = 2): string => value.toFixed(digits);

export const fmtSpread = (spread: Spread, digits = 2, unit = ''): string =>
  `${fmt(spread.min, digits)} / ${fmt(spread.median, digits)} / ${fmt(spread.max, digits)}${unit}`;

/** Runs `task` `total` times with `concurrency` in flight; returns operations per second. */
export async function rate(total: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

/** Times one call in milliseconds. */
export async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}
