// The stack's secrets (Pulumi config secrets, encrypted in state) copied into one AWS
// Secrets Manager secret that the functions read at cold start. Never Lambda env vars.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig, StackSecrets } from './config.js';
import { tagsFor } from './tags.js';

export function createServiceSecret(
  prefix: string,
  settings: StackConfig,
  secrets: StackSecrets,
): aws.secretsmanager.Secret {
  const secret = new aws.secretsmanager.Secret(`${prefix}-secrets`, {
    description: 'Provider API keys and auth secrets of the streaming AI service',
    recoveryWindowInDays: settings.environment === 'prod' ? 30 : 7,
    tags: tagsFor(settings, 'secrets'),
  });
  const document = pulumi
    .all([secrets.openaiApiKey, secrets.groqApiKey, secrets.jwtSecret, secrets.adminToken])
    .apply(([openai, groq, jwt, admin]) =>
      JSON.stringify({ OPENAI_API_KEY: openai, GROQ_API_KEY: groq, JWT_SECRET: jwt, ADMIN_TOKEN: admin }),
    );
  new aws.secretsmanager.SecretVersion(`${prefix}-secrets-value`, {
    secretId: secret.id,
    secretString: pulumi.secret(document),
  });
  return secret;
}
