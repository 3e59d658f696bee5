// Bad or unauthenticated requests get a 4xx JSON error before any stream starts, and
// never reach the model (the local model server counts the requests it receives).
import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { useLocalStack } from '../helpers/local-stack.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';

// Throttled as in production, on a tier and balance that no test here exhausts.
const stack = useLocalStack({ environment: { DEFAULT_TIER: 'enterprise', SIGNUP_CREDITS: '1000000000' } });

async function expectRefusal(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { type: string; message: string; fields?: Record<string, string> } };
  expect(body.error.type).toBe(type);
  expect(body.error.message).toEqual(expect.any(String));
  return body;
}

describe('chat stream: authentication', () => {
  it('refuses a request without a token with 401 and calls no model', async () => {
    const before = stack().model.stats.requests;
    const response = await postChat(stack(), { body: legacyBody('5 words') });
    await expectRefusal(response, 401, 'unauthorized');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(stack().model.stats.requests).toBe(before);
  });

  it('refuses a token signed with another secret', async () => {
    const before = stack().model.stats.requests;
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setAudience('chat')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-that-is-long-enough-123'));
    await expectRefusal(await postChat(stack(), { token: forged, body: legacyBody('5 words') }), 401, 'unauthorized');
    expect(stack().model.stats.requests).toBe(before);
  });

  it('refuses an expired token and says so', async () => {
    const expired = await stack().token('alice', { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const body = await expectRefusal(
      await postChat(stack(), { token: expired, body: legacyBody('5 words') }),
      401,
      'unauthorized',
    );
    expect(body.error.message).toBe('token expired');
  });

  it('refuses a malformed token and an unsigned one', async () => {
    await expectRefusal(await postChat(stack(), { token: 'not-a-jwt', body: legacyBody('x') }), 401, 'unauthorized');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"a","aud":"chat"}').toString('base64url')}.`;
    await expectRefusal(await postChat(stack(), { token: unsigned, body: legacyBody('x') }), 401, 'unauthorized');
  });
});

describe('chat stream: request validation', () => {
  it('refuses invalid JSON with 400 before authenticating', async () => {
    const before = stack().model.stats.requests;
    await expectRefusal(await postChat(stack(), { rawBody: '{"messages": [' }), 400, 'invalid_json');
    expect(stack().model.stats.requests).toBe(before);
  });

  it('refuses a body without messages with field-level errors', async () => {
    const token = await stack().token('alice');
    const body = await expectRefusal(
      await postChat(stack(), { token, body: { prompt: 'hi' } }),
      400,
      'invalid_request',
    );
    expect(body.error.fields).toHaveProperty('messages');
  });

  it('refuses messages that match neither message schema', async () => {
    const token = await stack().token('alice');
    await expectRefusal(
      await postChat(stack(), { token, body: { messages: [{ role: 'user', parts: 'nope' }] } }),
      400,
      'invalid_request',
    );
    await expectRefusal(
      await postChat(stack(), { token, body: { messages: [{ role: 'wizard', content: 'hi' }] } }),
      400,
      'invalid_request',
    );
  });

  it('refuses a body over the size cap with 413', async () => {
    const before = stack().model.stats.requests;
    const huge = legacyBody('x'.repeat(300 * 1024));
    await expectRefusal(await postChat(stack(), { body: huge }), 413, 'payload_too_large');
    expect(stack().model.stats.requests).toBe(before);
  });

  it('refuses an unknown provider or model with 400, not a crash', async () => {
    const token = await stack().token('alice');
    const before = stack().model.stats.requests;
    await expectRefusal(
      await postChat(stack(), { token, provider: 'acme', body: legacyBody('x') }),
      400,
      'invalid_request',
    );
    await expectRefusal(
      await postChat(stack(), { token, model: 'gpt-9000', body: legacyBody('x') }),
      400,
      'unknown_model',
    );
    expect(stack().model.stats.requests).toBe(before);
  });

  it('answers a provider without credentials with 503 before streaming', async () => {
    const token = await stack().token('alice');
    await expectRefusal(
      await postChat(stack(), { token, provider: 'openai', model: 'gpt-4o-mini', body: legacyBody('x') }),
      503,
      'provider_unavailable',
    );
  });

  it('refuses other methods and paths', async () => {
    const get = await fetch(`${stack().streamUrl}?provider=local&model=local-small`);
    await expectRefusal(get, 405, 'method_not_allowed');
    const other = await fetch(`${stack().url}/api/ai/other`, { method: 'POST', body: '{}' });
    await expectRefusal(other, 404, 'not_found');
  });
});
