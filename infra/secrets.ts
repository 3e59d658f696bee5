// One AWS Secrets Manager secret per function that needs one, each holding only what
// that function uses, so a role can read its own secret and no other: the chat stream
// cannot read the admin token. Values come from Pulumi config secrets (encrypted in
// state) or are generated here; they are never Lambda environment variables.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { StackConfig, StackSecrets } from './config.js';
import { components } from './policy/components.js';
import { tagsFor } from './tags.js';
import { providerApiKeyVariable } from '../functions/shared/providers.js';

export interface FunctionSecrets {
  /** Provider API keys, the JWT secret (when not JWKS) and the tool approval secret. */
  stream: aws.secretsmanager.Secret;
  /** The admin bearer token, when one is configured; IAM alone needs no secret. */
  admin?: aws.secretsmanager.Secret;
}

type Document = Record<string, pulumi.Output<string> | undefined>;

function functionSecret(
  component: string,
  description: string,
  settings: StackConfig,
  document: Document,
  /** The resource name this secret had before, so an existing stack keeps it (same ARN). */
  formerName?: string,
): aws.secretsmanager.Secret {
  const aliased = (name: string | undefined) => (name ? { aliases: [{ name }] } : {});
  const secret = new aws.secretsmanager.Secret(
    `${component}-secrets`,
    {
      description,
      recoveryWindowInDays: settings.environment === 'prod' ? 30 : 7,
      tags: tagsFor(settings, component),
    },
    aliased(formerName),
  );
  const names = Object.keys(document);
  const text = pulumi
    .all(names.map((name) => document[name]))
    // JSON.stringify leaves out the keys whose value is not configured.
    .apply((values) => JSON.stringify(Object.fromEntries(names.map((name, i) => [name, values[i]]))));
  new aws.secretsmanager.SecretVersion(
    `${component}-secrets-value`,
    { secretId: secret.id, secretString: pulumi.secret(text) },
    aliased(formerName && `${formerName}-value`),
  );
  return secret;
}

export function createFunctionSecrets(settings: StackConfig, secrets: StackSecrets): FunctionSecrets {
  // Generated, so no deploy can forget it; the provider keeps `result` as a secret in state.
  // Rotate with `pulumi up --replace` on this resource (open tool approvals then expire).
  const toolApproval = new random.RandomPassword('tool-approval-secret', { length: 48, special: false });
  const stream = functionSecret(
    components.stream,
    'Chat stream: provider API keys, JWT secret, tool approval signing secret',
    settings,
    {
      OPENAI_API_KEY: secrets.openaiApiKey,
      GROQ_API_KEY: secrets.groqApiKey,
      JWT_SECRET: secrets.jwtSecret,
      TOOL_APPROVAL_SECRET: toolApproval.result,
      // Declared OpenAI-compatible providers' keys, each under <NAME>_API_KEY.
      ...Object.fromEntries(
        Object.entries(secrets.providerApiKeys).map(([name, key]) => [providerApiKeyVariable(name), key]),
      ),
    },
    // The stack's former shared secret becomes the chat stream's (same ARN, no admin token).
    'ai-secrets',
  );
  const admin = secrets.adminToken
    ? functionSecret(components.admin, 'Admin API: admin bearer token', settings, { ADMIN_TOKEN: secrets.adminToken })
    : undefined;
  return { stream, admin };
}
