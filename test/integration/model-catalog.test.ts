// Prices and providers at run time: the model catalog lives in the store (seeded from the
// configured one), the admin API changes it, and new streams pay the new price; an
// OpenAI-compatible provider declared by name is reached with its key where a tier allows it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '../helpers/local-stack.js';
import { admin } from '../helpers/admin-client.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { readDataStream } from '../helpers/protocol-readers.js';
import { testCatalog } from '../helpers/store-fixtures.js';
import { startKeyedProvider, type KeyedProvider } from '../helpers/keyed-provider.js';
import { useStackFixtures } from '../helpers/test-store.js';
import { costOf } from '../../functions/throttle/pricing.js';
import type { Tier } from '../../functions/shared/tier.js';

const providerKey = `di-${randomUUID()}`;
const environment: Record<string, string> = {
  MODEL_CATALOG: JSON.stringify(testCatalog),
  TIER_CACHE_MS: '0',
  SIGNUP_CREDITS: '0',
  DEEPINFRA_API_KEY: providerKey,
};
let provider: KeyedProvider;
// The provider starts first: the stack's environment declares it.
beforeAll(async () => {
  provider = await startKeyedProvider(providerKey);
  environment.MODEL_PROVIDERS = JSON.stringify({ deepinfra: { baseUrl: provider.url } });
});
const stack = useLocalStack({ sweepIntervalMs: 0, environment });
const store = useStackFixtures(stack);
afterAll(async () => {
  await provider?.close();
});

type Catalog = {
  source: string;
  updatedBy?: string;
  providers: Array<{ name: string; kind: string; baseUrl?: string }>;
  models: Array<{ provider: string; model: string; input: number; output: number }>;
};
type ErrorBody = { error: { type: string; fields?: Record<string, string> } };

const putPrice = (provider: string, model: string, price: { input: number; output: number }) =>
  admin(stack(), `/models/${provider}/${encodeURIComponent(model)}`, { method: 'PUT', body: price });

async function userAllowing(allowedModels: string[], overrides: Partial<Tier> = {}) {
  const { userId } = await store().userOnNewTier({ allowedModels, ...overrides }, 1_000_000);
  return { userId, token: await stack().token(userId) };
}

async function chargedFor(userId: string, token: string, provider: string, model: string) {
  const response = await postChat(stack(), { token, provider, model, body: legacyBody('10 words') });
  expect(response.status).toBe(200);
  expect((await readDataStream(response.body!)).text).toBe('w1 w2 w3 w4 w5 w6 w7 w8 w9 w10');
  const sessions = await store().sessions(userId);
  return sessions.sort((a, b) => b.settledAt - a.settledAt)[0]!;
}

describe('model catalog', () => {
  it('starts as the configured catalog, seeded into the store, with the providers the deployment knows', async () => {
    const { status, body } = await admin<Catalog>(stack(), '/models');
    expect(status).toBe(200);
    expect(body).toMatchObject({ source: 'store', updatedBy: 'seed' });
    expect(body.models).toContainEqual({
      provider: 'local',
      model: 'local-small',
      input: 1_000_000,
      output: 2_000_000,
    });
    expect(body.providers).toEqual([
      { name: 'openai', kind: 'built-in' },
      { name: 'groq', kind: 'built-in' },
      { name: 'local', kind: 'built-in' },
      { name: 'deepinfra', kind: 'openai-compatible', baseUrl: provider.url },
    ]);
  });

  it('charges new streams the new price once a price changes', async () => {
    const model = `priced-${randomUUID().slice(0, 6)}`;
    const before = { input: 1_000_000, output: 2_000_000 };
    const after = { input: 3_000_000, output: 7_000_000 };
    expect((await putPrice('local', model, before)).status).toBe(200);
    const { userId, token } = await userAllowing(['local:*']);
    const first = await chargedFor(userId, token, 'local', model);
    expect(first.charged).toBe(costOf(before, first.tokensIn, first.tokensOut));

    expect((await putPrice('local', model, after)).status).toBe(200);
    const second = await chargedFor(userId, token, 'local', model);
    expect(second.charged).toBe(costOf(after, second.tokensIn, second.tokensOut));
    expect(second.charged).toBeGreaterThan(first.charged);
    const audit = await admin<Array<{ action: string; target: string }>>(stack(), '/audit?limit=50');
    expect(audit.body).toContainEqual(expect.objectContaining({ action: 'model.put', target: `local:${model}` }));
  });

  it('stops offering a deleted model, but not while a tier names it', async () => {
    const model = `gone-${randomUUID().slice(0, 6)}`;
    await putPrice('local', model, { input: 1, output: 1 });
    const { token } = await userAllowing(['local:*'], { degradeTo: `local:${model}` });
    const inUse = await admin<ErrorBody>(stack(), `/models/local/${model}`, { method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.type).toBe('model_in_use');

    const tiers = await admin<Tier[]>(stack(), '/tiers');
    for (const tier of tiers.body.filter((t) => t.degradeTo === `local:${model}`)) {
      const { name: _name, degradeTo: _gone, ...limits } = tier;
      expect((await admin(stack(), `/tiers/${tier.name}`, { method: 'PUT', body: limits })).status).toBe(200);
    }
    expect((await admin(stack(), `/models/local/${model}`, { method: 'DELETE' })).status).toBe(204);
    expect((await admin(stack(), `/models/local/${model}`, { method: 'DELETE' })).status).toBe(404);
    const refused = await postChat(stack(), { token, model, body: legacyBody('3 words') });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error.type).toBe('unknown_model');
  });

  it('refuses a price for a provider the deployment does not know, and tiers naming it', async () => {
    const price = await admin<ErrorBody>(stack(), '/models/acme/x', { method: 'PUT', body: { input: 1, output: 1 } });
    expect(price.status).toBe(400);
    expect(price.body.error.fields).toHaveProperty('provider');
    const tier = await admin<ErrorBody>(stack(), `/tiers/t-${randomUUID().slice(0, 6)}`, {
      method: 'PUT',
      body: {
        requestsPerHour: 10,
        burst: 5,
        maxTokensPerRequest: 100,
        concurrentStreams: 1,
        tokensPerMinute: 1000,
        maxStreamSeconds: 60,
        allowedModels: ['acme:*'],
      },
    });
    expect(tier.status).toBe(400);
    expect(tier.body.error.fields).toHaveProperty('allowedModels.0');
  });

  it('streams from a provider declared by name, with its key, where the tier allows it', async () => {
    const model = 'meta-llama/Llama-3.3-70B-Instruct';
    expect((await putPrice('deepinfra', model, { input: 2_000_000, output: 4_000_000 })).status).toBe(200);
    const before = provider.seen.withKey;
    const allowed = await userAllowing(['deepinfra:*']);
    const session = await chargedFor(allowed.userId, allowed.token, 'deepinfra', model);
    expect(session.model).toBe(`deepinfra:${model}`);
    expect(session.charged).toBe(costOf({ input: 2_000_000, output: 4_000_000 }, session.tokensIn, session.tokensOut));
    expect(provider.seen).toEqual({ withKey: before + 1, withoutKey: 0 });

    const local = await userAllowing(['local:*']);
    const refused = await postChat(stack(), {
      token: local.token,
      provider: 'deepinfra',
      model,
      body: legacyBody('3 words'),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.type).toBe('model_not_allowed');
  });
});
