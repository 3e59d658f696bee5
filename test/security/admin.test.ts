// Issue 11, admin input and limits: out-of-range query values, foreign or tampered cursors
// and bad bodies are a 400 with the JSON error shape before any store request; a store
// error's text never reaches an admin client; amounts keep every balance a safe integer;
// the default tier cannot be deleted; a tier the deployment cannot run is refused with the
// reason and the stored tier stays as it was. Asserted on status and JSON body, and on the
// DynamoDB requests the admin API sent.
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { useInstrumentedStack, type DynamoRequest } from '../helpers/instrumented-stack.js';
import { admin, type AdminCall } from '../helpers/admin-client.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { readDataStream } from '../helpers/protocol-readers.js';
import { testCatalog } from '../helpers/store-fixtures.js';
import { useStackFixtures } from '../helpers/test-store.js';
import { maxBalance } from '../../functions/throttle/account.js';
import { loadConfig } from '../../functions/config.js';
import type { Tier, tierSchema } from '../../functions/shared/tier.js';
import type { z } from 'zod';

type TierInput = z.input<typeof tierSchema>;

const streamTimeoutSeconds = 120;
const stack = useInstrumentedStack({
  MODEL_CATALOG: JSON.stringify(testCatalog),
  TIER_CACHE_MS: '0',
  SIGNUP_CREDITS: '0',
  DEFAULT_TIER: 'free',
  STREAM_TIMEOUT_SECONDS: String(streamTimeoutSeconds),
});
const store = useStackFixtures(stack);
afterEach(() => stack().failRequests(undefined));

type ErrorBody = { error: { type: string; message: string; fields?: Record<string, string> } };
type LedgerPage = { items: Array<{ id: string; amount: number }>; nextCursor?: string };

const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const writeCommands = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

/** The admin call's answer and the DynamoDB requests sent while it ran. */
async function call<T>(path: string, options: AdminCall = {}) {
  const before = stack().requests.length;
  const response = await admin<T>(stack(), path, options);
  return { ...response, requests: stack().requests.slice(before) };
}

/** A 4xx with the JSON error shape, and not one store request. */
async function expectRefused(path: string, options: AdminCall = {}, status = 400): Promise<ErrorBody['error']> {
  const { status: actual, body, requests } = await call<ErrorBody>(path, options);
  expect(actual, JSON.stringify(body)).toBe(status);
  expect(body.error).toEqual(expect.objectContaining({ type: expect.any(String), message: expect.any(String) }));
  expect(requests).toEqual([]);
  return body.error;
}

const writes = (requests: DynamoRequest[]) => requests.filter((r) => writeCommands.has(r.command));
const grant = (userId: string, amount: number, key = uid('grant')) =>
  call<{ balance: number }>(`/users/${userId}/credits`, {
    method: 'POST',
    body: { amount, reason: 'test', idempotencyKey: key },
  });
const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('query values out of range are a 400, before any store request', () => {
  const limits = ['0', '-1', '201', '1e20', '1.5', 'abc', 'NaN', 'Infinity', '', '99999999999999999999'];
  const timestamps = ['-1', 'NaN', '1e20', '8640000000000001', '9007199254740993', 'Infinity', '2024-13-45T00:00:00Z'];

  it.each(limits)('limit=%s', async (limit) => {
    for (const path of [`/users/${uid('u')}/ledger`, `/users/${uid('u')}/sessions`, '/audit']) {
      const error = await expectRefused(`${path}?limit=${limit}`);
      expect(error).toMatchObject({ type: 'invalid_request', fields: { 'querystring.limit': expect.any(String) } });
    }
  });

  it.each(timestamps)('from or to = %s', async (value) => {
    for (const name of ['from', 'to']) {
      const error = await expectRefused(`/usage?${name}=${encodeURIComponent(value)}`);
      expect(error).toMatchObject({ type: 'invalid_request', fields: { [`querystring.${name}`]: expect.any(String) } });
    }
  });

  it('from after to, and the latest representable time on both', async () => {
    expect(await expectRefused('/usage?from=2000&to=1000')).toMatchObject({ fields: { from: 'after to' } });
    const latest = await call('/usage?from=8640000000000000&to=8640000000000000');
    expect(latest.status).toBe(200);
  });

  it('user ids no chat token could carry, in paths and in the usage query', async () => {
    for (const id of ['a'.repeat(129), 'alice%23ACCOUNT', 'alice%20bob', '%C3%A5lice']) {
      for (const path of [`/users/${id}`, `/users/${id}/ledger`, `/users/${id}/sessions`, `/usage?userId=${id}`]) {
        expect((await expectRefused(path)).type).toBe('invalid_request');
      }
    }
    // Refused by the router before any route, in the same JSON shape.
    expect((await expectRefused(`/users/${'a'.repeat(2_000)}`, {}, 414)).type).toBe('fst_err_max_param_length');
    expect((await expectRefused('/users/%E0%A4%A', {}, 400)).type).toBe('fst_err_bad_url');
  });

  it('takes the longest user id a chat token may carry', async () => {
    const longest = `${uid('u')}-${'b'.repeat(117)}`;
    expect(longest).toHaveLength(128);
    expect((await call<ErrorBody>(`/users/${longest}`)).body.error.type).toBe('not_found');
    expect((await grant(longest, 5)).status).toBe(201);
    expect((await call(`/users/${longest}/ledger`)).status).toBe(200);
  });

  it('any generated limit, from or to is answered 200 or 400, and a 400 makes no store request', async () => {
    const value = fc.oneof(
      fc.integer().map(String),
      fc.double().map(String),
      fc.bigInt().map(String),
      fc.string({ maxLength: 30 }),
      fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('limit', 'from', 'to'), value, async (name, raw) => {
        const path = name === 'limit' ? `/users/${uid('u')}/ledger` : '/usage';
        const answer = await call<ErrorBody>(`${path}?${name}=${encodeURIComponent(raw)}`);
        expect([200, 400], JSON.stringify(answer.body)).toContain(answer.status);
        if (answer.status === 400) {
          expect(answer.body.error.type).toBe('invalid_request');
          expect(answer.requests).toEqual([]);
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 120), seed: Number(process.env.FC_SEED ?? 20261125) },
    );
  });
});

describe('ledger cursors are bound to the user and the listing they came from', () => {
  async function userWithLedger(entries: number) {
    const userId = uid('ledger');
    for (let i = 1; i <= entries; i++) expect((await grant(userId, i * 1_000)).status).toBe(201);
    const first = await call<LedgerPage>(`/users/${userId}/ledger?limit=1`);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    return { userId, firstPage: first.body };
  }

  it('pages through its own listing', async () => {
    const { userId, firstPage } = await userWithLedger(3);
    const second = await call<LedgerPage>(`/users/${userId}/ledger?limit=5&cursor=${firstPage.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items.map((e) => e.amount)).toEqual([2_000, 1_000]);
  });

  it("refuses another user's cursor, a cursor forged for another user, and keys that are not ledger entries", async () => {
    const alice = await userWithLedger(2);
    const bob = await userWithLedger(2);
    const aliceKey = JSON.parse(Buffer.from(alice.firstPage.nextCursor!, 'base64url').toString()) as {
      pk: string;
      sk: string;
    };
    const foreign = [
      bob.firstPage.nextCursor!, // a real cursor of bob's listing
      cursorOf({ ...aliceKey, pk: `USER#${bob.userId}` }), // alice's position, bob's partition
      cursorOf({ pk: aliceKey.pk, sk: 'ACCOUNT' }), // alice's account item
      cursorOf({ pk: aliceKey.pk, sk: 'USAGE#2026-01-01T00' }), // a usage counter
      cursorOf({ pk: 'AUDIT', sk: aliceKey.sk }), // the audit log
      cursorOf({ ...aliceKey, extra: 1 }),
      cursorOf({ pk: aliceKey.pk, sk: 7 }),
      cursorOf({ pk: aliceKey.pk, sk: `LEDGER#${'x'.repeat(1_100)}` }),
    ];
    for (const cursor of foreign) {
      expect(await expectRefused(`/users/${alice.userId}/ledger?cursor=${cursor}`)).toEqual({
        type: 'invalid_cursor',
        message: `cursor is not one of the ledger pages of user ${alice.userId}`,
        fields: { 'querystring.cursor': 'not a cursor of this listing' },
      });
    }
  });

  it('refuses garbage', async () => {
    const { userId } = await userWithLedger(1);
    const garbage = [
      'garbage!',
      'x',
      Buffer.from('not json').toString('base64url'),
      cursorOf(null),
      cursorOf([]),
      cursorOf('USER#x'),
      cursorOf({ pk: 1 }),
      '%00%01',
      'A'.repeat(2_000),
    ];
    for (const cursor of garbage) {
      expect((await expectRefused(`/users/${userId}/ledger?cursor=${cursor}`)).type).toBe('invalid_cursor');
    }
    expect((await expectRefused(`/users/${userId}/ledger?cursor=${'A'.repeat(2_001)}`)).type).toBe('invalid_request');
  });
});

describe('bad bodies and paths are a 4xx, before any store request', () => {
  const tier = () => ({
    requestsPerHour: 100,
    burst: 10,
    maxTokensPerRequest: 500,
    concurrentStreams: 2,
    tokensPerMinute: 100_000,
    maxStreamSeconds: 60,
    allowedModels: ['local:*'],
  });

  it.each([
    ['invalid JSON', '{"amount":', 400],
    ['an empty JSON body', '', 400],
    ['JSON null', 'null', 400],
    ['a JSON number', '5', 400],
    ['a JSON array', '[]', 400],
    ['30 000 levels of nesting', `{"amount":${'['.repeat(30_000)}${']'.repeat(30_000)}}`, 400],
    ['a prototype key', '{"__proto__":{"admin":true},"amount":5,"reason":"x","idempotencyKey":"abcdefgh"}', 400],
  ] as const)('a credit body that is %s', async (_, rawBody, status) => {
    await expectRefused(`/users/${uid('u')}/credits`, { method: 'POST', rawBody }, status);
  });

  it('a body that is not JSON', async () => {
    const { status, requests } = await (async () => {
      const before = stack().requests.length;
      const response = await fetch(`${stack().adminUrl}/tiers/${uid('t')}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${stack().adminToken}`, 'content-type': 'text/plain' },
        body: 'requestsPerHour=5',
      });
      return { status: response.status, requests: stack().requests.slice(before) };
    })();
    expect(status).toBe(415);
    expect(requests).toEqual([]);
  });

  it('a tier body nested deep, and paths that name nothing valid', async () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    const rawBody = JSON.stringify({ ...tier(), allowedModels: '__deep__' }).replace('"__deep__"', deep);
    expect((await expectRefused(`/tiers/${uid('t')}`, { method: 'PUT', rawBody })).type).toBe('invalid_request');
    expect((await expectRefused('/tiers/Not%20A%20Tier', { method: 'PUT', body: tier() })).type).toBe(
      'invalid_request',
    );
    expect((await expectRefused('/sessions/not-a-uuid')).type).toBe('invalid_request');
    expect((await expectRefused(`/users/${uid('u')}/tier`, { method: 'PUT', body: { tier: 'Bad Name!' } })).type).toBe(
      'invalid_request',
    );
  });
});

describe('store errors never reach an admin client', () => {
  const storeText = 'table credits partition USER#x is corrupt (internal detail 7f3a)';
  const calls: Array<[string, AdminCall]> = [
    ['/tiers', {}],
    ['/tiers/free', {}],
    [`/users/${uid('u')}`, {}],
    [`/users/${uid('u')}/ledger`, {}],
    [`/users/${uid('u')}/sessions`, {}],
    ['/usage', {}],
    ['/audit', {}],
    [`/users/${uid('u')}/credits`, { method: 'POST', body: { amount: 5, reason: 'x', idempotencyKey: 'abcdefgh' } }],
    [`/tiers/${uid('t')}`, { method: 'DELETE' }],
  ];

  it.each([
    ['a DynamoDB error', undefined],
    ['an error that claims a client status', { statusCode: 409 }],
  ])('%s is a 500 with a generic text on every route', async (_, fields) => {
    stack().failRequests(() => true, storeText, fields);
    for (const [path, options] of calls) {
      const { status, body } = await admin<ErrorBody>(stack(), path, options);
      expect(status, path).toBe(500);
      expect(body).toEqual({ error: { type: 'internal_error', message: 'internal error' } });
    }
  });
});

describe('credit amounts keep every balance a safe integer', () => {
  it.each([
    ['more than a balance may hold', maxBalance + 1],
    ['a debit larger than a balance may hold', -(maxBalance + 1)],
    ['beyond safe integers', Number.MAX_SAFE_INTEGER + 2],
    ['1e300', 1e300],
    ['a fraction', 1.5],
    ['zero', 0],
  ])('refuses an amount that is %s with 400', async (_, amount) => {
    const error = await expectRefused(`/users/${uid('u')}/credits`, {
      method: 'POST',
      body: { amount, reason: 'x', idempotencyKey: uid('key') },
    });
    expect(error).toMatchObject({ type: 'invalid_request', fields: { 'body.amount': expect.any(String) } });
  });

  it('refuses amounts that are not numbers, and 1e400 (Infinity)', async () => {
    for (const amount of ['"5"', 'null', '1e400', '[5]', '{"n":5}']) {
      const rawBody = `{"amount":${amount},"reason":"x","idempotencyKey":"${uid('key')}"}`;
      expect((await expectRefused(`/users/${uid('u')}/credits`, { method: 'POST', rawBody })).type).toBe(
        'invalid_request',
      );
    }
  });

  it('sign-up credits past the largest balance stop the service at cold start', () => {
    expect(() => loadConfig({ SIGNUP_CREDITS: String(maxBalance + 1) })).toThrow(/SIGNUP_CREDITS/);
    expect(loadConfig({ SIGNUP_CREDITS: String(maxBalance) }).throttle.signupCredits).toBe(maxBalance);
  });

  it('grants up to the largest balance; past it refuses with 409 and writes nothing; every read still works', async () => {
    const userId = uid('rich');
    expect((await grant(userId, maxBalance)).body.balance).toBe(maxBalance);

    const refused = await grant(userId, 1);
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: { type: 'balance_limit', message: 'a grant of 1 would take the balance past its limit' },
    });
    // The grant's one conditional write was refused by the store: nothing changed.
    expect((await store().account(userId)).balance).toBe(maxBalance);
    expect(await store().ledger(userId)).toHaveLength(1);
    expect(writes(refused.requests).map((r) => r.command)).toEqual(['UpdateItemCommand']);

    // The account streams, and every admin read of it answers.
    const response = await postChat(stack(), { token: await stack().token(userId), body: legacyBody('3 words') });
    expect(response.status).toBe(200);
    expect((await readDataStream(response.body!)).text).toBe('w1 w2 w3');
    await expect.poll(async () => (await store().sessions(userId)).length).toBe(1);
    const account = await call<{ balance: number; available: number }>(`/users/${userId}`);
    expect(account.status).toBe(200);
    expect(account.body.balance).toBeLessThan(maxBalance);
    expect(Number.isSafeInteger(account.body.balance)).toBe(true);
    for (const path of [`/users/${userId}/ledger`, `/users/${userId}/sessions`, `/usage?userId=${userId}`, '/usage']) {
      expect((await call(path)).status, path).toBe(200);
    }
    // And the whole balance can be taken back out.
    const debit = await grant(userId, -account.body.available);
    expect(debit.status).toBe(201);
    expect(debit.body.balance).toBe(account.body.balance - account.body.available);
  });
});

describe('the default tier', () => {
  it('cannot be deleted (409 default_tier), whether or not users are on it; nothing is written', async () => {
    const refused = await call<ErrorBody>('/tiers/free', { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: {
        type: 'default_tier',
        message: 'free is the default tier (DEFAULT_TIER) that new accounts get; it cannot be deleted',
      },
    });
    expect(refused.requests).toEqual([]);
    expect((await call('/tiers/free')).status).toBe(200);
  });

  it('is the only unused tier that cannot be deleted', async () => {
    const name = uid('spare');
    await call(`/tiers/${name}`, {
      method: 'PUT',
      body: {
        requestsPerHour: 10,
        burst: 5,
        maxTokensPerRequest: 100,
        concurrentStreams: 1,
        tokensPerMinute: 1_000,
        maxStreamSeconds: 60,
        allowedModels: ['local:*'],
      },
    });
    expect((await call(`/tiers/${name}`, { method: 'DELETE' })).status).toBe(204);
  });
});

describe('a tier the deployment cannot run is refused with the reason; the stored tier stays as it was', () => {
  const valid = {
    requestsPerHour: 100,
    burst: 10,
    maxTokensPerRequest: 500,
    concurrentStreams: 2,
    tokensPerMinute: 100_000,
    maxStreamSeconds: 60,
    maxSteps: 3,
    allowedModels: ['local:*'],
    features: [],
    degradeTo: 'local:local-small',
    reportEveryTokens: 256,
    reportEverySeconds: 5,
  } satisfies Omit<TierInput, 'name'>;
  const margin = streamTimeoutSeconds - 10;

  // Each rule of tierProblems, which the stack config applies to its tiers as well.
  const deploymentRules: Array<[string, Partial<Tier>, Record<string, string>]> = [
    ['a burst above requestsPerHour', { burst: 101 }, { burst: 'must be at most requestsPerHour' }],
    [
      "a stream longer than the function's timeout less the settle margin",
      { maxStreamSeconds: margin + 1 },
      {
        maxStreamSeconds: `must be at most ${margin} (the stream function's timeout of ${streamTimeoutSeconds} s less 10 s to settle)`,
      },
    ],
    [
      'a model this deployment does not offer',
      { allowedModels: ['local:*', 'openai:gpt-4o'] },
      { 'allowedModels.1': 'openai:gpt-4o is not a model this deployment offers' },
    ],
    [
      'a fallback model this deployment does not offer',
      { degradeTo: 'local:local-xl' },
      { degradeTo: 'local:local-xl is not a model this deployment offers' },
    ],
    [
      'a fallback model the tier does not allow',
      { allowedModels: ['local:local-large'], degradeTo: 'local:local-small' },
      { degradeTo: 'local:local-small is not in allowedModels' },
    ],
    [
      'a load curve whose factor rises with load',
      {
        loadCurve: [
          { load: 0.5, factor: 0.5 },
          { load: 0.8, factor: 0.9 },
        ],
      },
      { 'loadCurve.1.factor': 'a factor may not rise with load' },
    ],
    [
      'an abuse block at or below its tighten threshold',
      { abuse: { tighten: 10, tightenFactor: 0.5, block: 10 } },
      { 'abuse.block': 'must be above abuse.tighten' },
    ],
  ];

  it.each(deploymentRules)('refuses %s (400 invalid_tier)', async (_, change, fields) => {
    const name = uid('tier');
    expect((await call(`/tiers/${name}`, { method: 'PUT', body: valid })).status).toBe(200);
    const stored = (await call<Tier>(`/tiers/${name}`)).body;

    const refused = await call<ErrorBody>(`/tiers/${name}`, { method: 'PUT', body: { ...valid, ...change } });
    expect(refused.status).toBe(400);
    const reasons = Object.entries(fields).map(([field, problem]) => `${field} ${problem}`);
    expect(refused.body).toEqual({
      error: {
        type: 'invalid_tier',
        message: `the tier cannot be used on this deployment: ${reasons.join('; ')}`,
        fields,
      },
    });
    // Checking the tier reads the catalog and the tier's running experiment; it writes nothing.
    expect(writes(refused.requests)).toEqual([]);
    expect((await call<Tier>(`/tiers/${name}`)).body).toEqual(stored);
  });

  it.each(deploymentRules)(
    'refuses a partial edit (PATCH) that leaves %s (400 invalid_tier)',
    async (_, change, fields) => {
      const name = uid('tier');
      expect((await call(`/tiers/${name}`, { method: 'PUT', body: valid })).status).toBe(200);
      const stored = (await call<Tier>(`/tiers/${name}`)).body;

      const refused = await call<ErrorBody>(`/tiers/${name}`, { method: 'PATCH', body: change });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toEqual(expect.objectContaining({ type: 'invalid_tier', fields }));
      expect(writes(refused.requests)).toEqual([]);
      expect((await call<Tier>(`/tiers/${name}`)).body).toEqual(stored);
    },
  );

  it('refuses a partial edit out of bounds before any store request, and one of a tier that does not exist', async () => {
    const name = uid('tier');
    expect((await call(`/tiers/${name}`, { method: 'PUT', body: valid })).status).toBe(200);
    const outOfBounds = await expectRefused(`/tiers/${name}`, { method: 'PATCH', body: { burst: 0 } });
    expect(outOfBounds.type).toBe('invalid_request');
    const missing = await call<ErrorBody>(`/tiers/${uid('none')}`, { method: 'PATCH', body: { burst: 5 } });
    expect(missing.status).toBe(404);
    expect(writes(missing.requests)).toEqual([]);
  });

  it('takes a stream exactly as long as the margin allows', async () => {
    const name = uid('tier');
    const put = await call<Tier>(`/tiers/${name}`, { method: 'PUT', body: { ...valid, maxStreamSeconds: margin } });
    expect(put.status).toBe(200);
    expect((await call<Tier>(`/tiers/${name}`)).body.maxStreamSeconds).toBe(margin);
  });

  it.each([
    ['requestsPerHour', 3_600_001],
    ['burst', 0],
    ['maxTokensPerRequest', 2_000_001],
    ['concurrentStreams', 10_001],
    ['tokensPerMinute', 1e300],
    ['maxStreamSeconds', 891],
    ['maxSteps', 51],
    ['reportEverySeconds', 61],
    ['reportEveryTokens', 0.5],
    ['allowedModels', []],
  ] as const)('refuses %s = %s, out of its bounds (400 invalid_request)', async (field, value) => {
    const name = uid('tier');
    expect((await call(`/tiers/${name}`, { method: 'PUT', body: valid })).status).toBe(200);
    const stored = (await call<Tier>(`/tiers/${name}`)).body;
    const error = await expectRefused(`/tiers/${name}`, { method: 'PUT', body: { ...valid, [field]: value } });
    expect(error).toMatchObject({ type: 'invalid_request', fields: { [`body.${field}`]: expect.any(String) } });
    expect((await call<Tier>(`/tiers/${name}`)).body).toEqual(stored);
  });
});
