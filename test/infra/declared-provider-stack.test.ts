// The dev stack with an OpenAI-compatible provider declared by name (deepinfra): its key
// goes into the chat stream's own secret under DEEPINFRA_API_KEY, never into an
// environment; the functions learn the provider's name and base URL, and tiers may allow it.
import { beforeAll, describe, expect, it } from 'vitest';
import { runProgram, stackConfig, type ProgramRun } from '../helpers/pulumi-program.js';
import { expectNoPolicyViolations, expectNoSecretInPlainSight, secretDocumentOf } from '../helpers/stack-assertions.js';

const deepinfraKey = 'di-test-key-0123456789abcdef';
const baseUrl = 'https://api.deepinfra.com/v1/openai';
let run: ProgramRun;
beforeAll(async () => {
  const config = stackConfig('dev');
  const models = JSON.parse(config['streaming-ai-throttle:models']!) as Record<string, unknown>;
  const tiers = JSON.parse(config['streaming-ai-throttle:tiers']!) as Array<{ allowedModels: string[] }>;
  tiers[1]!.allowedModels.push('deepinfra:*');
  run = await runProgram(
    'dev',
    { jwtSecret: 'dev-jwt-secret-that-is-long-enough-0123456789', deepinfraApiKey: deepinfraKey },
    {
      providers: { deepinfra: { baseUrl, apiKeySecret: 'deepinfraApiKey' } },
      models: { ...models, deepinfra: { 'meta-llama/Llama-3.3-70B': { input: 230000, output: 400000 } } },
      tiers,
    },
  );
}, 120_000);

describe('dev stack with a declared provider', () => {
  it("keeps the provider's key in the chat stream's secret only", () => {
    expect(secretDocumentOf(run, run.named('chat-stream-secrets'))).toMatchObject({ DEEPINFRA_API_KEY: deepinfraKey });
    expectNoSecretInPlainSight(run, [deepinfraKey]);
  });

  it('tells every function the provider by name and base URL, and seeds its models', () => {
    for (const name of ['chat-stream', 'admin-api', 'sweeper']) {
      const variables = run.named(name).inputs.environment.variables;
      expect(JSON.parse(variables.MODEL_PROVIDERS)).toEqual({ deepinfra: { baseUrl } });
    }
    const seeded = JSON.parse(run.named('ai-model-catalog').inputs.item);
    expect(Object.keys(seeded.models.M.deepinfra.M)).toEqual(['meta-llama/Llama-3.3-70B']);
  });

  it('passes every policy of the pack', async () => {
    await expectNoPolicyViolations(run);
  });
});
