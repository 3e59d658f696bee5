// Secrets (provider API keys, the JWT secret, an admin token) live in AWS Secrets Manager,
// never in plain Lambda environment variables: the function reads them once per
// container at cold start, from the secret SECRETS_ARN names, and merges them into the
// configuration it builds. Locally there is no SECRETS_ARN and the environment is used.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ConfigError } from './config.js';
import { providerApiKeyVariablePattern } from './shared/providers.js';

const knownSecrets = ['JWT_SECRET', 'ADMIN_TOKEN', 'TOOL_APPROVAL_SECRET'];
/** Known names and providers' API keys (`OPENAI_API_KEY`, `DEEPINFRA_API_KEY`, ...); other keys are ignored. */
const isSecretName = (name: string) => knownSecrets.includes(name) || providerApiKeyVariablePattern.test(name);
const secretDocument = z.record(z.string(), z.string());

export type Environment = Record<string, string | undefined>;

export async function withSecrets(env: Environment = process.env, client?: SecretsManagerClient): Promise<Environment> {
  const secretId = env.SECRETS_ARN;
  if (!secretId) return env;
  const secrets = client ?? new SecretsManagerClient({ region: env.AWS_REGION });
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  const parsed = secretDocument.safeParse(JSON.parse(SecretString ?? '{}'));
  if (!parsed.success) throw new ConfigError(`secret ${secretId} is not a JSON object of known keys`);
  const present = Object.fromEntries(
    Object.entries(parsed.data).filter(([name, value]) => value && isSecretName(name)),
  );
  return { ...env, ...present };
}
