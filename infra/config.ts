// The stack's configuration in one typed, validated place. A bad value stops the program
// at start with a message naming the key, before any resource is planned.
import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import { catalogProblems, modelCatalogSchema } from '../functions/shared/catalog.js';
import { compatibleProviderSchema, declarationsOf, knownProviders } from '../functions/shared/providers.js';
import { tierProblems, tierSchema } from '../functions/shared/tier.js';
import { priorityProblems } from '../functions/shared/tier-policies.js';

export const projectName = 'streaming-ai-throttle';

/** CloudWatch Logs accepts only these retention periods. */
const logRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

// Tiers and the model catalog are validated with the service's own schemas, so a tier the
// service would reject fails at `pulumi preview`, not at run time.
const modelCatalog = modelCatalogSchema.refine(
  (c) => Object.entries(c).some(([provider, models]) => provider !== 'local' && Object.keys(models).length > 0),
  'offer at least one model of a hosted provider (local needs a model server the stack does not run)',
);

// The message never repeats the value: a webhook URL may carry a token (set it with
// `pulumi config set --path --secret alarms.webhookUrl ...`).
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });

/** A Pulumi config key, as `pulumi config set --secret <project>:<key>` names it. */
const configKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a config key such as deepinfraApiKey');

// OpenAI-compatible providers by name: where they are, and which config secret holds their key.
const providers = declarationsOf(
  compatibleProviderSchema.extend({
    baseUrl: httpsUrl, // the key travels there
    /** The config secret holding the API key: `pulumi config set --secret <project>:<apiKeySecret> ...`. */
    apiKeySecret: configKey,
  }),
);

export const stackConfigSchema = z
  .object({
    environment: z.enum(['dev', 'prod']),
    models: modelCatalog,
    providers: providers.default({}),
    logRetentionDays: z
      .number()
      .refine((d) => (logRetentionDays as readonly number[]).includes(d), `one of ${logRetentionDays.join(', ')}`),
    corsOrigins: z.array(z.union([z.literal('*'), z.url()])).min(1),
    reservedConcurrency: z.number().int().min(1).max(1000),
    streamTimeoutSeconds: z.number().int().min(10).max(900),
    streamMemoryMb: z.number().int().min(256).max(10_240).default(1024),
    deletionProtection: z.boolean(),
    auth: z
      .object({
        issuer: z.string().optional(),
        audience: z.string().default('chat'),
        jwksUrl: z.url().optional(),
        /** Lets a prod stack verify chat tokens with the shared HS256 jwtSecret instead of JWKS. */
        allowSharedSecret: z.boolean().default(false),
      })
      .default({ audience: 'chat', allowSharedSecret: false }),
    throttle: z
      .object({
        defaultTier: z.string().default('free'),
        signupCredits: z.number().int().nonnegative().default(0),
        failOpen: z.boolean().default(false),
      })
      .default({ defaultTier: 'free', signupCredits: 0, failOpen: false }),
    sweepSchedule: z
      .string()
      .regex(/^(rate|cron)\(.+\)$/)
      .default('rate(1 minute)'),
    tiers: z.array(tierSchema).min(1),
    alarms: z.object({
      enabled: z.boolean(),
      email: z.email().optional(),
      /** An HTTPS endpoint (a Slack or Chatbot forwarder) that SNS posts every alarm to. */
      webhookUrl: httpsUrl.optional(),
      /** The endpoint confirms the SNS subscription itself, so the deploy can wait for it. */
      webhookAutoConfirms: z.boolean().default(false),
      costPerHourMicros: z.number().int().positive(),
      errorsPer5Minutes: z.number().int().positive(),
      rejectionsPer5Minutes: z.number().int().positive(),
    }),
    dashboard: z.object({ enabled: z.boolean() }).default({ enabled: true }),
  })
  .superRefine((c, ctx) => {
    if (c.environment === 'prod' && c.corsOrigins.includes('*'))
      ctx.addIssue({ code: 'custom', path: ['corsOrigins'], message: 'prod must list its origins, not "*"' });
    if (c.environment === 'prod' && !c.auth.jwksUrl && !c.auth.allowSharedSecret)
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'jwksUrl'],
        message:
          "prod verifies chat tokens against the identity provider's JWKS; set auth.jwksUrl, or opt into a shared HS256 secret with auth.allowSharedSecret: true",
      });
    if (c.alarms.enabled && !c.alarms.email && !c.alarms.webhookUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['alarms'],
        message: 'alarms are enabled but nobody receives them; set alarms.email and/or alarms.webhookUrl',
      });
    for (const message of priorityProblems(c.tiers)) ctx.addIssue({ code: 'custom', path: ['tiers'], message });
    for (const [provider, message] of Object.entries(catalogProblems(c.models, knownProviders(c.providers))))
      ctx.addIssue({ code: 'custom', path: ['models', provider], message });
    c.tiers.forEach((tier, i) => {
      const problems = tierProblems(tier, { catalog: c.models, streamTimeoutSeconds: c.streamTimeoutSeconds });
      for (const [field, message] of Object.entries(problems)) {
        ctx.addIssue({ code: 'custom', path: ['tiers', i, ...field.split('.')], message: `${tier.name}: ${message}` });
      }
    });
    if (!c.tiers.some((t) => t.name === c.throttle.defaultTier))
      ctx.addIssue({ code: 'custom', path: ['throttle', 'defaultTier'], message: 'must name one of the tiers' });
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;

export interface StackSecrets {
  jwtSecret?: pulumi.Output<string>;
  openaiApiKey?: pulumi.Output<string>;
  groqApiKey?: pulumi.Output<string>;
  adminToken?: pulumi.Output<string>;
  /** API keys of the declared providers, by provider name. */
  providerApiKeys: Record<string, pulumi.Output<string>>;
}

const keys = [
  'environment',
  'models',
  'providers',
  'logRetentionDays',
  'corsOrigins',
  'reservedConcurrency',
  'streamTimeoutSeconds',
  'streamMemoryMb',
  'deletionProtection',
  'auth',
  'throttle',
  'sweepSchedule',
  'tiers',
  'alarms',
  'dashboard',
] as const;

export class StackConfigError extends Error {
  override name = 'StackConfigError';
}

export function loadStackConfig(config = new pulumi.Config(projectName)): {
  settings: StackConfig;
  secrets: StackSecrets;
} {
  // Values arrive as text: structured and numeric ones are JSON, plain strings are not.
  const read = (key: string): unknown => {
    const text = config.get(key);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  const raw = Object.fromEntries(keys.map((key) => [key, read(key)]));
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${projectName}:${i.path.join('.')}: ${i.message}`);
    throw new StackConfigError(`invalid stack configuration for "${pulumi.getStack()}":\n${lines.join('\n')}`);
  }
  const providerApiKeys: Record<string, pulumi.Output<string>> = {};
  for (const [name, declared] of Object.entries(parsed.data.providers)) {
    const key = config.getSecret(declared.apiKeySecret);
    if (!key)
      throw new StackConfigError(
        `invalid stack configuration for "${pulumi.getStack()}":\n  provider ${name} needs its API key: pulumi config set --secret ${projectName}:${declared.apiKeySecret} <key>`,
      );
    providerApiKeys[name] = key;
  }
  const secrets: StackSecrets = {
    jwtSecret: config.getSecret('jwtSecret'),
    openaiApiKey: config.getSecret('openaiApiKey'),
    groqApiKey: config.getSecret('groqApiKey'),
    adminToken: config.getSecret('adminToken'),
    providerApiKeys,
  };
  if (!parsed.data.auth.jwksUrl && !secrets.jwtSecret) {
    throw new StackConfigError(
      `invalid stack configuration for "${pulumi.getStack()}":\n  set auth.jwksUrl, or a JWT secret with: pulumi config set --secret ${projectName}:jwtSecret <value>`,
    );
  }
  return { settings: parsed.data, secrets };
}
