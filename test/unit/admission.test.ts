import { describe, expect, it } from 'vitest';
import { decideAdmission, type AdmissionInput } from '../../functions/throttle/admission.js';
import type { Account } from '../../functions/throttle/account.js';
import { tierSchema, type Tier } from '../../functions/shared/tier.js';
import { costOf } from '../../functions/throttle/pricing.js';
import { leaseGraceMs } from '../../functions/throttle/lease.js';
import { refusal } from '../../functions/http/refusals.js';
import { pendingEntry } from '../helpers/pending.js';

const catalog = {
  openai: {},
  groq: {},
  local: {
    'local-small': { input: 1_000_000, output: 2_000_000 },
    'local-large': { input: 10_000_000, output: 20_000_000 },
  },
};
const now = 1_000_000_000;
const tier = (overrides: Partial<Tier> = {}): Tier =>
  tierSchema.parse({
    name: 'test',
    requestsPerHour: 60,
    burst: 2,
    maxTokensPerRequest: 100,
    concurrentStreams: 2,
    tokensPerMinute: 10_000,
    maxStreamSeconds: 60,
    allowedModels: ['local:*'],
    ...overrides,
  });
const account = (overrides: Partial<Account> = {}): Account =>
  ({
    userId: 'u',
    tier: 'test',
    balance: 100_000,
    available: 100_000,
    pending: {},
    grants: {},
    outbox: {},
    abuse: {},
    rev: 0,
    sweepShard: 'sweep#0',
    createdAt: 0,
    ...overrides,
  }) as Account;
const request = (overrides: Partial<AdmissionInput> = {}): AdmissionInput => ({
  sessionId: 's1',
  model: { provider: 'local', modelId: 'local-small' },
  inputTokens: 10,
  features: [],
  toolsRequested: false,
  ...overrides,
});
const live = (leaseUntil: number) => pendingEntry({ leaseUntil, expiresAt: leaseUntil + 60_000 });

describe('admission decision', () => {
  it('admits within every limit and reserves the worst case', () => {
    const decision = decideAdmission(account(), tier(), request(), catalog, now);
    expect(decision).toMatchObject({ admitted: true, maxOutputTokens: 100, binding: 'max_tokens_exceeded' });
    if (!decision.admitted) return;
    expect(decision.write.reserve).toBe(costOf(catalog.local['local-small'], 10, 100));
    expect(decision.write.window).toMatchObject({ variant: 'fresh', grant: 110, ceiling: 10_000 - 110 });
    expect(decision.write.pending.expiresAt).toBeGreaterThan(now + 60_000);
  });

  it.each<[string, Partial<Account>, Partial<Tier>, Partial<AdmissionInput>, number, string]>([
    ['a model outside the tier', {}, { allowedModels: ['local:local-large'] }, {}, 403, 'model_not_allowed'],
    ['a feature outside the tier', {}, {}, { features: ['tool_execution'] }, 403, 'feature_not_allowed'],
    ['an empty request bucket', { tat: now + 2 * 60_000 }, {}, {}, 429, 'rate_limit_exceeded'],
    [
      'all stream slots held',
      { pending: { a: live(now + 1), b: live(now + 1) } },
      {},
      {},
      429,
      'concurrency_limit_exceeded',
    ],
    [
      "the minute's tokens used up",
      { tpmWindow: now - (now % 60_000), tpmTokens: 9_995 },
      {},
      {},
      429,
      'tokens_per_minute_exceeded',
    ],
    ["a balance below the prompt's cost", { available: 5 }, {}, {}, 402, 'credits_exhausted'],
  ])('refuses %s', (_name, accountState, tierLimits, requestFields, status, reason) => {
    const decision = decideAdmission(account(accountState), tier(tierLimits), request(requestFields), catalog, now);
    expect(decision).toMatchObject({ admitted: false, reason });
    if (!decision.admitted) expect(refusal(decision.reason, decision.message).output.statusCode).toBe(status);
  });

  it('names the reservations whose lease lapsed when refusing for concurrency', () => {
    const decision = decideAdmission(
      account({ pending: { dead: live(now - leaseGraceMs - 1), alive: live(now + 1) } }),
      tier(),
      request(),
      catalog,
      now,
    );
    expect(decision).toMatchObject({ admitted: false, lapsed: ['dead'] });
  });

  it("degrades to the tier's cheaper model when the balance cannot cover the requested one", () => {
    const large = { provider: 'local' as const, modelId: 'local-large' };
    const decision = decideAdmission(
      account({ available: 500 }),
      tier({ degradeTo: 'local:local-small' }),
      request({ model: large }),
      catalog,
      now,
    );
    expect(decision).toMatchObject({
      admitted: true,
      model: { modelId: 'local-small' },
      degradedFrom: large,
      maxOutputTokens: 100,
    });
  });

  it('reserves what the balance affords when it cannot cover the worst case, bound by credits', () => {
    const decision = decideAdmission(account({ available: 50 }), tier(), request(), catalog, now);
    expect(decision).toMatchObject({ admitted: true, maxOutputTokens: 20, binding: 'credits_exhausted' });
    if (decision.admitted) expect(decision.write.reserve).toBe(50);
  });

  it("shrinks the output allowance to the minute's remaining tokens, bound by the rate", () => {
    const decision = decideAdmission(
      account({ tpmWindow: now - (now % 60_000), tpmTokens: 9_950 }),
      tier(),
      request(),
      catalog,
      now,
    );
    expect(decision).toMatchObject({ admitted: true, maxOutputTokens: 40, binding: 'tokens_per_minute_exceeded' });
    if (decision.admitted)
      expect(decision.write.window).toMatchObject({ variant: 'current', grant: 50, ceiling: 9_950 });
  });

  it('uses the busy bucket variant when the bucket is in use', () => {
    const decision = decideAdmission(account({ tat: now + 30_000 }), tier(), request(), catalog, now);
    expect(decision).toMatchObject({ admitted: true, write: { bucket: { variant: 'busy', newTat: now + 90_000 } } });
  });
});
