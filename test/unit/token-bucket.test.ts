import { describe, expect, it } from 'vitest';
import { bucketInterval, remainingAt, takeFromBucket } from '../../functions/throttle/token-bucket.js';

const limits = { requestsPerHour: 60, burst: 3 }; // one token a minute, three at once
const minute = 60_000;
const t0 = 1_000_000_000;

/** Takes `n` requests at `now` one after another, returning the final state and decisions. */
function takeMany(n: number, now: number, tat?: number) {
  const decisions = [];
  for (let i = 0; i < n; i++) {
    const decision = takeFromBucket({ tat }, limits, now);
    decisions.push(decision);
    if (decision.allowed) tat = decision.newTat;
  }
  return { tat, decisions };
}

describe('token bucket (GCRA)', () => {
  it('spaces tokens by the hourly rate', () => {
    expect(bucketInterval(limits)).toBe(minute);
    expect(bucketInterval({ requestsPerHour: 7, burst: 1 })).toBe(Math.ceil(3_600_000 / 7));
  });

  it.each([
    ['a never-used bucket admits the burst and no more', undefined, t0, [true, true, true, false]],
    ['a bucket idle for long is full again', t0 - 10 * minute, t0, [true, true, true, false]],
    ['a bucket in use admits only what is left', t0 + minute, t0, [true, true, false]],
    ['an exhausted bucket admits nothing', t0 + 3 * minute, t0, [false]],
  ])('%s', (_name, tat, now, expected) => {
    expect(takeMany(expected.length, now, tat).decisions.map((d) => d.allowed)).toEqual(expected);
  });

  it('chooses the write variant from whether the bucket is full', () => {
    expect(takeFromBucket({}, limits, t0)).toMatchObject({ allowed: true, variant: 'idle', newTat: t0 + minute });
    expect(takeFromBucket({ tat: t0 + minute }, limits, t0)).toMatchObject({
      allowed: true,
      variant: 'busy',
      newTat: t0 + 2 * minute,
    });
  });

  it('refills one token per interval after a burst', () => {
    const { tat } = takeMany(3, t0);
    expect(takeFromBucket({ tat }, limits, t0 + minute - 1).allowed).toBe(false);
    expect(takeFromBucket({ tat }, limits, t0 + minute).allowed).toBe(true);
  });

  it('says when to retry and what remains', () => {
    const { tat, decisions } = takeMany(4, t0);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3]).toMatchObject({ allowed: false, retryAfterMs: minute });
    expect(remainingAt(tat, limits, t0 + 3 * minute)).toBe(3);
    expect(decisions[2]!.resetMs).toBe(3 * minute);
  });
});
