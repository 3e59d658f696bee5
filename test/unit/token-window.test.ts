import { describe, expect, it } from 'vitest';
import { takeFromWindow, windowMs, windowStart } from '../../functions/throttle/token-window.js';

const now = 10 * windowMs + 15_000;
const current = windowStart(now);

describe('tokens-per-minute window', () => {
  it.each([
    [
      'a fresh minute grants what is wanted',
      {},
      100,
      40,
      10,
      { allowed: true, variant: 'fresh', grant: 40, ceiling: 60 },
    ],
    [
      'a stale window counts as fresh',
      { window: current - windowMs, tokens: 100 },
      100,
      40,
      10,
      { allowed: true, variant: 'fresh', grant: 40 },
    ],
    [
      'the current minute grants what is left',
      { window: current, tokens: 70 },
      100,
      40,
      10,
      { allowed: true, variant: 'current', grant: 30, ceiling: 70 },
    ],
    [
      'less than the minimum left is a refusal',
      { window: current, tokens: 95 },
      100,
      40,
      10,
      { allowed: false, retryAfterMs: 45_000 },
    ],
  ])('%s', (_name, state, perMinute, wanted, minimum, expected) => {
    expect(takeFromWindow(state, perMinute, wanted, minimum, now)).toMatchObject(expected);
  });
});
