// Scheduled Lambda: resolves reservations whose stream's Lambda died (lease lapsed) and
// projects committed movements a dead Lambda left in an account's outbox.
import { loadConfig } from '../config.js';
import { createLogger } from '../observability/logger.js';
import { createDocumentClient } from '../throttle/dynamo/dynamo-client.js';
import { DynamoThrottleStore } from '../throttle/dynamo/dynamo-throttle-store.js';
import { sweep, type SweepResult } from '../throttle/sweeper.js';

const config = loadConfig();
const logger = createLogger('sweeper');
const store = new DynamoThrottleStore(
  createDocumentClient({ region: config.region, endpoint: config.dynamoEndpoint }),
  config.tables,
);
const batch = 100;

export async function handler(): Promise<SweepResult> {
  const total: SweepResult = { examined: 0, resolved: 0, projected: 0 };
  // Drain in batches while a batch comes back full, within one invocation.
  for (let round = 0; round < 20; round++) {
    const result = await sweep(store, config.catalog, Date.now(), batch);
    total.examined += result.examined;
    total.resolved += result.resolved;
    total.projected += result.projected;
    if (result.examined < batch) break;
  }
  logger.info('sweep finished', { ...total });
  return total;
}
