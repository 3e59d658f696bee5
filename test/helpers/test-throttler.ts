// A StreamingThrottler as the tests that drive it directly build it: the test catalog,
// no sign-up credit, no fail-open, quiet logs and metrics; and the admission request they
// send (a short prompt to the local model, no tools).
import { randomUUID } from 'node:crypto';
import { fixedCatalog } from '../../functions/catalog/catalog-source.js';
import type { AdmissionRequest } from '../../functions/chat/stream-gate.js';
import { StreamingThrottler, type StreamingThrottlerOptions } from '../../functions/throttle/streaming-throttler.js';
import { noMetrics, quietLogger } from './quiet.js';
import { testCatalog } from './store-fixtures.js';

export function testThrottler(
  options: Pick<StreamingThrottlerOptions, 'store' | 'defaultTier'> & Partial<StreamingThrottlerOptions>,
): StreamingThrottler {
  return new StreamingThrottler({
    catalog: fixedCatalog(testCatalog),
    signupCredits: 0,
    tierCacheMs: 0,
    failOpen: false,
    logger: quietLogger,
    metrics: noMetrics,
    ...options,
  });
}

export const localAdmission = (userId: string): AdmissionRequest => ({
  requestId: randomUUID(),
  userId,
  model: { provider: 'local', modelId: 'local-small' },
  inputTokens: 10,
  features: [],
  toolsRequested: false,
});
