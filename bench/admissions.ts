// Admissions per second beside bare conditional UpdateItems per second on the same store,
// 16 in flight over many users, blocks interleaved. Between admission blocks every
// admitted stream is settled (not timed), so accounts do not fill up with reservations.
import { randomUUID } from 'node:crypto';
import type { AdmittedStream } from '../functions/chat/stream-gate.js';
import { defaultModelCatalog } from '../functions/shared/catalog.js';
import { createLogger } from '../functions/observability/logger.js';
import { createThrottleMetrics } from '../functions/observability/throttle-metrics.js';
import { DynamoThrottleStore } from '../functions/throttle/dynamo/dynamo-throttle-store.js';
import { StreamingThrottler } from '../functions/throttle/streaming-throttler.js';
import type { BenchContext } from './bench-context.js';
import { bareUpdate, benchTier } from './bench-store.js';
import { rate, spreadOf, type Spread } from './stats.js';
import { fixedCatalog } from '../functions/catalog/catalog-source.js';

export interface AdmissionsResult {
  ratio: Spread;
  admissionsPerSecond: Spread;
  barePerSecond: Spread;
  users: number;
  perBlock: number;
  inFlight: number;
}

export async function admissions(
  context: BenchContext,
  options = { users: 256, perBlock: 1_024, inFlight: 16 },
): Promise<AdmissionsResult> {
  const { store } = context;
  const throttler = new StreamingThrottler({
    store: new DynamoThrottleStore(store.client(), store.tables),
    catalog: fixedCatalog(defaultModelCatalog),
    defaultTier: benchTier.name,
    signupCredits: 1e15,
    tierCacheMs: 30_000,
    failOpen: false,
    logger: createLogger('bench'),
    metrics: createThrottleMetrics(),
  });
  const bare = bareUpdate(store.client(), store.tables);
  const users = Array.from({ length: options.users }, () => `adm-${randomUUID()}`);
  const open: AdmittedStream[] = [];
  const admit = async (i: number) => {
    open.push(
      await throttler.admit({
        requestId: String(i),
        userId: users[i % users.length]!,
        model: { provider: 'local', modelId: 'local-small' },
        inputTokens: 20,
        features: [],
        toolsRequested: false,
      }),
    );
  };
  const settleAll = () =>
    rate(open.length, options.inFlight, (i) => open[i]!.finish('completed')).then(() => {
      open.length = 0;
    });

  // Warm-up: accounts created and known to this container, connections open.
  await rate(users.length, options.inFlight, admit);
  await settleAll();
  await rate(users.length, options.inFlight, (i) => bare(users[i]!));

  const ratios: number[] = [];
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let repetition = 0; repetition < context.repetitions; repetition++) {
    const runAdmissions = async () => {
      ours.push(await rate(options.perBlock, options.inFlight, admit));
      await settleAll();
    };
    const runBare = async () => {
      theirs.push(await rate(options.perBlock, options.inFlight, (i) => bare(users[i % users.length]!)));
    };
    if (repetition % 2) {
      await runBare();
      await runAdmissions();
    } else {
      await runAdmissions();
      await runBare();
    }
    ratios.push(ours.at(-1)! / theirs.at(-1)!);
  }
  return {
    ratio: spreadOf(ratios),
    admissionsPerSecond: spreadOf(ours),
    barePerSecond: spreadOf(theirs),
    ...options,
  };
}
