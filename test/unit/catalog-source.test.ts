// The chat function's view of the run-time catalog: kept for the cache time, the
// configured catalog until one is stored, and the last one known when the store fails.
import { describe, expect, it } from 'vitest';
import { CachedCatalog } from '../../functions/catalog/catalog-source.js';
import type { ModelCatalog } from '../../functions/shared/catalog.js';

const configured: ModelCatalog = { local: { 'local-small': { input: 1, output: 1 } } };
const stored = (price: number): ModelCatalog => ({ local: { 'local-small': { input: price, output: price } } });

function source(reads: Array<ModelCatalog | undefined | Error>, cacheMs = 30_000) {
  let now = 0;
  let calls = 0;
  const errors: unknown[] = [];
  const catalog = new CachedCatalog({
    load: async () => {
      const next = reads[Math.min(calls++, reads.length - 1)];
      if (next instanceof Error) throw next;
      return next;
    },
    fallback: configured,
    cacheMs,
    clock: () => now,
    onError: (error) => errors.push(error),
  });
  return { catalog, advance: (ms: number) => (now += ms), calls: () => calls, errors };
}

describe('cached catalog', () => {
  it('uses the configured catalog until one is stored', async () => {
    const { catalog, advance } = source([undefined, stored(5)]);
    expect(await catalog.current()).toEqual(configured);
    advance(30_000);
    expect(await catalog.current()).toEqual(stored(5));
  });

  it('reads the store at most once per cache time, however many streams start', async () => {
    const { catalog, advance, calls } = source([stored(2), stored(3)]);
    const answers = await Promise.all(Array.from({ length: 10 }, () => catalog.current()));
    expect(answers.every((c) => c.local?.['local-small']?.input === 2)).toBe(true);
    advance(29_999);
    expect(await catalog.current()).toEqual(stored(2));
    expect(calls()).toBe(1);
    advance(1);
    expect(await catalog.current()).toEqual(stored(3)); // a price change applies within the cache time
    expect(calls()).toBe(2);
  });

  it('keeps pricing with the last catalog known while the store fails, and asks again later', async () => {
    const { catalog, advance, calls, errors } = source([stored(2), new Error('store down'), stored(4)], 0);
    expect(await catalog.current()).toEqual(stored(2));
    expect(await catalog.current()).toEqual(stored(2));
    expect(errors).toHaveLength(1);
    expect(await catalog.current()).toEqual(stored(2)); // not asked again right away
    expect(calls()).toBe(2);
    advance(5_000);
    expect(await catalog.current()).toEqual(stored(4));
  });

  it('falls back to the configured catalog when the very first read fails', async () => {
    const { catalog } = source([new Error('store down')]);
    expect(await catalog.current()).toEqual(configured);
  });
});
