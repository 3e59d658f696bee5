// StreamingThrottler benchmarks: DynamoDB requests per stream by phase, added time to
// first byte over the same handler unthrottled, decision and admission throughput beside
// rate-limiter-flexible's DynamoDB limiter on the same server.
import { randomUUID } from 'node:crypto';
import { DynamoDB } from '@aws-sdk/client-dynamodb';
import { RateLimiterDynamo } from 'rate-limiter-flexible';
import { localAwsCredentials } from '../local/embedded-dynamodb.js';
import { defaultTableNames } from '../local/local-stack.js';
import { defaultModelCatalog } from '../functions/shared/catalog.js';
import { decideAdmission } from '../functions/throttle/admission.js';
import { monitorVerdict } from '../functions/throttle/monitor-verdict.js';
import { DynamoThrottleStore } from '../functions/throttle/dynamo/dynamo-throttle-store.js';
import { StreamingThrottler } from '../functions/throttle/streaming-throttler.js';
import type { Account } from '../functions/throttle/account.js';
import { experimentPartition } from '../functions/shared/keys.js';
import { benchTier, type BenchStack, type CountedRequest } from './bench-stack.js';
import { fmt, median, percentile, throughput } from './measure.js';

const body = JSON.stringify({ messages: [{ role: 'user', content: '20 words' }] });

async function streamOnce(url: string, token: string): Promise<{ firstByteMs: number; status: number }> {
  const started = performance.now();
  const response = await fetch(`${url}?provider=local&model=local-small`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  const reader = response.body!.getReader();
  await reader.read();
  const firstByteMs = performance.now() - started;
  while (!(await reader.read()).done);
  return { firstByteMs, status: response.status };
}

function phaseOf(request: CountedRequest): string {
  const expression = String(request.input.UpdateExpression ?? '');
  if (request.table === defaultTableNames.tiers) return 'tier lookup (cached per container)';
  if ((request.input.Key as { pk?: string } | undefined)?.pk === experimentPartition)
    return 'experiment lookup (cached per container)';
  if (request.command === 'BatchWriteItemCommand') return 'settlement';
  if (request.table === defaultTableNames.sessions) {
    if (request.command === 'PutItemCommand') return 'session open (first heartbeat)';
    return expression.includes(':settling') ? 'settlement' : 'heartbeat';
  }
  if (request.command === 'UpdateItemCommand') return expression.includes('REMOVE') ? 'settlement' : 'admission';
  return 'admission'; // account read or creation
}

function countByPhase(requests: CountedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) counts.set(phaseOf(request), (counts.get(phaseOf(request)) ?? 0) + 1);
  return counts;
}

export async function requestsPerStream(stack: BenchStack): Promise<void> {
  const token = await stack.token(`counted-${randomUUID()}`);
  const report = (label: string, counts: Map<string, number>) =>
    console.log(`  ${label.padEnd(34)} ${[...counts].map(([phase, n]) => `${phase}: ${n}`).join(', ')}`);
  console.log(
    '\nDynamoDB requests per admitted stream (counted by an SDK middleware; stream of 20 tokens, shorter than one heartbeat)',
  );
  stack.counted.length = 0;
  await streamOnce(stack.throttledUrl, token);
  report('first stream of a new user', countByPhase(stack.counted));
  console.log(
    "  (a new user's account is created once: read, sign-up ledger entry, account; an existing user in a fresh container costs one read)",
  );
  const warmRuns = 20;
  stack.counted.length = 0;
  for (let i = 0; i < warmRuns; i++) await streamOnce(stack.throttledUrl, token);
  const warm = countByPhase(stack.counted);
  report(`next streams (warm), per stream`, new Map([...warm].map(([phase, n]) => [phase, n / warmRuns])));
  console.log('  plus one heartbeat (UpdateItem on the session) per heartbeat interval while a stream lasts');
}

export async function firstByteOverhead(stack: BenchStack, rounds = 150): Promise<void> {
  const users = await Promise.all(Array.from({ length: 10 }, (_, i) => stack.token(`ttfb-${i}-${randomUUID()}`)));
  for (const token of users) await streamOnce(stack.throttledUrl, token); // accounts created: measure the steady state
  for (let i = 0; i < 20; i++) await streamOnce(stack.unthrottledUrl, users[0]!); // warm-up
  const throttled: number[] = [];
  const unthrottled: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const token = users[i % users.length]!;
    // Alternate the order so neither side always runs first.
    const [a, b] = i % 2 ? [stack.throttledUrl, stack.unthrottledUrl] : [stack.unthrottledUrl, stack.throttledUrl];
    const first = await streamOnce(a, token);
    const second = await streamOnce(b, token);
    (a === stack.throttledUrl ? throttled : unthrottled).push(first.firstByteMs);
    (b === stack.throttledUrl ? throttled : unthrottled).push(second.firstByteMs);
  }
  const [t, u] = [median(throttled), median(unthrottled)];
  console.log(`\nTime to first byte, throttled vs unthrottled handler, ${rounds} streams each, interleaved in one run`);
  console.log(
    `  median: throttled ${fmt(t)} ms, unthrottled ${fmt(u)} ms, ratio ${fmt(t / u)}x (added ${fmt(t - u)} ms)`,
  );
  console.log(
    `  p90:    throttled ${fmt(percentile(throttled, 90))} ms, unthrottled ${fmt(percentile(unthrottled, 90))} ms`,
  );
}

export async function decisionThroughput(): Promise<void> {
  const account: Account = {
    userId: 'u',
    tier: 'bench',
    balance: 1e12,
    available: 1e12,
    pending: {},
    grants: {},
    outbox: {},
    abuse: {},
    rev: 0,
    sweepShard: 'sweep#0',
    createdAt: 0,
  };
  const request = {
    sessionId: 's',
    model: { provider: 'local' as const, modelId: 'local-small' },
    inputTokens: 50,
    features: [],
    toolsRequested: false,
  };
  const budget = {
    maxTokensPerRequest: 10_000,
    tokenGrant: 20_000,
    reserved: 1e9,
    price: { input: 1, output: 1 },
    deadline: Number.MAX_SAFE_INTEGER,
    binding: 'max_tokens_exceeded' as const,
  };
  const n = 300_000;
  let started = performance.now();
  for (let i = 0; i < n; i++) decideAdmission(account, benchTier, request, defaultModelCatalog, 1_000_000 + i);
  const admissions = n / ((performance.now() - started) / 1000);
  started = performance.now();
  for (let i = 0; i < n; i++) monitorVerdict(budget, { inputTokens: 50, outputTokens: i % 9_000 }, 1, i);
  const verdicts = n / ((performance.now() - started) / 1000);
  console.log('\nPure decision functions (one core)');
  console.log(
    `  admission decisions: ${fmt(admissions / 1e6)} M/s; monitor verdicts: ${fmt(verdicts / 1e6)} M/s (one verdict per streamed part)`,
  );
}

export async function admissionThroughput(stack: BenchStack, total = 2_000, concurrency = 16): Promise<void> {
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
  const metrics = {
    admitted: () => undefined,
    rejected: () => undefined,
    terminated: () => undefined,
    abuseDetected: () => undefined,
    settled: () => undefined,
  };
  const throttler = new StreamingThrottler({
    store: new DynamoThrottleStore(stack.db, defaultTableNames),
    catalog: defaultModelCatalog,
    defaultTier: 'bench',
    signupCredits: 1e12,
    tierCacheMs: 60_000,
    failOpen: false,
    logger,
    metrics,
  });
  const users = Array.from({ length: 64 }, (_, i) => `adm-${i}-${randomUUID()}`);
  const admit = (i: number) =>
    throttler.admit({
      requestId: String(i),
      userId: users[i % users.length]!,
      model: { provider: 'local', modelId: 'local-small' },
      inputTokens: 50,
      features: [],
      toolsRequested: false,
    });
  for (let i = 0; i < users.length; i++) await admit(i); // create the accounts first
  const ours = await throughput(total, concurrency, admit);

  const client = new DynamoDB({
    region: 'us-east-1',
    endpoint: stack.dynamo.endpoint,
    credentials: localAwsCredentials,
  });
  const limiter = await new Promise<RateLimiterDynamo>((resolve, reject) => {
    const created: RateLimiterDynamo = new RateLimiterDynamo(
      {
        storeClient: client,
        tableName: `rlflx-${randomUUID().slice(0, 8)}`,
        points: 1_000_000,
        duration: 3600,
        ttlSet: true,
      },
      (err?: Error) => (err ? reject(err) : resolve(created)),
    );
  });
  const theirs = await throughput(total, concurrency, (i) => limiter.consume(users[i % users.length]!));
  client.destroy();
  console.log(
    `\nAdmissions per second against the same local store (${concurrency} in flight, ${users.length} users, ${total} each)`,
  );
  console.log(
    `  StreamingThrottler.admit (bucket + lease + minute grant + reservation, and the session record): ${fmt(ours, 0)}/s`,
  );
  console.log(
    `  rate-limiter-flexible RateLimiterDynamo.consume (a request counter only):                     ${fmt(theirs, 0)}/s`,
  );
  console.log(`  ratio: ${fmt(ours / theirs)}x`);
}
