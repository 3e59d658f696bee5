// Identity hardening: a token's `sub` is a user id only when it is a short string over a
// safe alphabet. Anything else is a 401 before any store or model request, and never
// reaches the throttler's fail-open path, which this file turns on.
import { describe, expect, it } from 'vitest';
import { SignJWT, type JWTPayload } from 'jose';
import { useCountedStack } from '../helpers/counted-stack.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { readDataStream } from '../helpers/protocol-readers.js';
import { loadConfig } from '../../functions/config.js';

const counted = useCountedStack({
  THROTTLE_FAIL_OPEN: 'true',
  DEFAULT_TIER: 'enterprise',
  SIGNUP_CREDITS: '1000000000',
});

/** A correctly signed chat token whose `sub` is whatever the test says. */
const tokenWithSubject = (sub: unknown) =>
  new SignJWT({ sub } as JWTPayload)
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience('chat')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(counted().jwtSecret));

const badSubjects: Array<[string, unknown]> = [
  ['an object', { id: 'alice' }],
  ['an array', ['alice']],
  ['a number', 42],
  ['null', null],
  ['empty', ''],
  ['129 characters long', 'a'.repeat(129)],
  ['carrying a key separator', 'alice#ACCOUNT'],
  ['carrying whitespace', 'alice bob'],
  ['carrying a control character', 'alice\n'],
  ['non-ASCII', 'ålice'],
];

async function expectRefusedBeforeAnything(sub: unknown) {
  const { storeRequests, modelRequests, stack } = counted();
  const store = storeRequests();
  const model = modelRequests();
  const response = await postChat(stack, { token: await tokenWithSubject(sub), body: legacyBody('3 words') });
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  expect(await response.json()).toEqual({
    error: { type: 'unauthorized', message: 'token subject is not a valid user id' },
  });
  expect(storeRequests()).toBe(store);
  expect(modelRequests()).toBe(model);
}

describe('token subject', () => {
  it.each(badSubjects)('is refused with 401 when it is %s, before any store or model request', async (_, sub) => {
    await expectRefusedBeforeAnything(sub);
  });

  it.each([
    ['an identity-provider id', 'auth0|5f7c8ec7c33c6c004bbafe82'],
    ['an email address', 'alice@example.com'],
    ['a URN', 'urn:user:alice.smith_2'],
    ['128 characters long', 'b'.repeat(128)],
  ])('is a user when it is %s', async (_, sub) => {
    const { storeRequests, stack } = counted();
    const store = storeRequests();
    const response = await postChat(stack, { token: await tokenWithSubject(sub), body: legacyBody('3 words') });
    expect(response.status).toBe(200);
    expect((await readDataStream(response.body!)).text).toBe('w1 w2 w3');
    expect(storeRequests()).toBeGreaterThan(store);
  });
});

describe('with THROTTLE_FAIL_OPEN=true and the store unreachable', () => {
  it('admits a valid identity unmetered: the fail-open path is live in this stack', async () => {
    const { outage, modelRequests, stack } = counted();
    const model = modelRequests();
    await outage.cut();
    try {
      const response = await postChat(stack, {
        token: await tokenWithSubject('fail-open-user'),
        body: legacyBody('3 words'),
      });
      expect(response.status).toBe(200);
      expect((await readDataStream(response.body!)).text).toBe('w1 w2 w3');
      expect(modelRequests()).toBe(model + 1);
    } finally {
      await outage.restore();
    }
  });

  it.each(badSubjects)('still refuses a subject that is %s: identity never fails open', async (_, sub) => {
    await counted().outage.cut();
    try {
      await expectRefusedBeforeAnything(sub);
    } finally {
      await counted().outage.restore();
    }
  });
});

describe('shared-secret tokens in prod', () => {
  const secret = 'x'.repeat(32);

  it('stop the service at cold start unless the stack opts in', () => {
    expect(() => loadConfig({ DEPLOY_ENV: 'prod', JWT_SECRET: secret })).toThrow(/AUTH_ALLOW_HS256=true/);
  });

  it('are accepted in prod with AUTH_ALLOW_HS256=true, and anywhere but prod', () => {
    expect(loadConfig({ DEPLOY_ENV: 'prod', JWT_SECRET: secret, AUTH_ALLOW_HS256: 'true' }).auth.secret).toBe(secret);
    expect(loadConfig({ DEPLOY_ENV: 'dev', JWT_SECRET: secret }).auth.secret).toBe(secret);
    expect(loadConfig({ JWT_SECRET: secret }).auth.secret).toBe(secret);
  });

  it('are not needed when prod verifies with JWKS', () => {
    const config = loadConfig({ DEPLOY_ENV: 'prod', JWT_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json' });
    expect(config.auth.jwksUrl).toBe('https://auth.example.com/.well-known/jwks.json');
  });
});
