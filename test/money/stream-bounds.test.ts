// 1 000 seeded random streams through the real monitor, reports and settlement on a real
// store: parts of random sizes (up to 60 tokens, as servers under load batch them), random
// balances and limits, and streams whose Lambda dies at a random part. For each stream:
//   - no limit is ever passed (what went out fits max tokens, the minute grant and the
//     credits reserved), and a stream cut by a limit stopped less than one part short;
//   - a finished stream is charged exactly what went out; a dead one at least that and at
//     most two report intervals (one and the report-ahead lead) plus one part more; never
//     more than its reservation.
import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { DynamoThrottleStore } from '../../functions/throttle/dynamo/dynamo-throttle-store.js';
import type { StreamingThrottler } from '../../functions/throttle/streaming-throttler.js';
import { sweep } from '../../functions/throttle/sweeper.js';
import type { AdmittedStream, StreamPart } from '../../functions/chat/stream-gate.js';
import { testCatalog, testTier } from '../helpers/store-fixtures.js';
import { limitReasons } from '../../functions/shared/reasons.js';
import type { SettledSession } from '../../functions/throttle/account.js';
import { localAdmission, testThrottler } from '../helpers/test-throttler.js';
import { useTestStore } from '../helpers/test-store.js';

const streams = Number(process.env.BOUNDS_STREAMS ?? 1_000);
const seed = Number(process.env.FC_SEED ?? 20261125);
const maxPart = 60;
const concurrency = 25;
const streamsPerUser = 10;

const local = useTestStore();
let store: DynamoThrottleStore;

// Tiers that differ in report interval and limits; all allow many streams and requests.
const tierShapes = [
  { reportEveryTokens: 8, maxTokensPerRequest: 120, tokensPerMinute: 1_000_000 },
  { reportEveryTokens: 32, maxTokensPerRequest: 400, tokensPerMinute: 1_000_000 },
  { reportEveryTokens: 100, maxTokensPerRequest: 400, tokensPerMinute: 250 },
] as const;
const tierNames = tierShapes.map((_, i) => `bounds-${i}-${randomUUID().slice(0, 8)}`);

beforeAll(async () => {
  store = new DynamoThrottleStore(local.db, local.tables);
  for (const [i, shape] of tierShapes.entries()) {
    await local.fixtures.putTier(
      testTier(tierNames[i]!, {
        ...shape,
        requestsPerHour: 100_000,
        burst: 10_000,
        concurrentStreams: 1_000,
        reportEverySeconds: 60,
      }),
    );
  }
});

interface Spec {
  tier: number;
  credits: number;
  parts: number[];
  /** The Lambda dies before this part (none: the stream finishes). */
  dieAt?: number;
}

const specArbitrary: fc.Arbitrary<Spec> = fc
  .record({
    tier: fc.nat(tierShapes.length - 1),
    credits: fc.integer({ min: 30, max: 3_000 }),
    parts: fc.array(fc.integer({ min: 1, max: maxPart }), { minLength: 1, maxLength: 30 }),
    die: fc.option(fc.nat(30), { nil: undefined }),
  })
  .map(({ die, ...spec }) => ({ ...spec, dieAt: die === undefined ? undefined : Math.min(die, spec.parts.length) }));

let clockNow = Date.now();

interface Outcome {
  spec: Spec;
  userId: string;
  sessionId?: string;
  sent: number;
  /** The limit reason the stream was cut with, if any. */
  cut?: string;
  /** Tokens of the part the monitor refused (for the undershoot bound). */
  refusedPart?: number;
  died: boolean;
}

async function runStream(throttler: StreamingThrottler, spec: Spec, userId: string): Promise<Outcome> {
  const outcome: Outcome = { spec, userId, sent: 0, died: false };
  let stream: AdmittedStream;
  try {
    stream = await throttler.admit(localAdmission(userId));
  } catch {
    return outcome; // refused: nothing streamed, nothing reserved
  }
  outcome.sessionId = stream.sessionId;
  const monitor = stream.monitor(() => undefined);
  const writer = monitor.writable.getWriter();
  const reader = monitor.readable.getReader();
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value.type === 'text-delta') outcome.sent += value.text.length / 2;
      if (value.type === 'error') outcome.cut = (value.error as { type: string }).type;
    }
  })();
  for (const [index, tokens] of spec.parts.entries()) {
    if (index === spec.dieAt) {
      outcome.died = true; // no more parts, no settlement: the sweeper finds it
      return outcome;
    }
    if (outcome.cut) {
      outcome.refusedPart ??= spec.parts[index - 1];
      break;
    }
    const part: StreamPart = { type: 'text-delta', id: '0', text: ' w'.repeat(tokens) };
    const before = outcome.sent;
    await writer.write(part).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    if (outcome.cut && outcome.sent === before) outcome.refusedPart = tokens;
  }
  await writer.close().catch(() => undefined);
  await reading.catch(() => undefined);
  await stream.finish('completed');
  return outcome;
}

describe('stream bounds over 1 000 random streams', () => {
  it('never passes a limit, stops less than a part short, and bills within the documented bounds', async () => {
    const specs = fc.sample(specArbitrary, { numRuns: streams, seed });
    const throttler = testThrottler({
      store,
      defaultTier: tierNames[0]!,
      tierCacheMs: 60_000,
      clock: () => clockNow,
    });
    // Users run side by side, each its streams one after another (on its own tier and balance).
    const outcomes: Outcome[] = [];
    const users = Array.from({ length: Math.ceil(specs.length / streamsPerUser) }, (_, i) => ({
      userId: `b${i}-${randomUUID().slice(0, 8)}`,
      specs: specs.slice(i * streamsPerUser, (i + 1) * streamsPerUser),
    }));
    for (let start = 0; start < users.length; start += concurrency) {
      await Promise.all(
        users.slice(start, start + concurrency).map(async ({ userId, specs: own }) => {
          await local.fixtures.createAccount(userId, tierNames[own[0]!.tier]!, own[0]!.credits);
          for (const spec of own) outcomes.push(await runStream(throttler, { ...spec, tier: own[0]!.tier }, userId));
        }),
      );
    }
    clockNow += 20 * 60_000; // every dead stream's lease lapsed
    while ((await sweep(store, testCatalog, clockNow, 100)).examined > 0);

    const failures: string[] = [];
    const fail = (o: Outcome, why: string) => failures.push(`${why} :: ${JSON.stringify(o)}`);
    let died = 0;
    let cut = 0;
    const sessions = new Map<string, SettledSession>();
    for (const { userId } of users) {
      for (const session of await local.fixtures.sessions(userId)) sessions.set(session.sessionId, session);
      await local.fixtures.expectBalanced(userId).catch((err: Error) => failures.push(`${userId}: ${err.message}`));
    }
    for (const o of outcomes) {
      if (!o.sessionId) continue;
      const session = sessions.get(o.sessionId);
      if (!session) {
        fail(o, 'no session record');
        continue;
      }
      const shape = tierShapes[o.spec.tier]!;
      const allowance = (session.tokenGrant ?? 0) - session.tokensIn;
      // Overshoot: what went out fits every limit.
      if (o.sent > shape.maxTokensPerRequest) fail(o, `sent ${o.sent} > max tokens ${shape.maxTokensPerRequest}`);
      if (o.sent > session.tokenGrant - 10) fail(o, `sent ${o.sent} > minute grant ${session.tokenGrant} - prompt`);
      if (2 * o.sent + 10 > session.reserved) fail(o, `sent ${o.sent} costs more than reserved ${session.reserved}`);
      // Undershoot: a cut stream stopped only because the next part would not fit.
      if (o.cut && (limitReasons as readonly string[]).includes(o.cut)) {
        cut += 1;
        const limit = Math.min(shape.maxTokensPerRequest, allowance, Math.floor((session.reserved - 10) / 2));
        if (o.refusedPart !== undefined && o.sent + o.refusedPart <= limit) {
          fail(o, `cut at ${o.sent} although a part of ${o.refusedPart} fit under ${limit}`);
        }
      }
      // Billing.
      if (o.died) {
        died += 1;
        const slack = 2 * shape.reportEveryTokens + maxPart;
        if (session.tokensOut < o.sent || session.tokensOut > o.sent + slack) {
          fail(o, `dead stream charged ${session.tokensOut} output tokens for ${o.sent} sent (slack ${slack})`);
        }
      } else if (session.tokensOut !== o.sent) {
        fail(o, `finished stream charged ${session.tokensOut} output tokens for ${o.sent} sent`);
      }
      if (session.charged > session.reserved) fail(o, `charged ${session.charged} > reserved ${session.reserved}`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // The sample exercises what it claims to: a good share (about a tenth each, whatever the
    // seed and size) of streams die mid-way and are cut by a limit.
    expect(died).toBeGreaterThan(streams / 20);
    expect(cut).toBeGreaterThan(streams / 20);
  }, 600_000);
});
