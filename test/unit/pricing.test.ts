import { describe, expect, it } from 'vitest';
import { affordableOutputTokens, costOf } from '../../functions/throttle/pricing.js';
import { settlementAmounts } from '../../functions/throttle/settlement.js';

const price = { input: 150_000, output: 600_000 }; // gpt-4o-mini in micro-units per million tokens

describe('pricing in integer micro-units', () => {
  it.each([
    [0, 0, 0],
    [1, 0, 1], // a fraction of a micro-unit rounds up
    [1_000_000, 0, 150_000],
    [1_000, 1_000, 750],
    [10, 7, 6], // (1.5 + 4.2) rounds up to 6
  ])('%i input + %i output tokens cost %i', (input, output, expected) => {
    expect(costOf(price, input, output)).toBe(expected);
  });

  it('finds the most output tokens a budget pays for', () => {
    expect(affordableOutputTokens(price, 100, 14)).toBe(-1); // 100 input tokens cost 15
    for (const budget of [15, 16, 17, 750, 10_000]) {
      const tokens = affordableOutputTokens(price, 100, budget);
      expect(costOf(price, 100, tokens)).toBeLessThanOrEqual(budget);
      expect(costOf(price, 100, tokens + 1)).toBeGreaterThan(budget);
    }
    expect(affordableOutputTokens({ input: 2_000_000, output: 1 }, 10, 5)).toBe(-1);
  });

  it('settles at most the reservation and returns unused minute tokens', () => {
    expect(
      settlementAmounts({ inputTokens: 100, outputTokens: 100 }, { reserved: 1_000, tokenGrant: 500 }, price),
    ).toEqual({
      inputTokens: 100,
      outputTokens: 100,
      charge: 75,
      overrun: 0,
      unusedGrant: 300,
    });
    expect(
      settlementAmounts({ inputTokens: 100, outputTokens: 10_000 }, { reserved: 1_000, tokenGrant: 500 }, price),
    ).toMatchObject({
      charge: 1_000,
      overrun: 5_015,
      unusedGrant: 0,
    });
  });
});
