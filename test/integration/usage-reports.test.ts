// How often a healthy stream reports: about once per `reportEveryTokens`, each report sent
// ahead of the allowance running out, and no timed report while reports by tokens keep
// the lease fresh. (Dead-stream billing bounds are in test/money/stream-bounds.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { StreamPart } from '../../functions/chat/stream-gate.js';
import { createDocumentClient } from '../../functions/throttle/dynamo/dynamo-client.js';
import { DynamoThrottleStore } from '../../functions/throttle/dynamo/dynamo-throttle-store.js';
import type { ReportAnswer, UsageReport } from '../../functions/throttle/throttle-store.js';
import {
  createTables,
  localAwsCredentials,
  startEmbeddedDynamo,
  type EmbeddedDynamo,
} from '../../local/embedded-dynamodb.js';
import { StoreFixtures } from '../helpers/store-fixtures.js';
import { localAdmission, testThrottler } from '../helpers/test-throttler.js';

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

const tables = {
  tiers: `tiers-${randomUUID()}`,
  credits: `credits-${randomUUID()}`,
  sessions: `sessions-${randomUUID()}`,
};
let dynamo: EmbeddedDynamo;
let fixtures: StoreFixtures;
let db: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  await createTables(dynamo.endpoint, tables);
  fixtures = new StoreFixtures(dynamo.endpoint, tables);
  db = createDocumentClient({ region: 'us-east-1', endpoint: dynamo.endpoint, credentials: localAwsCredentials });
});
afterAll(async () => {
  db.destroy();
  fixtures.db.destroy();
  await dynamo.close();
});

describe('usage reports', () => {
  it('come about once per reportEveryTokens, ahead of need, with no timed report in between', async () => {
    const reportEveryTokens = 32;
    const { userId, tier } = await fixtures.userOnNewTier(
      { reportEveryTokens, reportEverySeconds: 1, maxTokensPerRequest: 1_000 },
      1_000_000,
    );
    const store = new CountingStore(db, tables);
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
});
