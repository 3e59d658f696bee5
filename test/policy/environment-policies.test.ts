// no-literal-secrets-in-env: secret-looking names with literal values, and credential-shaped
// values under any name, fail; settings whose names merely contain such words pass.
import { describe, expect, it } from 'vitest';
import { resourceViolations } from '../helpers/policy-harness.js';
import { lambda } from '../helpers/policy-fixtures.js';
import { noSecretsInEnvironment } from '../../infra/policy/environment-policies.js';

const withVariables = (variables: Record<string, string>) => lambda('chat-stream', { environment: { variables } });
const violations = (variables: Record<string, string>) =>
  resourceViolations(noSecretsInEnvironment, withVariables(variables));

describe('no-literal-secrets-in-env', () => {
  it('passes the names the service uses, references to secrets and settings', async () => {
    expect(
      await violations({
        SECRETS_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:chat-stream',
        TIERS_TABLE: 'ai-tiers',
        MAX_TOKENS_PER_REQUEST: '10000',
        TOKENS_PER_MINUTE: 'unbounded',
        TOKENIZER_MODEL: 'o200k_base',
        AUTH_ALLOW_HS256: 'true',
        JWT_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
        API_KEY_PARAMETER: '/chat/openai',
        DEPLOY_ENV: 'prod',
        NODE_OPTIONS: '--enable-source-maps',
        CACHE_BYPASS: 'false',
      }),
    ).toEqual([]);
  });

  it.each([
    ['OPENAI_API_KEY', 'not-a-real-key'],
    ['JWT_SECRET', 'a shared secret'],
    ['ADMIN_TOKEN', 'admin-token-value'],
    ['TOOL_APPROVAL_SECRET', 'hmac-key-material'],
    ['DB_PASS', 'hunter2'],
    ['SMTP_PASSWORD', 'hunter2'],
    ['clientSecret', 'abc'],
    ['adminTokenValue', 'abc'],
    ['GITHUB_APIKEY', 'abc'],
    ['PROVIDER_KEYS', '{"openai":"x"}'],
    ['SERVICE_CREDENTIALS', '{"user":"x"}'],
  ])('fires on %s with a literal value', async (name, value) => {
    expect(await violations({ [name]: value })).toEqual([expect.stringContaining(name)]);
  });

  it.each([
    ['an OpenAI key', 'sk-proj-abcdefghijklmnop0123456789'],
    ['a Groq key', 'gsk_abcdefghijklmnop0123456789'],
    ['an AWS access key id', 'AKIAABCDEFGHIJKLMNOP'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl'],
  ])('fires on %s under an innocent name', async (_what, value) => {
    expect(await violations({ MODEL_HINT: value })).toHaveLength(1);
  });
});
