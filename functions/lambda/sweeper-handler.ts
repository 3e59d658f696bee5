// Scheduled Lambda: resolves reservations whose stream's Lambda died (lease lapsed) and
// projects committed movements a dead Lambda left in an account's outbox; then brings the
// usage rollup up to date (the current and the previous hour, and a load sample).
import { loadConfig } from '../config.js';
import type { Context } from 'aws-lambda';
import { createLogger, injectLambdaContext } from '../observability/logger.js';
import { createDocumentClient } from '../throttle/dynamo/dynamo-client.js';
import { DynamoThrottleStore } from '../throttle/dynamo/dynamo-throttle-store.js';
import { sweep, type SweepResult } from '../throttle/sweeper.js';
import { liveCatalog } from '../catalog/live-catalog.js';
import { DynamoRollupStore } from '../rollup/dynamo-rollup-store.js';
import { runRollup } from '../rollup/rollup-job.js';

const config = loadConfig();
const logger = createLogger('sweeper');
const db = createDocumentClient({ region: config.region, endpoint: config.dynamoEndpoint });
const store = new DynamoThrottleStore(db, config.tables);
const catalog = liveCatalog(config, db, logger);
const rollups = new DynamoRollupStore(db, config.tables);
const batch = 100;

export async function handler(_event: unknown, context: Context): Promise<SweepResult> {
  injectLambdaContext('sweeper', context);
  const total: SweepResult = { examined: 0, resolved: 0, projected: 0 };
  const prices = await catalog.current(); // a dead stream is charged at today's price, never above its reservation
  // Drain in batches while a batch comes back full, within one invocation.
  for (let round = 0; round < 20; round++) {
    const result = await sweep(store, prices, Date.now(), batch);
    total.examined += result.examined;
    total.resolved += result.resolved;
    total.projected += result.projected;
    if (result.examined < batch) break;
  }
  logger.info('sweep finished', { ...total });
  // After the sweep, whose projections it counts. A failure fails the invocation (and its
  // error alarm); the next run recomputes the same hours.
  const rollup = await runRollup(rollups, Date.now());
  logger.info('usage rollup updated', { hours: rollup.hours, sessions: rollup.sessions, active: rollup.load.active });
  return total;
}
