// The money path's write budget, counted at the HTTP level (a proxy in front of the store,
// so SDK retries are counted): requests per stream before the first byte, reports while
// it streams, and settlement, for the stream shapes that exercise each rule.
import { randomUUID } from 'node:crypto';
import { catalogKey, experimentPartition } from '../functions/shared/keys.js';
import type { TableNames } from '../functions/shared/tables.js';
import type { BenchContext } from './bench-context.js';
import { benchTier } from './bench-store.js';
import { startCountingProxy, type CountingProxy, type SeenRequest } from './counting-proxy.js';
import type { ServedHandler } from './served-handler.js';
import { streamOnce } from './stream-client.js';

type Kind =
  | 'admission'
  | 'report'
  | 'settlement commit'
  | 'settlement projection'
  | 'account read'
  | 'account creation'
  | 'sign-up projection'
  | 'tier read'
  | 'catalog read'
  | 'experiment lookup'
  | 'load gauge'
  | 'other';

export interface StreamCount {
  /** Every request before the first body byte. */
  beforeFirstByte: number;
  admission: number;
  reports: number;
  settlement: number;
  /** Everything, as kinds in order, e.g. `tier read, account read, admission`. */
  kinds: Kind[];
  /** Requests answered with an error (including injected faults), each retried. */
  errors: number;
  /** Output tokens the settlement charged for (the tokenizer's or the provider's count). */
  outputTokens: number;
  durationMs: number;
}

export interface BudgetRow {
  label: string;
  counts: StreamCount[];
  /** What the design allows, as text. */
  budget: string;
}

function kindOf(request: SeenRequest, tables: TableNames): Kind {
  const body = request.body;
  const expression = String(body.UpdateExpression ?? '');
  const values = (body.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const partition = String((body.Key as { pk?: { S?: string } } | undefined)?.pk?.S ?? '');
  const queried = String(
    ((body.ExpressionAttributeValues ?? {}) as Record<string, { S?: string }>)[':pk']?.S ??
      (body.KeyConditionExpression ? Object.values(values)[0] : ''),
  );
  if (partition === experimentPartition) return 'experiment lookup';
  if (partition === catalogKey.pk) return 'catalog read';
  if (partition.startsWith('LOAD#') || queried.includes('LOAD#') || request.operation === 'Query') return 'load gauge';
  switch (request.operation) {
    case 'GetItem':
      return body.TableName === tables.tiers ? 'tier read' : 'account read';
    case 'PutItem':
      if (String((body.Item as { pk?: { S?: string } } | undefined)?.pk?.S).startsWith('LOAD#')) return 'load gauge';
      return body.TableName === tables.credits ? 'account creation' : 'other';
    case 'BatchWriteItem':
      return tables.sessions in ((body.RequestItems ?? {}) as object) ? 'settlement projection' : 'sign-up projection';
    case 'UpdateItem':
      if (':pendingEntry' in values) return 'admission';
      if (':charge' in values) return 'settlement commit';
      if (expression.includes(':leaseUntil')) return 'report';
      return 'other';
    default:
      return 'other';
  }
}

/** tokensOut of the session record the settlement projected (marshalled DynamoDB JSON). */
function settledOutputTokens(requests: SeenRequest[]): number {
  type Marshalled = { M?: Record<string, Marshalled>; N?: string };
  for (const request of requests) {
    const values = (request.body.ExpressionAttributeValues ?? {}) as Record<string, Marshalled>;
    const tokensOut = values[':movement']?.M?.session?.M?.tokensOut?.N;
    if (tokensOut !== undefined) return Number(tokensOut);
  }
  return 0;
}

async function countOne(
  context: BenchContext,
  handler: ServedHandler,
  proxy: CountingProxy,
  userId: string,
  prompt: string,
): Promise<StreamCount> {
  const from = proxy.seen.length;
  const started = performance.now();
  const outcome = await streamOnce(handler.url, await context.token(userId), prompt);
  await handler.idle(); // the invocation ends once the stream is settled
  await proxy.drained(); // and work it left in the background (a sign-up projection) is done
  if (!outcome.complete) throw new Error(`write budget stream did not complete: ${outcome.error ?? outcome.status}`);
  const firstByteAt = started + outcome.firstByteMs;
  const requests = proxy.seen.slice(from);
  const kinds = requests.map((request) => kindOf(request, context.store.tables));
  const count = (kind: Kind) => kinds.filter((k) => k === kind).length;
  return {
    // The load gauge publishes on a timer, off every stream's path: listed, not counted before the first byte.
    beforeFirstByte: requests.filter((request, i) => request.at < firstByteAt && kinds[i] !== 'load gauge').length,
    admission: count('admission'),
    reports: count('report'),
    settlement: count('settlement commit') + count('settlement projection'),
    kinds,
    errors: requests.filter((request) => request.status !== 200).length,
    outputTokens: settledOutputTokens(requests),
    durationMs: outcome.totalMs,
  };
}

export async function writeBudget(context: BenchContext): Promise<BudgetRow[]> {
  const proxy = await startCountingProxy(context.store.endpoint);
  const rows: BudgetRow[] = [];
  const handlers: ServedHandler[] = [];
  const container = async () => {
    const handler = await context.handler(true, proxy.endpoint);
    handlers.push(handler);
    return handler;
  };
  try {
    const newUser = `budget-new-${randomUUID()}`;
    rows.push({
      label: 'new user, cold container (once per user)',
      counts: [await countOne(context, await container(), proxy, newUser, '20 words')],
      budget: 'account creation and tier read, then as below',
    });
    rows.push({
      label: 'existing user, cold container',
      counts: [await countOne(context, await container(), proxy, newUser, '20 words')],
      budget: 'account and tier read, then as below',
    });

    const warm = await container();
    const user = `budget-${randomUUID()}`;
    await countOne(context, warm, proxy, user, '20 words'); // this container now knows the account
    const short: StreamCount[] = [];
    for (let i = 0; i < 10; i++) short.push(await countOne(context, warm, proxy, user, '20 words'));
    rows.push({ label: 'warm container, 20 words', counts: short, budget: '1 admission; 0 reports; 2 settlement' });

    const paced: StreamCount[] = [];
    for (let i = 0; i < 3; i++)
      paced.push(await countOne(context, warm, proxy, user, '600 words at 200 tokens per second'));
    rows.push({
      label: 'warm container, 600 words over 3 s',
      counts: paced,
      budget: `1; 1 per ${benchTier.reportEveryTokens} output tokens; 2`,
    });
    const fast: StreamCount[] = [];
    for (let i = 0; i < 3; i++) fast.push(await countOne(context, warm, proxy, user, '2000 words'));
    rows.push({
      label: 'warm container, 2000 words at full speed',
      counts: fast,
      budget: `1; 1 per ${benchTier.reportEveryTokens} output tokens; 2`,
    });

    const slow = [await countOne(context, warm, proxy, user, '44 words at 4 tokens per second')];
    rows.push({
      label: 'warm container, 44 words over 11 s',
      counts: slow,
      budget: `1; 1 per ${benchTier.reportEverySeconds} s; 2`,
    });

    proxy.failEvery(3);
    const faulty: StreamCount[] = [];
    for (let i = 0; i < 9; i++) faulty.push(await countOne(context, warm, proxy, user, '20 words'));
    proxy.failEvery(0);
    rows.push({
      label: 'warm, every 3rd store request answered 500',
      counts: faulty,
      budget: 'as above plus one request per retry',
    });
  } finally {
    for (const handler of handlers) await handler.close();
    await proxy.close();
  }
  return rows;
}
