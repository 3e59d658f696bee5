// Scheduled Lambda: settles sessions whose Lambda died (lease expired, never settled).
import { loadConfig } from '../config.js';
import { createLogger } from '../observability/logger.js';
import { createDocumentClient } from '../throttle/dynamo/dynamo-client.js';
import { DynamoThrottleStore } from '../throttle/dynamo/dynamo-throttle-store.js';
import { sweepExpiredSessions, type SweepResult } from '../throttle/sweeper.js';

const config = loadConfig();
const logger = createLogger('sweeper');
const store = new DynamoThrottleStore(
  createDocumentClient({ region: config.region, endpoint: config.dynamoEndpoint }),
  config.tables,
);

export async function handler(): Promise<SweepResult> {
  const total: SweepResult = { examined: 0, settled: 0 };
  // Drain in batches while a batch comes back full, within one invocation.
  for (let round = 0; round < 20; round++) {
    const result = await sweepExpiredSessions(store, config.catalog, Date.now(), config.throttle.heartbeatMs);
    total.examined += result.examined;
    total.settled += result.settled;
    if (result.examined < 100) break;
  }
  logger.info('sweep finished', { ...total });
  return total;
}
