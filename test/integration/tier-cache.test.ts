// A warm container's admission stays one write when its cached tier comes due: for one
// more period the cached tier serves the admission and is read again after it, so an edit
// applies from the next admission; a tier older than that is read before deciding.
import { describe, expect, it } from 'vitest';
import type { Tier } from '../../functions/shared/tier.js';
import type { AdmissionWrite } from '../../functions/throttle/admission.js';
import { DynamoThrottleStore } from '../../functions/throttle/dynamo/dynamo-throttle-store.js';
import type { AdmitResult } from '../../functions/throttle/throttle-store.js';
import { testTier } from '../helpers/store-fixtures.js';
import { localAdmission, testThrottler } from '../helpers/test-throttler.js';
import { useTestStore } from '../helpers/test-store.js';

/** The store, recording the order of tier reads and admission writes. */
class RecordingStore extends DynamoThrottleStore {
  calls: string[] = [];
  lastTierRead?: Promise<Tier | undefined>;
  override getTier(name: string): Promise<Tier | undefined> {
    this.calls.push('tier read');
    this.lastTierRead = super.getTier(name);
    return this.lastTierRead;
  }
  override admit(write: AdmissionWrite, projected?: string[]): Promise<AdmitResult> {
    this.calls.push('admission');
    return super.admit(write, projected);
  }
}

const local = useTestStore();

describe('tier cache', () => {
  it('serves a due tier for one more period, reads it after the admission, and reads an older one first', async () => {
    const { userId, tier } = await local.fixtures.userOnNewTier({ maxTokensPerRequest: 500 });
    const store = new RecordingStore(local.db, local.tables);
    let now = Date.now();
    const throttler = testThrottler({
      store,
      defaultTier: tier.name,
      tierCacheMs: 1_000,
      clock: () => now,
    });
    const admit = async () => {
      store.calls = [];
      const stream = await throttler.admit(localAdmission(userId));
      await stream.finish('completed');
      return stream.maxOutputTokens;
    };

    expect(await admit()).toBe(500);
    expect(store.calls).toEqual(['tier read', 'admission']);

    await local.fixtures.putTier(testTier(tier.name, { maxTokensPerRequest: 300 }));
    now += 1_500; // due, within one more period
    expect(await admit()).toBe(500);
    expect(store.calls).toEqual(['admission', 'tier read']);
    await store.lastTierRead;

    expect(await admit()).toBe(300);
    expect(store.calls).toEqual(['admission']);

    now += 5_000; // older than two periods
    expect(await admit()).toBe(300);
    expect(store.calls).toEqual(['tier read', 'admission']);
  });
});
