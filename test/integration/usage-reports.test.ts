// How often a healthy stream reports: about once per `reportEveryTokens`, each report sent
// ahead of the allowance running out, and no timed report while reports by tokens keep
// the lease fresh; when answers come back slowly, reports go out further ahead, so the
// stream still does not wait for them and still reports once per interval.
// (Dead-stream billing bounds are in test/money/stream-bounds.test.ts.)
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../functions/chat/stream-gate.js';
import { DynamoThrottleStore } from '../../functions/throttle/dynamo/dynamo-throttle-store.js';
import type { ReportAnswer, UsageReport } from '../../functions/throttle/throttle-store.js';
import { localAdmission, testThrottler } from '../helpers/test-throttler.js';
import { useTestStore } from '../helpers/test-store.js';

class CountingStore extends DynamoThrottleStore {
  reports = 0;
  private inFlight = new Set<Promise<unknown>>();
  override report(userId: string, sessionId: string, report: UsageReport): Promise<ReportAnswer> {
    this.reports += 1;
    const answer = super.report(userId, sessionId, report);
    this.inFlight.add(answer);
    return answer.finally(() => this.inFlight.delete(answer));
  }
  /** Every report sent so far has its answer, and the stream has taken it. */
  async answered(): Promise<void> {
    await Promise.all(this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A store whose report answers come back `roundTripMs` (of the stream's clock) after they were asked. */
class LateAnsweringStore extends DynamoThrottleStore {
  reports = 0;
  roundTripMs = 0;
  private readonly atStore = new Set<Promise<unknown>>();
  private held: Array<{ dueAt: number; hand: () => void }> = [];
  override async report(userId: string, sessionId: string, report: UsageReport): Promise<ReportAnswer> {
    this.reports += 1;
    const asked = super.report(userId, sessionId, report);
    this.atStore.add(asked);
    const answer = await asked.finally(() => this.atStore.delete(asked));
    await new Promise<void>((hand) => this.held.push({ dueAt: report.now + this.roundTripMs, hand }));
    return answer;
  }
  /** When the earliest held answer is due. */
  get nextDueAt(): number | undefined {
    return this.held[0]?.dueAt;
  }
  /** Every report sent so far has been answered by the store, and the stream has taken what was handed over. */
  async quiet(): Promise<void> {
    await Promise.all(this.atStore);
    await new Promise((resolve) => setImmediate(resolve));
  }
  /** Hands over the answers due by `now`. */
  release(now: number): void {
    const due = this.held.filter((answer) => answer.dueAt <= now);
    this.held = this.held.filter((answer) => answer.dueAt > now);
    for (const answer of due) answer.hand();
  }
}

const local = useTestStore();

describe('usage reports', () => {
  it('come about once per reportEveryTokens, ahead of need, with no timed report in between', async () => {
    const reportEveryTokens = 32;
    const { userId, tier } = await local.fixtures.userOnNewTier(
      { reportEveryTokens, reportEverySeconds: 1, maxTokensPerRequest: 1_000 },
      1_000_000,
    );
    const store = new CountingStore(local.db, local.tables);
    let now = Date.now();
    const throttler = testThrottler({
      store,
      defaultTier: tier.name,
      tierCacheMs: 60_000,
      clock: () => now,
    });
    const stream = await throttler.admit(localAdmission(userId));
    const monitor = stream.monitor(() => undefined);
    const writer = monitor.writable.getWriter();
    const reader = monitor.readable.getReader();
    let sent = 0;
    let errorPart: unknown;
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value.type === 'text-delta') sent += value.text.length / 2; // one token per " w"
        if (value.type === 'error') errorPart = value.error;
      }
    })();
    // A steady stream: one token per part, 10 ms of the stream's clock apart, each report
    // answered before the next part (the store is fast next to the model).
    const tokens = 20 * reportEveryTokens;
    for (let i = 0; i < tokens; i++) {
      now += 10;
      await writer.write({ type: 'text-delta', id: '0', text: ' w' } satisfies StreamPart);
      await store.answered();
    }
    await writer.close();
    await reading;
    await stream.finish('completed');

    expect(errorPart).toBeUndefined();
    expect(sent).toBe(tokens);
    // The admission grants the first interval; then one report per interval, sent a part or two early.
    expect(store.reports).toBeLessThanOrEqual(tokens / reportEveryTokens);
    expect(store.reports).toBeGreaterThanOrEqual(tokens / reportEveryTokens - 1);
  });

  it('go out further ahead when answers come back slowly, so the stream does not wait for them', async () => {
    const reportEveryTokens = 32;
    const { userId, tier } = await local.fixtures.userOnNewTier(
      { reportEveryTokens, reportEverySeconds: 60, maxTokensPerRequest: 10_000 },
      1_000_000,
    );
    const store = new LateAnsweringStore(local.db, local.tables);
    let now = Date.now();
    const throttler = testThrottler({ store, defaultTier: tier.name, tierCacheMs: 60_000, clock: () => now });
    const stream = await throttler.admit(localAdmission(userId));
    const monitor = stream.monitor(() => undefined);
    const writer = monitor.writable.getWriter();
    const reader = monitor.readable.getReader();
    // A steady stream, one token per part 10 ms apart, whose report answers come back 120 ms
    // after they were asked: 12 tokens stream meanwhile, more than a quarter of an interval.
    store.roundTripMs = 120;
    const tokens = 20 * reportEveryTokens;
    let waited = 0;
    for (let i = 0; i < tokens; i++) {
      now += 10;
      store.release(now);
      let out = false;
      const write = writer.write({ type: 'text-delta', id: '0', text: ' w' } satisfies StreamPart);
      const part = reader.read().then(() => {
        out = true;
      });
      await store.quiet();
      // A part that is not out while the store has answered everything waits for a held answer:
      // the stream's time goes on until that answer comes back.
      if (!out) waited += 1;
      while (!out) {
        now = Math.max(now, store.nextDueAt ?? now);
        store.release(now);
        await store.quiet();
      }
      await part;
      await write;
    }
    await writer.close();
    const finishing = stream.finish('completed');
    let finished = false;
    void finishing.then(() => {
      finished = true;
    });
    while (!finished) {
      await store.quiet();
      store.release(Number.POSITIVE_INFINITY);
    }

    // The admission's round trip took no time on this clock, so only the first report, sent
    // before a round trip was measured, may leave the stream waiting.
    expect(waited).toBeLessThanOrEqual(1);
    expect(store.reports).toBeLessThanOrEqual(tokens / reportEveryTokens + 1);
  });
});
