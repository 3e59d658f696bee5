// Stack configuration is validated at program start with messages that name the key.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { loadStackConfig, StackConfigError, stackConfigSchema } from '../../infra/config.js';

const root = join(import.meta.dirname, '..', '..');
function settingsOf(stack: string): Record<string, unknown> {
  const { config } = parse(readFileSync(join(root, `Pulumi.${stack}.yaml`), 'utf8')) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(config)
      .filter(([k]) => k.startsWith('streaming-ai-throttle:'))
      .map(([k, v]) => [k.split(':')[1]!, v]),
  );
}
const issues = (value: unknown) => {
  const result = stackConfigSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('stack configuration', () => {
  it.each(['dev', 'prod'])('accepts Pulumi.%s.yaml', (stack) => {
    expect(issues(settingsOf(stack))).toEqual([]);
  });

  it('gives dev and prod different, real values', () => {
    const [dev, prod] = [stackConfigSchema.parse(settingsOf('dev')), stackConfigSchema.parse(settingsOf('prod'))];
    expect(dev.corsOrigins).toEqual(['*']);
    expect(prod.corsOrigins).not.toContain('*');
    expect([dev.deletionProtection, prod.deletionProtection]).toEqual([false, true]);
    expect(prod.logRetentionDays).toBeGreaterThan(dev.logRetentionDays);
    expect([dev.alarms.enabled, prod.alarms.enabled]).toEqual([false, true]);
    expect([dev.dashboard.enabled, prod.dashboard.enabled]).toEqual([false, true]);
    expect(prod.alarms.webhookUrl).toMatch(/^https:\/\//);
  });

  it('has a dashboard unless a stack turns it off', () => {
    const { dashboard: _off, ...dev } = settingsOf('dev');
    expect(stackConfigSchema.parse(dev).dashboard).toEqual({ enabled: true });
  });

  const prodAuth = settingsOf('prod').auth as Record<string, unknown>;
  const { jwksUrl: _jwks, ...prodAuthWithoutJwks } = prodAuth;

  it('lets prod verify chat tokens with a shared secret only when it opts in explicitly', () => {
    const withoutJwks = { ...settingsOf('prod'), auth: prodAuthWithoutJwks };
    expect(issues(withoutJwks).join('\n')).toContain('auth.jwksUrl: prod verifies chat tokens');
    const optedIn = { ...settingsOf('prod'), auth: { ...prodAuthWithoutJwks, allowSharedSecret: true } };
    expect(issues(optedIn)).toEqual([]);
    expect(stackConfigSchema.parse(optedIn).auth.allowSharedSecret).toBe(true);
    // dev needs no opt-in
    expect(issues({ ...settingsOf('dev'), auth: { audience: 'chat' } })).toEqual([]);
  });

  it('accepts an OpenAI-compatible provider declared by name, its models, and tiers that allow it', () => {
    const dev = settingsOf('dev');
    const [free, pro, ...rest] = dev.tiers as Array<Record<string, unknown>>;
    const withDeepinfra = {
      ...dev,
      providers: { deepinfra: { baseUrl: 'https://api.deepinfra.com/v1/openai', apiKeySecret: 'deepinfraApiKey' } },
      models: {
        ...(dev.models as object),
        deepinfra: { 'meta-llama/Llama-3.3-70B': { input: 230000, output: 400000 } },
      },
      tiers: [free, { ...pro, allowedModels: [...(pro!.allowedModels as string[]), 'deepinfra:*'] }, ...rest],
    };
    expect(issues(withDeepinfra)).toEqual([]);
    const undeclared = { ...withDeepinfra, providers: {} };
    expect(issues(undeclared).join('\n')).toContain(
      'models.deepinfra: deepinfra is not a provider this deployment knows',
    );
  });

  it('accepts an https webhook for alarms', () => {
    const alarms = { ...(settingsOf('dev').alarms as object), webhookUrl: 'https://hooks.example.com/sns' };
    expect(issues({ ...settingsOf('dev'), alarms })).toEqual([]);
  });

  const withFirstTier = (overrides: Record<string, unknown>) => {
    const [first, ...rest] = settingsOf('dev').tiers as Array<Record<string, unknown>>;
    return [{ ...first, ...overrides }, ...rest];
  };

  it.each([
    ['CORS "*" in prod', { ...settingsOf('prod'), corsOrigins: ['*'] }, 'corsOrigins: prod must list its origins'],
    [
      'a log retention CloudWatch does not offer',
      { ...settingsOf('dev'), logRetentionDays: 10 },
      'logRetentionDays: one of',
    ],
    [
      "a timeout shorter than a tier's streams",
      { ...settingsOf('dev'), streamTimeoutSeconds: 30 },
      'maxStreamSeconds: free: must be at most 20',
    ],
    [
      'a default tier that is not defined',
      { ...settingsOf('dev'), throttle: { defaultTier: 'gold' } },
      'throttle.defaultTier: must name one of the tiers',
    ],
    [
      'no hosted model',
      { ...settingsOf('dev'), models: { local: { x: { input: 1, output: 1 } } } },
      'models: offer at least one',
    ],
    [
      'a tier feature the service does not know',
      { ...settingsOf('dev'), tiers: withFirstTier({ features: ['teleport'] }) },
      'tiers.0.features.0:',
    ],
    [
      'a tier naming a model the stack does not offer',
      { ...settingsOf('dev'), tiers: withFirstTier({ allowedModels: ['openai:gpt-9'] }) },
      'tiers.0.allowedModels.0: free: openai:gpt-9 is not a model this deployment offers',
    ],
    [
      'a tier whose burst exceeds its hourly requests',
      { ...settingsOf('dev'), tiers: withFirstTier({ burst: 11 }) },
      'tiers.0.burst: free: must be at most requestsPerHour',
    ],
    ['a missing environment', { ...settingsOf('dev'), environment: undefined }, 'environment:'],
    [
      'prod without JWKS and without opting into a shared secret',
      { ...settingsOf('prod'), auth: { audience: 'chat', issuer: 'https://auth.example.com/' } },
      'auth.jwksUrl: prod verifies chat tokens against',
    ],
    [
      'an http:// alarm webhook',
      {
        ...settingsOf('prod'),
        alarms: { ...(settingsOf('prod').alarms as object), webhookUrl: 'http://hooks.example.com/x' },
      },
      'alarms.webhookUrl: must be an https:// URL',
    ],
    [
      'an alarm webhook that is not a URL',
      { ...settingsOf('prod'), alarms: { ...(settingsOf('prod').alarms as object), webhookUrl: 'hooks.example.com' } },
      'alarms.webhookUrl: must be an https:// URL',
    ],
    [
      'a provider declared under a built-in name',
      {
        ...settingsOf('dev'),
        providers: { openai: { baseUrl: 'https://proxy.example.com/v1', apiKeySecret: 'proxyKey' } },
      },
      'providers.openai: openai is a built-in provider',
    ],
    [
      'a provider reached over http://',
      {
        ...settingsOf('dev'),
        providers: { deepinfra: { baseUrl: 'http://api.deepinfra.com/v1/openai', apiKeySecret: 'deepinfraApiKey' } },
      },
      'providers.deepinfra.baseUrl: must be an https:// URL',
    ],
    [
      'a provider name that cannot be a key variable',
      { ...settingsOf('dev'), providers: { Deep_Infra: { baseUrl: 'https://x.example.com', apiKeySecret: 'k' } } },
      'providers.Deep_Infra: lower-case letters',
    ],
    [
      'models of a provider nobody declared',
      {
        ...settingsOf('dev'),
        models: { ...(settingsOf('dev').models as object), acme: { m: { input: 1, output: 1 } } },
      },
      'models.acme: acme is not a provider this deployment knows',
    ],
    [
      'alarms that nobody receives',
      { ...settingsOf('dev'), alarms: { ...(settingsOf('dev').alarms as object), enabled: true } },
      'alarms: alarms are enabled but nobody receives them',
    ],
  ])('rejects %s with a message naming the key', (_name, value, expected) => {
    expect(issues(value).join('\n')).toContain(expected);
  });

  it('stops the program before planning anything, naming the key but not repeating a rejected webhook URL', () => {
    const webhookUrl = 'http://hooks.example.com/services/T000/B000/not-a-real-token';
    const config = Object.fromEntries(
      Object.entries({
        ...settingsOf('prod'),
        auth: prodAuthWithoutJwks,
        alarms: { ...(settingsOf('prod').alarms as object), webhookUrl },
      }).map(([k, v]) => [`streaming-ai-throttle:${k}`, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
    pulumi.runtime.setAllConfig(config);
    let error: unknown;
    try {
      loadStackConfig();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(StackConfigError);
    const message = (error as Error).message;
    expect(message).toContain('streaming-ai-throttle:auth.jwksUrl:');
    expect(message).toContain('streaming-ai-throttle:alarms.webhookUrl: must be an https:// URL');
    expect(message).not.toContain('not-a-real-token');
  });

  it('stops the program when a declared provider has no API key secret, naming the command that sets it', () => {
    const config = Object.fromEntries(
      Object.entries({
        ...settingsOf('dev'),
        providers: { deepinfra: { baseUrl: 'https://api.deepinfra.com/v1/openai', apiKeySecret: 'deepinfraApiKey' } },
      }).map(([k, v]) => [`streaming-ai-throttle:${k}`, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
    pulumi.runtime.setAllConfig({ ...config, 'streaming-ai-throttle:jwtSecret': 'x'.repeat(40) }, [
      'streaming-ai-throttle:jwtSecret',
    ]);
    expect(() => loadStackConfig()).toThrow(
      /provider deepinfra needs its API key: pulumi config set --secret streaming-ai-throttle:deepinfraApiKey/,
    );
  });
});
