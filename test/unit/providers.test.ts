// Providers are data: names follow one rule, declared providers never shadow a built-in,
// each has one key variable, and tiers and catalogs accept any known provider.
import { describe, expect, it } from 'vitest';
import {
  providerApiKeyVariable,
  providerApiKeyVariablePattern,
  providerDeclarationsSchema,
  providerNameSchema,
} from '../../functions/shared/providers.js';
import { catalogProblems, modelCatalogSchema, parseModelKey } from '../../functions/shared/catalog.js';
import { modelPatternSchema, tierLimitsSchema, tierProblems } from '../../functions/shared/tier.js';
import { ConfigError, loadConfig } from '../../functions/config.js';

describe('provider names', () => {
  it.each(['deepinfra', 'together-ai', 'x', `a${'b'.repeat(31)}`])('accepts %j', (name) => {
    expect(providerNameSchema.safeParse(name).success).toBe(true);
  });

  it.each(['DeepInfra', '1st', 'deep_infra', '-x', '', `a${'b'.repeat(32)}`, 'a:b', '__proto__'])(
    'refuses %j',
    (name) => {
      expect(providerNameSchema.safeParse(name).success).toBe(false);
    },
  );

  it('gives each provider one API key variable, built-ins included', () => {
    expect(providerApiKeyVariable('openai')).toBe('OPENAI_API_KEY');
    expect(providerApiKeyVariable('groq')).toBe('GROQ_API_KEY');
    expect(providerApiKeyVariable('together-ai')).toBe('TOGETHER_AI_API_KEY');
    expect(providerApiKeyVariablePattern.test(providerApiKeyVariable(`a${'b'.repeat(31)}`))).toBe(true);
    expect(providerApiKeyVariablePattern.test('JWT_SECRET')).toBe(false);
  });

  it('refuses a declaration under a built-in name or without an http(s) base URL', () => {
    const issues = (value: unknown) => {
      const result = providerDeclarationsSchema.safeParse(value);
      return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ deepinfra: { baseUrl: 'https://api.deepinfra.com/v1/openai' } })).toEqual([]);
    expect(issues({ groq: { baseUrl: 'https://proxy.example.com' } })).toEqual(['groq: groq is a built-in provider']);
    expect(issues({ deepinfra: { baseUrl: 'ftp://x.example.com' } })).toEqual([
      'deepinfra.baseUrl: must be an http(s) URL',
    ]);
    expect(issues({ Deep: { baseUrl: 'https://x.example.com' } })[0]).toMatch(/^Deep: lower-case letters/);
  });
});

describe('catalogs and tiers over provider data', () => {
  const catalog = modelCatalogSchema.parse({
    local: { 'local-small': { input: 1, output: 2 } },
    deepinfra: { 'meta-llama/Llama-3.3-70B': { input: 3, output: 4 } },
  });

  it('parses model keys of any valid provider name', () => {
    expect(parseModelKey('deepinfra:meta-llama/Llama-3.3-70B')).toEqual({
      provider: 'deepinfra',
      modelId: 'meta-llama/Llama-3.3-70B',
    });
    expect(parseModelKey('Deep:x')).toBeUndefined();
  });

  it('names providers the deployment does not know', () => {
    expect(catalogProblems(catalog, ['openai', 'groq', 'local'])).toEqual({
      deepinfra: expect.stringContaining('deepinfra is not a provider this deployment knows'),
    });
    expect(catalogProblems(catalog, ['openai', 'groq', 'local', 'deepinfra'])).toEqual({});
  });

  it('lets a tier allow a provider the catalog offers, and no other', () => {
    expect(modelPatternSchema.safeParse('deepinfra:*').success).toBe(true);
    const tier = (allowedModels: string[]) =>
      tierLimitsSchema.parse({
        requestsPerHour: 10,
        burst: 5,
        maxTokensPerRequest: 100,
        concurrentStreams: 1,
        tokensPerMinute: 1000,
        maxStreamSeconds: 60,
        allowedModels,
      });
    expect(tierProblems(tier(['deepinfra:*', 'deepinfra:meta-llama/Llama-3.3-70B']), { catalog })).toEqual({});
    expect(tierProblems(tier(['together:*', 'deepinfra:other']), { catalog })).toEqual({
      'allowedModels.0': 'together:* is not a model this deployment offers',
      'allowedModels.1': 'deepinfra:other is not a model this deployment offers',
    });
  });
});

describe('service configuration of declared providers', () => {
  const base = { TOOLS_ENABLED: 'false' };

  it("reads a declared provider's base URL and its key from <NAME>_API_KEY", () => {
    const config = loadConfig({
      ...base,
      MODEL_PROVIDERS: JSON.stringify({ deepinfra: { baseUrl: 'https://api.deepinfra.com/v1/openai' } }),
      DEEPINFRA_API_KEY: 'di-key',
      MODEL_CATALOG: JSON.stringify({ deepinfra: { m: { input: 1, output: 1 } } }),
    });
    expect(config.compatibleProviders).toEqual({
      deepinfra: { baseUrl: 'https://api.deepinfra.com/v1/openai', apiKey: 'di-key' },
    });
    expect(config.catalog).toEqual({ deepinfra: { m: { input: 1, output: 1 } } });
  });

  it('refuses a catalog naming a provider nobody declared', () => {
    expect(() => loadConfig({ ...base, MODEL_CATALOG: JSON.stringify({ acme: {} }) })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, MODEL_CATALOG: JSON.stringify({ acme: {} }) })).toThrow(
      /MODEL_CATALOG\.acme: acme is not a provider/,
    );
  });
});
