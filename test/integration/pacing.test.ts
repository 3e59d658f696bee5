// Pacing instead of a cut, on a real store with time under the test's control: a tier
// that prefers slowing to cutting keeps a stream under its tokens per minute with no error
// part, tells the client once, and never holds the stream past its maximum duration.
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoThrottleStore } from '../../functions/throttle/dynamo/dynamo-throttle-store.js';
import type { MonitoredPart } from '../../functions/chat/stream-gate.js';
import { localAdmission, testThrottler } from '../helpers/test-throttler.js';
import { useTestStore } from '../helpers/test-store.js';

const local = useTestStore();
let store: DynamoThrottleStore;
beforeAll(() => {
  store = new DynamoThrottleStore(local.db, local.tables);
});

/** Time as the test decides: sleeping moves the clock. */
function virtualTime() {
  const time = { now: Math.ceil(Date.now() / 60_000) * 60_000 + 1_000 };
  return {
    time,
    clock: () => time.now,
    sleep: async (ms: number) => {
      time.now += Math.max(0, ms);
    },
  };
}

async function pacedStream(tierLimits: { tokensPerMinute: number; maxStreamSeconds: number }, parts: number) {
  const { userId } = await local.fixtures.userOnNewTier({
    ...tierLimits,
    maxTokensPerRequest: 1_000,
    pacing: true,
    reportEveryTokens: 1_000,
    reportEverySeconds: 60,
  });
  const { time, clock, sleep } = virtualTime();
  const throttler = testThrottler({
    store,
    defaultTier: 'free',
    clock,
    sleep,
  });
  const stream = await throttler.admit(localAdmission(userId));
  const monitor = stream.monitor(() => undefined);
  const writer = monitor.writable.getWriter();
  const out: Array<{ part: MonitoredPart; at: number }> = [];
  const reading = (async () => {
    const reader = monitor.readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      out.push({ part: value, at: time.now });
    }
  })();
  for (let i = 0; i < parts; i++) {
    await writer.write({ type: 'text-delta', id: '0', text: ' w'.repeat(10) }).catch(() => undefined);
  }
  await writer.close().catch(() => undefined);
  await reading;
  await stream.finish('completed');
  return { userId, out, startedAt: clock };
}

const tokensByMinute = (out: Array<{ part: MonitoredPart; at: number }>) => {
  const minutes = new Map<number, number>();
  for (const { part, at } of out) {
    if (part.type !== 'text-delta') continue;
    const minute = Math.floor(at / 60_000);
    minutes.set(minute, (minutes.get(minute) ?? 0) + part.text.length / 2);
  }
  return [...minutes.values()];
};

describe('pacing instead of a cut', () => {
  it('keeps a stream under its tokens per minute with no error part, and says so once', async () => {
    // 150 tokens of output at 60 tokens a minute (the prompt takes 10 of the first minute).
    const { userId, out } = await pacedStream({ tokensPerMinute: 60, maxStreamSeconds: 600 }, 15);
    expect(out.filter((o) => o.part.type === 'error')).toEqual([]);
    const notices = out.flatMap((o) => (o.part.type === 'notice' ? [o.part.notice] : []));
    expect(notices.filter((n) => n.type === 'pacing')).toEqual([
      expect.objectContaining({ type: 'pacing', tokensPerMinute: 60 }),
    ]);
    const perMinute = tokensByMinute(out);
    expect(perMinute.reduce((a, b) => a + b, 0)).toBe(150);
    expect(perMinute.length).toBeGreaterThan(2);
    expect(Math.max(...perMinute)).toBeLessThanOrEqual(60);
    const { account } = await local.fixtures.expectBalanced(userId);
    expect(account.pending).toEqual({});
    const [session] = await local.fixtures.sessions(userId);
    expect(session).toMatchObject({ endReason: 'completed', tokensOut: 150 });
  });

  it('never holds a stream past its maximum duration', async () => {
    // 300 tokens at 60 a minute would take five minutes; the tier allows 150 seconds.
    const { userId, out } = await pacedStream({ tokensPerMinute: 60, maxStreamSeconds: 150 }, 30);
    const errors = out.flatMap((o) => (o.part.type === 'error' ? [(o.part.error as { type: string }).type] : []));
    expect(errors).toEqual(['max_duration_exceeded']);
    const { account } = await local.fixtures.expectBalanced(userId);
    expect(account.pending).toEqual({});
  });
});
