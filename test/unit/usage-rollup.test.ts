// An hour's rollup is a pure function of the hour's session records: the same records
// give the same rollup, a record seen twice counts once, and only the top spenders are kept.
import { describe, expect, it } from 'vitest';
import { rollupHour } from '../../functions/rollup/usage-rollup.js';
import type { SettledSession } from '../../functions/throttle/account.js';

const hour = { hour: '2026-11-24T12', hourStart: Date.parse('2026-11-24T12:00:00Z') };
let next = 0;
const session = (userId: string, charged: number, overrides: Partial<SettledSession> = {}): SettledSession => ({
  sessionId: `s-${++next}`,
  userId,
  tier: 'pro',
  model: 'local:local-small',
  requestedModel: 'local:local-small',
  startedAt: hour.hourStart,
  settledAt: hour.hourStart + 1_000,
  reserved: charged,
  tokenGrant: 0,
  tokensIn: 10,
  tokensOut: 20,
  charged,
  overrun: 0,
  unusedGrant: 0,
  usageSource: 'provider',
  endReason: 'completed',
  ...overrides,
});

describe('an hour rollup', () => {
  it('totals by tier, model and user, and counts a record written twice once', () => {
    const a = session('alice', 100);
    const b = session('bob', 40, { tier: 'free', model: 'local:local-large', endReason: 'max_tokens_exceeded' });
    const rollup = rollupHour(hour, [a, b, { ...a }], { rate_limit_exceeded: 3 }, 7);
    expect(rollup).toMatchObject({
      ...hour,
      computedAt: 7,
      totals: { requests: 2, inputTokens: 20, outputTokens: 40, cost: 140 },
      byTier: { pro: { requests: 1, cost: 100 }, free: { requests: 1, cost: 40 } },
      byModel: { 'local:local-small': { cost: 100 }, 'local:local-large': { cost: 40 } },
      users: 2,
      endReasons: { completed: 1, max_tokens_exceeded: 1 },
      rejections: { rate_limit_exceeded: 3 },
    });
    expect(rollupHour(hour, [b, a], { rate_limit_exceeded: 3 }, 7)).toEqual(rollup);
  });

  it('keeps the top spenders only, biggest first', () => {
    const sessions = Array.from({ length: 30 }, (_, i) => session(`user-${String(i).padStart(2, '0')}`, i));
    const { topUsers, users } = rollupHour(hour, sessions, {}, 0, 5);
    expect(users).toBe(30);
    expect(topUsers.map((u) => u.userId)).toEqual(['user-29', 'user-28', 'user-27', 'user-26', 'user-25']);
  });
});
