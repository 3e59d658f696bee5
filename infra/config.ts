// The stack's configuration in one typed, validated place. A bad value stops the program
// at start with a message naming the key, before any resource is planned.
import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';

export const projectName = 'streaming-ai-throttle';

/** CloudWatch Logs accepts only these retention periods. */
const logRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const price = z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() });
const modelCatalog = z
  .object({
    openai: z.record(z.string(), price).default({}),
    groq: z.record(z.string(), price).default({}),
    local: z.record(z.string(), price).default({}),
  })
  .refine(
    (c) => Object.keys(c.openai).length + Object.keys(c.groq).length > 0,
    'offer at least one openai or groq model',
  );

const tier = z.looseObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
  requestsPerHour: z.number().int().positive(),
  burst: z.number().int().positive(),
  maxTokensPerRequest: z.number().int().positive(),
  concurrentStreams: z.number().int().positive(),
  tokensPerMinute: z.number().int().positive(),
  maxStreamSeconds: z.number().int().positive().max(900),
  allowedModels: z.array(z.string()).min(1),
});

export const stackConfigSchema = z
  .object({
    environment: z.enum(['dev', 'prod']),
    models: modelCatalog,
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
        // prod verifies chat tokens with JWKS unless the stack opts into a shared HS256 secret
        allowSharedSecret: z.boolean().default(false),
      })
      .default({ audience: 'chat', allowSharedSecret: false }),
    throttle: z
      .object({
        defaultTier: z.string().default('free'),
        signupCredits: z.number().int().nonnegative().default(0),
        heartbeatMs: z.number().int().min(1_000).max(60_000).default(5_000),
        failOpen: z.boolean().default(false),
      })
      .default({ defaultTier: 'free', signupCredits: 0, heartbeatMs: 5_000, failOpen: false }),
    sweepSchedule: z
      .string()
      .regex(/^(rate|cron)\(.+\)$/)
      .default('rate(1 minute)'),
    tiers: z.array(tier).min(1),
    alarms: z.object({
      enabled: z.boolean(),
      email: z.email().optional(),
      costPerHourMicros: z.number().int().positive(),
      errorsPer5Minutes: z.number().int().positive(),
      rejectionsPer5Minutes: z.number().int().positive(),
    }),
  })
  .superRefine((c, ctx) => {
    if (c.environment === 'prod' && c.corsOrigins.includes('*'))
      ctx.addIssue({ code: 'custom', path: ['corsOrigins'], message: 'prod must list its origins, not "*"' });
    if (c.streamTimeoutSeconds < Math.max(...c.tiers.map((t) => t.maxStreamSeconds)) + 10) {
      ctx.addIssue({
        code: 'custom',
        path: ['streamTimeoutSeconds'],
        message: "must exceed every tier's maxStreamSeconds by at least 10 s",
      });
    }
    if (!c.tiers.some((t) => t.name === c.throttle.defaultTier))
      ctx.addIssue({ code: 'custom', path: ['throttle', 'defaultTier'], message: 'must name one of the tiers' });
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;

export interface StackSecrets {
  jwtSecret?: pulumi.Output<string>;
  openaiApiKey?: pulumi.Output<string>;
  groqApiKey?: pulumi.Output<string>;
  adminToken?: pulumi.Output<string>;
}

const keys = [
  'environment',
  'models',
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
  const secrets: StackSecrets = {
    jwtSecret: config.getSecret('jwtSecret'),
    openaiApiKey: config.getSecret('openaiApiKey'),
    groqApiKey: config.getSecret('groqApiKey'),
    adminToken: config.getSecret('adminToken'),
  };
  if (!parsed.data.auth.jwksUrl && !secrets.jwtSecret) {
    throw new StackConfigError(
      `invalid stack configuration for "${pulumi.getStack()}":\n  set auth.jwksUrl, or a JWT secret with: pulumi config set --secret ${projectName}:jwtSecret <value>`,
    );
  }
  return { settings: parsed.data, secrets };
}
